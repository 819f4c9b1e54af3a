"""`apigen diff`: what changed in one kind's closure between two specs, and who it breaks.

Both specs are sliced to the kind's closure first (so v2 or v3, full or
sliced, they compare alike), and `allOf: [{$ref}]` reads as `$ref`. Schemas are
paired by walking both closures from the kind together: two `$ref`s at the same
place pair their targets, so a schema renamed with equal content is a rename,
not a removal plus an addition.

Every change has the JSON pointer of where it is (in the new slice; in the old
one for removals), its kind, who it breaks (clients, servers, or nobody), and
what it does to the generated code. Whether a change breaks clients or servers
depends on the direction the schema travels: request bodies (client -> server),
responses (server -> client), or both, as TokenRequest does.

Kubernetes' own extensions (`x-kubernetes-list-type`, `-patch-merge-key`, ...)
are compared on every schema, operation and parameter the walk visits, and
each change points at the extension's key itself (see `kube_extensions`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.drift import kube_extensions
from generator.drift.importer import wrap_described_refs
from generator.errors import pointer
from generator.ir.lower import ref_target, unwrap
from generator.spec.convert import HTTP_METHODS
from generator.spec.load import LoadedSpec
from generator.spec.slice import iter_refs, ref_name, schema_closure, slice_kind

REQUEST, RESPONSE = "request", "response"
# Keywords whose change tightens or loosens what a value may be.
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
OTHER_CONSTRAINTS = ("pattern", "multipleOf", "uniqueItems", "nullable", "readOnly")
LEVELS = {"none": 3, "breaking": 2, "any": 0}  # --fail-on: the lowest level that fails


@dataclass(frozen=True)
class Change:
    pointer: str
    kind: str  # e.g. "required-removed"
    detail: str
    breaks_clients: bool
    breaks_servers: bool
    generated: str  # what it does to the generated code
    # For a change to an `x-kubernetes-*` extension: its key, what it governs
    # (kube_extensions.AREAS), and its values before and after (None: absent).
    extension: str = ""
    area: str = ""
    before: Any = field(default=None, hash=False)
    after: Any = field(default=None, hash=False)

    @property
    def description_only(self) -> bool:
        return self.kind == "description-changed"

    @property
    def level(self) -> int:
        """2 breaking, 1 compatible, 0 description only."""
        if self.breaks_clients or self.breaks_servers:
            return 2
        return 0 if self.description_only else 1

    @property
    def impact(self) -> str:
        if self.breaks_clients and self.breaks_servers:
            return "breaks clients and servers"
        if self.breaks_clients:
            return "breaks clients"
        if self.breaks_servers:
            return "breaks servers"
        return "description only" if self.description_only else "compatible"


@dataclass
class DiffResult:
    old_source: str
    new_source: str
    kind: str
    changes: list[Change] = field(default_factory=list)

    def fails(self, fail_on: str) -> bool:
        return any(change.level >= LEVELS[fail_on] for change in self.changes)

    def counts(self) -> dict[str, int]:
        names = {2: "breaking", 1: "compatible", 0: "description only"}
        counts = {name: 0 for name in names.values()}
        for change in self.changes:
            counts[names[change.level]] += 1
        return counts

    def extension_changes(self) -> list[Change]:
        return [change for change in self.changes if change.extension]


def directions(document: dict[str, Any]) -> dict[str, set[str]]:
    """Schema name -> {request, response}: which way each schema of the slice travels."""
    schemas = document["components"]["schemas"]
    roots: dict[str, set[str]] = {}
    for item in document["paths"].values():
        for method in HTTP_METHODS:
            op = item.get(method)
            if not op:
                continue
            bodies = [(REQUEST, op.get("requestBody", {}))]
            bodies += [(RESPONSE, r) for r in op.get("responses", {}).values()]
            for direction, body in bodies:
                for ref, _ in iter_refs(body.get("content", {})):
                    name = ref_name(ref)
                    if name is not None and name in schemas:
                        roots.setdefault(name, set()).add(direction)
    found: dict[str, set[str]] = {}
    for root, ways in roots.items():
        for name in schema_closure(schemas, root, ""):  # the slice has no dangling refs
            found.setdefault(name, set()).update(ways)
    return found


class Differ:
    """Walks two sliced documents side by side and collects changes."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any]):
        self.old, self.new = old, new
        self.old_schemas = old["components"]["schemas"]
        self.new_schemas = new["components"]["schemas"]
        self.ways = directions(old)
        for name, ways in directions(new).items():
            self.ways[name] = self.ways.get(name, set()) | ways
        self.pairs: set[tuple[str, str]] = set()  # (old name, new name)
        self.to_walk: list[tuple[str, str]] = []
        self.changes: list[Change] = []

    # -- recording ---------------------------------------------------------

    def add(
        self, at: str, kind: str, detail: str, generated: str, clients: bool, servers: bool
    ) -> None:
        self.changes.append(Change(at, kind, detail, clients, servers, generated))

    def one_sided(
        self, at: str, what: str, subject: str, in_old: bool, in_new: bool, gone: str, new: str
    ) -> bool:
        """`{what}-removed` or `{what}-added` when only one side has it; True when both do.

        A removal breaks clients (they may rely on it); an addition breaks nobody.
        `gone` and `new` say what either does to the generated code.
        """
        if not in_new:
            self.add(at, f"{what}-removed", f"{subject} removed", gone, True, False)
        elif not in_old:
            self.add(at, f"{what}-added", f"{subject} added", new, False, False)
        return in_old and in_new

    def add_directed(
        self, at: str, kind: str, detail: str, generated: str, ways: set[str], *, tighter: bool
    ) -> None:
        """A change that only narrows (tighter) or only widens what one side may send."""
        if tighter:  # the sender may no longer send what it used to
            self.add(at, kind, detail, generated, REQUEST in ways, RESPONSE in ways)
        else:  # the receiver must now accept what it never got before
            self.add(at, kind, detail, generated, RESPONSE in ways, REQUEST in ways)

    # -- schemas -----------------------------------------------------------

    def pair(self, old_name: str, new_name: str) -> None:
        if (old_name, new_name) not in self.pairs:
            self.pairs.add((old_name, new_name))
            self.to_walk.append((old_name, new_name))

    def run(self, old_root: str, new_root: str) -> list[Change]:
        self.operations()
        self.pair(old_root, new_root)
        while self.to_walk:  # walking a pair may pair the schemas it refers to
            self.named_schema(*self.to_walk.pop())
        self.unpaired_schemas()
        return self.changes

    def named_schema(self, old_name: str, new_name: str) -> None:
        at = pointer("components", "schemas", new_name)
        if old_name != new_name:
            self.add(
                at, "schema-renamed", f"schema {old_name} is now {new_name}",
                f"models: class `{old_name}` is now `{new_name}`", False, False,
            )  # fmt: skip
        ways = self.ways.get(new_name, set()) | self.ways.get(old_name, set())
        self.schema(self.old_schemas[old_name], self.new_schemas[new_name], at, new_name, ways)

    def unpaired_schemas(self) -> None:
        paired_old = {old for old, _ in self.pairs}
        paired_new = {new for _, new in self.pairs}
        for name in sorted(set(self.old_schemas) - paired_old):
            self.add(
                pointer("components", "schemas", name), "schema-removed",
                f"schema {name} removed", f"models: class `{name}` removed", True, False,
            )  # fmt: skip
        for name in sorted(set(self.new_schemas) - paired_new):
            self.add(
                pointer("components", "schemas", name), "schema-added",
                f"schema {name} added", f"models: class `{name}` added", False, False,
            )  # fmt: skip

    def schema(self, old: Any, new: Any, at: str, where: str, ways: set[str]) -> None:
        old, new = unwrap(old or {}), unwrap(new or {})
        self.description(old, new, at, where)
        self.extensions(old, new, at, where, ways)
        old_ref, new_ref = ref_target(old), ref_target(new)
        if old_ref and new_ref:
            self.pair(old_ref, new_ref)
        elif old_ref or new_ref:
            self.type_changed(at, where, f"{old_ref or 'inline'} -> {new_ref or 'inline'}")
            return
        for key in ("type", "format"):
            if old.get(key) != new.get(key):
                self.type_changed(at, where, f"{key} {old.get(key)} -> {new.get(key)}", key)
        self.enum(old, new, at, where, ways)
        self.constraints(old, new, at, where, ways)
        self.properties(old, new, at, where, ways)
        for key in ("items", "additionalProperties"):
            if isinstance(old.get(key), dict) or isinstance(new.get(key), dict):
                suffix = "[]" if key == "items" else "{}"
                self.schema(old.get(key), new.get(key), at + pointer(key), where + suffix, ways)

    def description(self, old: dict[str, Any], new: dict[str, Any], at: str, where: str) -> None:
        for key in ("description", "summary"):
            if old.get(key) != new.get(key):
                self.add(
                    at, "description-changed", f"{where}: {key} reworded",
                    "docstrings change", False, False,
                )  # fmt: skip

    def extensions(
        self, old: dict[str, Any], new: dict[str, Any], at: str, where: str, ways: set[str]
    ) -> None:
        """Each `x-kubernetes-*` key that differs, at its own pointer, classified by what it governs."""
        for key in kube_extensions.extension_keys(old, new):
            before, after = old.get(key), new.get(key)
            if key in old and key in new and before == after:
                continue
            found = kube_extensions.verdict(key, before, after, where)
            clients = found.both or (found.tighter and REQUEST in ways)
            clients = clients or (found.looser and RESPONSE in ways)
            servers = found.both or (found.tighter and RESPONSE in ways)
            servers = servers or (found.looser and REQUEST in ways)
            what = "added" if key not in old else "removed" if key not in new else "changed"
            detail = kube_extensions.describe(key, before, after, key not in old, key not in new)
            self.changes.append(
                Change(
                    at + pointer(key), f"extension-{what}", f"{where}: {detail}",
                    clients, servers, found.generated, key, found.area, before, after,
                )
            )  # fmt: skip

    def type_changed(self, at: str, where: str, detail: str, key: str = "type") -> None:
        self.add(
            at, f"{key}-changed", f"{where}: {detail}",
            f"models: the type of `{where}` changes", True, True,
        )  # fmt: skip

    def enum(
        self, old: dict[str, Any], new: dict[str, Any], at: str, where: str, ways: set[str]
    ) -> None:
        before, after = old.get("enum"), new.get("enum")
        if before == after:
            return
        generated = f"models and validators: the values allowed in `{where}` change"
        dropped = [v for v in before or [] if after is not None and v not in after]
        added = [v for v in after or [] if before is None or v not in before]
        if after is not None and (before is None or dropped):
            detail = f"{where}: enum now {after}" + (f", {dropped} dropped" if dropped else "")
            self.add_directed(at, "enum-changed", detail, generated, ways, tighter=True)
        if before is not None and (after is None or added):
            detail = f"{where}: enum " + (f"gains {added}" if after is not None else "dropped")
            self.add_directed(at, "enum-changed", detail, generated, ways, tighter=False)

    def constraints(
        self, old: dict[str, Any], new: dict[str, Any], at: str, where: str, ways: set[str]
    ) -> None:
        if old.get("default") != new.get("default"):  # what an absent value means, not a check
            self.add(
                at, "default-changed", f"{where}: default {old.get('default')!r} -> {new.get('default')!r}",
                f"models: the default of `{where}` changes", False, False,
            )  # fmt: skip
        for key in LOWER_BOUNDS + UPPER_BOUNDS + OTHER_CONSTRAINTS:
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            detail = f"{where}: {key} {before} -> {after}"
            generated = f"validators: the check of {key} on `{where}` changes"
            if key in OTHER_CONSTRAINTS:  # no direction to it: both sides may break
                self.add(at, "constraint-changed", detail, generated, True, True)
                continue
            upper = key in UPPER_BOUNDS
            tighter = after is not None and (
                before is None or (after < before if upper else after > before)
            )
            self.add_directed(at, "constraint-changed", detail, generated, ways, tighter=tighter)

    def properties(
        self, old: dict[str, Any], new: dict[str, Any], at: str, where: str, ways: set[str]
    ) -> None:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted(set(old_props) | set(new_props)):
            here, field_name = at + pointer("properties", name), f"{where}.{name}"
            if self.one_sided(
                here, "property", field_name, name in old_props, name in new_props,
                f"models: `{field_name}` removed", f"models: `{field_name}` added",
            ):  # fmt: skip
                self.schema(old_props[name], new_props[name], here, field_name, ways)
        for name in sorted(old_required - new_required):
            self.add_directed(
                at + pointer("properties", name), "required-removed",
                f"{where}.{name} is no longer required",
                f"models: `{where}.{name}` becomes Optional (default None)", ways, tighter=False,
            )  # fmt: skip
        for name in sorted(new_required - old_required):
            self.add_directed(
                at + pointer("properties", name), "required-added",
                f"{where}.{name} is now required",
                f"models: `{where}.{name}` becomes required", ways, tighter=True,
            )  # fmt: skip

    # -- operations --------------------------------------------------------

    def operations(self) -> None:
        old_ops, new_ops = dict(iter_operations(self.old)), dict(iter_operations(self.new))
        for key in sorted(set(old_ops) | set(new_ops)):
            path, method = key
            at = pointer("paths", path, method)
            op_id = (new_ops.get(key) or old_ops[key])[0].get("operationId", f"{method} {path}")
            if self.one_sided(
                at, "operation", f"{method.upper()} {path}", key in old_ops, key in new_ops,
                f"client and server: `{op_id}` removed", f"client and server: `{op_id}` added",
            ):  # fmt: skip
                self.operation(old_ops[key], new_ops[key], at)

    def operation(self, old: OpParts, new: OpParts, at: str) -> None:
        old_op, old_params = old
        new_op, new_params = new
        op_id = new_op.get("operationId", at)
        self.description(old_op, new_op, at, op_id)
        self.extensions(old_op, new_op, at, op_id, {REQUEST, RESPONSE})
        if old_op.get("operationId") != new_op.get("operationId"):
            self.add(
                at, "operation-renamed",
                f"operationId {old_op.get('operationId')} -> {new_op.get('operationId')}",
                f"client: method `{old_op.get('operationId')}` renamed", True, False,
            )  # fmt: skip
        self.parameters(old_params, new_params, op_id)
        self.body(old_op.get("requestBody", {}), new_op.get("requestBody", {}), at, op_id)
        self.responses(old_op.get("responses", {}), new_op.get("responses", {}), at, op_id)

    def parameters(self, old: Params, new: Params, op_id: str) -> None:
        for key in sorted(set(old) | set(new)):
            name = key[1]
            if key not in new:
                self.add(
                    old[key][0], "parameter-removed", f"{op_id}: {key[0]} parameter {name} removed",
                    f"client: keyword argument `{name}` of `{op_id}` removed", True, False,
                )  # fmt: skip
                continue
            at, param = new[key]
            if key not in old:
                required = bool(param.get("required"))
                self.add(
                    at, "parameter-added", f"{op_id}: {key[0]} parameter {name} added"
                    + (" (required)" if required else ""),
                    f"client: keyword argument `{name}` of `{op_id}` added", required, False,
                )  # fmt: skip
                continue
            before = old[key][1]
            self.description(before, param, at, f"{op_id}({name})")
            self.extensions(before, param, at, f"{op_id}({name})", {REQUEST})
            if bool(before.get("required")) != bool(param.get("required")):
                now = "required" if param.get("required") else "optional"
                self.add_directed(
                    at, "required-added" if param.get("required") else "required-removed",
                    f"{op_id}: parameter {name} is now {now}",
                    f"client: keyword argument `{name}` of `{op_id}` becomes {now}",
                    {REQUEST}, tighter=bool(param.get("required")),
                )  # fmt: skip
            self.schema(
                before.get("schema"), param.get("schema"), at + "/schema", f"{op_id}({name})",
                {REQUEST},
            )  # fmt: skip

    def body(self, old: dict[str, Any], new: dict[str, Any], at: str, op_id: str) -> None:
        self.content(old.get("content", {}), new.get("content", {}), at + "/requestBody", op_id)
        if bool(old.get("required")) != bool(new.get("required")):
            self.add_directed(
                at + "/requestBody", "required-added" if new.get("required") else "required-removed",
                f"{op_id}: request body required {bool(old.get('required'))} -> {bool(new.get('required'))}",
                f"client: the body argument of `{op_id}` changes", {REQUEST},
                tighter=bool(new.get("required")),
            )  # fmt: skip

    def responses(self, old: dict[str, Any], new: dict[str, Any], at: str, op_id: str) -> None:
        for code in sorted(set(old) | set(new)):
            here = at + pointer("responses", code)
            if self.one_sided(
                here, "response", f"{op_id}: response {code}", code in old, code in new,
                f"client: status {code} of `{op_id}` no longer expected",
                f"client: status {code} of `{op_id}` now expected",
            ):  # fmt: skip
                self.description(old[code], new[code], here, f"{op_id} {code}")
                self.content(
                    old[code].get("content", {}), new[code].get("content", {}), here, op_id
                )

    def content(self, old: dict[str, Any], new: dict[str, Any], at: str, op_id: str) -> None:
        request = at.endswith("/requestBody")
        for media in sorted(set(old) | set(new)):
            here = at + pointer("content", media)
            side = "request" if request else "response"
            if self.one_sided(
                here, "content-type", f"{op_id}: {side} media type {media}",
                media in old, media in new,
                f"client and server: `{op_id}` no longer {'sends' if request else 'accepts'} {media}",
                f"client and server: `{op_id}` may {'send' if request else 'accept'} {media}",
            ):  # fmt: skip
                ways = {REQUEST if request else RESPONSE}
                self.schema(
                    old[media].get("schema"), new[media].get("schema"), here + "/schema",
                    op_id, ways,
                )  # fmt: skip


OpParts = tuple[dict[str, Any], "Params"]
Params = dict[tuple[str, str], tuple[str, dict[str, Any]]]  # (in, name) -> (pointer, parameter)


def parameters_of(owner: dict[str, Any], *at: str) -> Params:
    """The `parameters` of a path item or operation at pointer tokens `at`, by (in, name)."""
    return {
        (p.get("in", ""), p.get("name", "")): (pointer(*at, "parameters", i), p)
        for i, p in enumerate(owner.get("parameters", []))
    }


def iter_operations(document: dict[str, Any]) -> Iterator[tuple[tuple[str, str], OpParts]]:
    """((path, method), (operation, its parameters, path-level ones included))."""
    for path, item in document["paths"].items():
        shared = parameters_of(item, "paths", path)
        for method in HTTP_METHODS:
            if method in item:
                own = parameters_of(item[method], "paths", path, method)
                yield (path, method), (item[method], {**shared, **own})


def diff_specs(
    old: LoadedSpec, new: LoadedSpec, kind: str, group_version: str | None = None
) -> DiffResult:
    old_slice, old_root = slice_kind(old.document, kind, group_version, old.source)
    new_slice, new_root = slice_kind(new.document, kind, group_version, new.source)
    # v2 and v3 forms of the same field read alike (see importer.wrap_described_refs).
    old_slice, new_slice = wrap_described_refs(old_slice), wrap_described_refs(new_slice)
    changes = Differ(old_slice, new_slice).run(old_root, new_root)
    changes.sort(key=lambda c: (-c.level, c.pointer, c.kind, c.detail))
    return DiffResult(old.source, new.source, kind, changes)
