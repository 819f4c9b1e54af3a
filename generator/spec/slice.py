"""Stage 2, slice: the closure of one kind, as a small self-contained OpenAPI 3.0 document.

The closure is the kind's operations (see `kind_operations`: its resource's
every path and subresource, and whatever else sends or answers the kind), with
their parameters resolved inline, and every schema the kind and those
operations reach through `$ref` (its List, Status, DeleteOptions, Patch,
WatchEvent, Scale, ...). A 4 MB upstream document thus costs what the slice
costs in every later stage. Dotted Kubernetes names are shortened here
(`io.k8s.api.authentication.v1.TokenRequest` -> `TokenRequest`), after slicing,
so that `storage.v1.TokenRequest` elsewhere in the document collides with nothing.

`slice_definitions` is the other entry: every definition of the document (models
and validators only, no operations). There a short name several group-versions
share is qualified by its group and version (`qualified_names`, docs/kinds.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import ApigenError, pointer
from generator.ir.naming import class_name, qualified_schema_name, short_schema_name
from generator.spec.convert import HTTP_METHODS

SCHEMA_PREFIX = "#/components/schemas/"


def is_model_schema(schema: Any) -> bool:
    """Objects with properties become classes; everything else is inlined."""
    return (
        isinstance(schema, dict)
        and bool(schema.get("properties"))
        and schema.get("type", "object") == "object"
    )


def ref_name(ref: str) -> str | None:
    """The schema name a local `$ref` points at (pointer escapes decoded), else None."""
    if not ref.startswith(SCHEMA_PREFIX):
        return None
    return ref[len(SCHEMA_PREFIX) :].replace("~1", "/").replace("~0", "~")


def schema_ref(name: str) -> str:
    return SCHEMA_PREFIX + name.replace("~", "~0").replace("/", "~1")


def find_kind(schemas: dict[str, Any], kind: str, group_version: str | None, source: str) -> str:
    """The schema name of `kind`: by x-kubernetes-group-version-kind, else by (short) name."""
    group, _, version = (group_version or "").rpartition("/")
    if group_version and "/" not in group_version:  # "v1" is the core group
        group, version = "", group_version
    by_gvk = []
    for name, schema in schemas.items():
        for gvk in (
            schema.get("x-kubernetes-group-version-kind", []) if isinstance(schema, dict) else []
        ):
            if gvk.get("kind") != kind:
                continue
            if group_version is None or (
                gvk.get("group", "") == group and gvk.get("version") == version
            ):
                by_gvk.append(name)
    declared = any(
        gvk.get("kind") == kind
        for schema in schemas.values()
        if isinstance(schema, dict)
        for gvk in schema.get("x-kubernetes-group-version-kind", [])
    )
    # By name only in documents that declare no group/version for the kind at all.
    by_name = [] if declared else [n for n in schemas if short_schema_name(n) == kind]
    candidates = sorted(set(by_gvk)) or sorted(by_name)
    if not candidates:
        wanted = f"{kind} ({group_version})" if group_version else kind
        raise ApigenError(
            f"no schema for kind {wanted}", source=source, pointer="/components/schemas"
        )
    if len(candidates) > 1:
        raise ApigenError(
            f"kind {kind} is ambiguous: {', '.join(candidates)}; pass its group/version",
            source=source,
            pointer="/components/schemas",
        )
    return candidates[0]


def iter_refs(node: Any, at: tuple[Any, ...] = ()) -> Any:
    """Yield (ref, location tokens) for every `$ref` below `node`."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref, at + ("$ref",)
        for key, value in node.items():
            if key != "$ref":
                yield from iter_refs(value, at + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_refs(value, at + (i,))


def schema_closure(
    schemas: dict[str, Any], root: str | list[str], source: str, at: dict[str, str] | None = None
) -> list[str]:
    """Names reachable from `root` (one name or several), sorted.

    A dangling ref is an error; so is a `$ref` cycle that never passes through
    an object with properties (`A: {$ref: B}`, `B: {$ref: A}` names no type at
    all). Recursion through a model (JSONSchemaProps' `properties` holding
    JSONSchemaProps) is allowed: it becomes a self-referencing class.
    `at` names where each root was referenced from, for errors.
    """
    edges: dict[str, list[str]] = {}
    pending = [root] if isinstance(root, str) else list(root)
    for name in pending:
        if name not in schemas:
            raise ApigenError(
                f"dangling $ref {schema_ref(name)!r}",
                source=source,
                pointer=(at or {}).get(name, pointer("components", "schemas")),
            )
    while pending:
        name = pending.pop()
        if name in edges:
            continue
        edges[name] = []
        for ref, tokens in iter_refs(schemas[name]):
            where = pointer("components", "schemas", name, *tokens)
            target = ref_name(ref)
            if target is None:
                raise ApigenError(
                    f"unsupported $ref {ref!r} (only local schema refs)",
                    source=source,
                    pointer=where,
                )
            if target not in schemas:
                raise ApigenError(f"dangling $ref {ref!r}", source=source, pointer=where)
            edges[name].append(target)
            pending.append(target)
    reject_cycles(edges, source, lambda name: is_model_schema(schemas[name]))
    return sorted(edges)


MAX_REF_DEPTH = 64  # the longest chain of schemas referring to each other; Kubernetes' is < 10


def reject_cycles(edges: dict[str, list[str]], source: str, is_model: Any = None) -> None:
    """Refuse `$ref` cycles that name no type, and over-long chains of refs.

    A cycle is an error unless it passes through a model (`is_model(name)`):
    recursion through an object with properties (JSONSchemaProps) becomes a
    self-referencing class. Walked with an explicit stack (a chain of a thousand
    refs must not exhaust Python's), which also bounds how long a chain may be;
    a back edge of allowed recursion does not lengthen the chain."""
    model = is_model or (lambda name: False)
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    depth: dict[str, int] = {}  # the longest chain of refs from a finished schema
    for start in sorted(edges):
        if start in state:
            continue
        trail: list[str] = [start]
        pending: list[list[str]] = [list(reversed(edges[start]))]
        state[start] = 1
        while trail:
            name = trail[-1]
            if pending[-1]:
                target = pending[-1].pop()
                if state.get(target) == 1:
                    loop = trail[trail.index(target) :]
                    if not any(model(n) for n in loop):
                        cycle = " -> ".join(loop + [target])
                        raise ApigenError(
                            f"$ref cycle: {cycle}",
                            source=source,
                            pointer=pointer("components", "schemas", name),
                        )
                    continue
                if target not in state:
                    state[target] = 1
                    trail.append(target)
                    pending.append(list(reversed(edges.get(target, []))))
                continue
            depth[name] = 1 + max((depth.get(t, 0) for t in edges.get(name, [])), default=0)
            if depth[name] > MAX_REF_DEPTH:
                raise ApigenError(
                    f"a chain of more than {MAX_REF_DEPTH} $refs starts here",
                    source=source,
                    pointer=pointer("components", "schemas", name),
                )
            state[name] = 2
            trail.pop()
            pending.pop()


def resolve_parameter(
    param: dict[str, Any], components: dict[str, Any], source: str, at: str
) -> dict[str, Any]:
    ref = param.get("$ref")
    if ref is None:
        return param
    prefix = "#/components/parameters/"
    name = ref[len(prefix) :] if ref.startswith(prefix) else None
    if name is None or name not in components.get("parameters", {}):
        raise ApigenError(f"dangling parameter $ref {ref!r}", source=source, pointer=at)
    return dict(components["parameters"][name])


def uses_schema(operation: dict[str, Any], ref: str) -> bool:
    """True when the request body or a response has exactly this schema."""
    bodies = [operation.get("requestBody", {})] + list(operation.get("responses", {}).values())
    for body in bodies:
        for media in (body.get("content") or {}).values() if isinstance(body, dict) else []:
            if isinstance(media, dict) and media.get("schema", {}).get("$ref") == ref:
                return True
    return False


def kind_gvks(schema: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (str(g.get("group", "")), str(g.get("version", "")), str(g.get("kind", "")))
        for g in schema.get("x-kubernetes-group-version-kind", [])
        if isinstance(g, dict)
    ]


def op_gvk(op: Any) -> tuple[str, str, str] | None:
    raw = op.get("x-kubernetes-group-version-kind") if isinstance(op, dict) else None
    if not isinstance(raw, dict):
        return None
    return (str(raw.get("group", "")), str(raw.get("version", "")), str(raw.get("kind", "")))


def kind_operations(doc: dict[str, Any], roots: list[str]) -> dict[str, set[str]]:
    """The operations of the kinds, by path: which methods to keep.

    The rule (docs/kinds.md): an operation belongs to a kind when its
    `x-kubernetes-group-version-kind` is the kind's, or its request body or a
    response is the kind's schema; and every operation on a path of a resource
    the kind is served as (`.../PLURAL`, `.../PLURAL/{name}`, the deprecated
    `/watch/` paths, and subresources `.../PLURAL/{name}/SUB`, whatever kind
    those answer: Scale, Eviction, ...) belongs to it too.
    """
    from generator.ir.kubernetes import parse_path  # the ir stage owns Kubernetes' path rules

    schemas = doc.get("components", {}).get("schemas", {})
    wanted = {gvk for root in roots for gvk in kind_gvks(schemas.get(root, {}))}
    refs = {schema_ref(root) for root in roots}
    keep: dict[str, set[str]] = {}
    served: set[tuple[str, str, str]] = set()
    items = [
        (path, item)
        for path, item in sorted(doc.get("paths", {}).items())
        if isinstance(item, dict)
    ]
    for path, item in items:
        for method, op in item.items():
            if method not in HTTP_METHODS or not isinstance(op, dict):
                continue
            if op_gvk(op) in wanted or any(uses_schema(op, ref) for ref in refs):
                keep.setdefault(path, set()).add(method)
                info = parse_path(path)
                if info is not None and not info.subresource and op_gvk(op) in wanted:
                    served.add((info.group, info.version, info.plural))
    for path, item in items:
        info = parse_path(path)
        if info is not None and (info.group, info.version, info.plural) in served:
            keep.setdefault(path, set()).update(m for m in item if m in HTTP_METHODS)
    return keep


def slice_operations(doc: dict[str, Any], roots: list[str], source: str) -> dict[str, Any]:
    components = doc.get("components", {})
    paths: dict[str, Any] = {}
    for path, methods in sorted(kind_operations(doc, roots).items()):
        item = doc["paths"][path]
        shared = [
            resolve_parameter(p, components, source, pointer("paths", path, "parameters", i))
            for i, p in enumerate(item.get("parameters", []))
        ]
        new_item: dict[str, Any] = {"parameters": shared} if shared else {}
        for method in sorted(methods):
            op = dict(item[method])
            if "parameters" in op:
                op["parameters"] = [
                    resolve_parameter(
                        p, components, source, pointer("paths", path, method, "parameters", i)
                    )
                    for i, p in enumerate(op["parameters"])
                ]
            new_item[method] = op
        paths[path] = new_item
    return paths


def operation_schemas(paths: dict[str, Any]) -> dict[str, str]:
    """Every schema the sliced operations name (bodies, responses, parameters), with where."""
    found: dict[str, str] = {}
    for path, item in paths.items():
        for ref, tokens in iter_refs(item):
            name = ref_name(ref)
            if name is not None:
                found.setdefault(name, pointer("paths", path, *tokens))
    return found


def rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, list):
        return [rename_refs(v, renames) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: rename_refs(v, renames) for k, v in node.items()}
    target = ref_name(out["$ref"]) if isinstance(out.get("$ref"), str) else None
    if target is not None:
        out["$ref"] = schema_ref(renames[target])
    return out


def shorten_names(names: list[str], source: str) -> dict[str, str]:
    renames: dict[str, str] = {}
    owner: dict[str, str] = {}
    for name in names:
        short = short_schema_name(name)
        if short in owner:
            raise ApigenError(
                f"schema names collide when shortened: {owner[short]!r} and {name!r} are both {short!r}",
                source=source,
                pointer=pointer("components", "schemas", name),
            )
        owner[short] = name
        renames[name] = short
    return renames


@dataclass(frozen=True)
class Slice:
    """A sliced document, its kinds' (short) schema names, and the names it renamed."""

    document: dict[str, Any]
    roots: tuple[str, ...]  # short names, the primary kind first
    renames: dict[str, str]  # the document's schema name -> the slice's short name


def slice_kinds(
    doc: dict[str, Any], kinds: tuple[str, ...], group_version: str | None, source: str
) -> Slice:
    """The closure of several kinds of one group-version, shared schemas once."""
    schemas = doc.get("components", {}).get("schemas", {})
    if not isinstance(schemas, dict):
        raise ApigenError(
            "components.schemas is not an object", source=source, pointer="/components/schemas"
        )
    roots = list(dict.fromkeys(find_kind(schemas, kind, group_version, source) for kind in kinds))
    paths = slice_operations(doc, roots, source)
    used = operation_schemas(paths)
    names = schema_closure(schemas, [*roots, *sorted(used)], source, used)
    renames = shorten_names(names, source)
    components: dict[str, Any] = {"schemas": {renames[n]: schemas[n] for n in names}}
    security_schemes = doc.get("components", {}).get("securitySchemes")
    if security_schemes:
        components["securitySchemes"] = security_schemes
    sliced: dict[str, Any] = {"openapi": doc.get("openapi", "3.0.3"), "info": doc.get("info", {})}
    if "security" in doc:
        sliced["security"] = doc["security"]
    sliced["paths"] = paths
    sliced["components"] = components
    return Slice(rename_refs(sliced, renames), tuple(renames[r] for r in roots), renames)


def slice_kind(
    doc: dict[str, Any], kind: str, group_version: str | None, source: str
) -> tuple[dict[str, Any], str]:
    """The sliced document and the (short) schema name of the kind."""
    sliced = slice_kinds(doc, (kind,), group_version, source)
    return sliced.document, sliced.roots[0]


def qualified_names(names: list[str], source: str) -> dict[str, str]:
    """Every schema's name in a package of all definitions: the short name where no other
    schema has it, else the short name qualified by its group and version segments
    (`io.k8s.api.admissionregistration.v1.MatchCondition` ->
    `AdmissionregistrationV1MatchCondition`), by more segments only where two still
    collide. Deterministic (it depends on the set of names only, not their order);
    two names that would still become one class are refused."""
    by_short: dict[str, list[str]] = {}
    for name in sorted(names):
        by_short.setdefault(short_schema_name(name), []).append(name)
    renames: dict[str, str] = {}
    for short, holders in by_short.items():
        if len(holders) == 1:
            renames[holders[0]] = short
            continue
        segments = 2
        while True:
            chosen = {name: qualified_schema_name(name, segments) for name in holders}
            most = max(name.count(".") for name in holders)
            if len(set(chosen.values())) == len(holders) or segments > most:
                break
            segments += 1
        renames.update(chosen)
    owner: dict[str, str] = {}
    for name in sorted(renames):
        cls = class_name(renames[name])
        if cls in owner:
            raise ApigenError(
                f"schemas {owner[cls]!r} and {name!r} both become class {cls}",
                source=source,
                pointer=pointer("components", "schemas", name),
            )
        owner[cls] = name
    return renames


def slice_definitions(doc: dict[str, Any], source: str) -> Slice:
    """Every definition of the document, for models and validators (no paths: the
    operations of a whole API belong to its group-versions' own targets).

    Its refs are checked as a kind's closure is (dangling, cycles without a model,
    over-long chains); names are `qualified_names`. The roots are the schemas that
    declare exactly one kind (sorted by their new name), else every model schema."""
    schemas = doc.get("components", {}).get("schemas", {})
    if not isinstance(schemas, dict) or not schemas:
        raise ApigenError(
            "components.schemas is not an object with schemas",
            source=source,
            pointer="/components/schemas",
        )
    names = schema_closure(schemas, sorted(schemas), source)
    renames = qualified_names(names, source)
    kinds = [n for n in names if is_model_schema(schemas[n]) and len(kind_gvks(schemas[n])) == 1]
    roots = kinds or [n for n in names if is_model_schema(schemas[n])]
    if not roots:
        raise ApigenError(
            "no schema is an object with properties", source=source, pointer="/components/schemas"
        )
    components: dict[str, Any] = {"schemas": {renames[n]: schemas[n] for n in names}}
    sliced = {
        "openapi": doc.get("openapi", "3.0.3"),
        "info": doc.get("info", {}),
        "paths": {},
        "components": components,
    }
    return Slice(rename_refs(sliced, renames), tuple(sorted(renames[r] for r in roots)), renames)
