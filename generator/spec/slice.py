"""Stage 2, slice: the closure of one kind, as a small self-contained OpenAPI 3.0 document.

The closure is the kind's schema, every schema it reaches through `$ref`, and
every operation whose request body or response uses the kind, with their
parameters resolved inline. A 4 MB upstream document thus costs what the slice
costs in every later stage. Dotted Kubernetes names are shortened here
(`io.k8s.api.authentication.v1.TokenRequest` -> `TokenRequest`), after slicing,
so that `storage.v1.TokenRequest` elsewhere in the document collides with nothing.
"""

from __future__ import annotations

from typing import Any

from generator.errors import ApigenError, pointer
from generator.ir.naming import short_schema_name
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


def schema_closure(schemas: dict[str, Any], root: str, source: str) -> list[str]:
    """Names reachable from `root`, sorted; dangling refs and ref cycles are errors."""
    edges: dict[str, list[str]] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        if name in edges:
            continue
        edges[name] = []
        for ref, at in iter_refs(schemas[name]):
            where = pointer("components", "schemas", name, *at)
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
    reject_cycles(edges, source)
    return sorted(edges)


def reject_cycles(edges: dict[str, list[str]], source: str) -> None:
    """Recursive schemas cannot become flat models and straight-line validators."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in edges[name]:
            if state.get(target) == 1:
                cycle = (
                    " -> ".join(trail[trail.index(target) :] + [name, target])
                    if target in trail
                    else f"{name} -> {target}"
                )
                raise ApigenError(
                    f"$ref cycle: {cycle}",
                    source=source,
                    pointer=pointer("components", "schemas", name),
                )
            if target not in state:
                visit(target, trail + [name])
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [])


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


def slice_operations(doc: dict[str, Any], kind_ref: str, source: str) -> dict[str, Any]:
    components = doc.get("components", {})
    paths: dict[str, Any] = {}
    for path, item in sorted(doc.get("paths", {}).items()):
        ops = {m: op for m, op in item.items() if m in HTTP_METHODS and uses_schema(op, kind_ref)}
        if not ops:
            continue
        shared = [
            resolve_parameter(p, components, source, pointer("paths", path, "parameters", i))
            for i, p in enumerate(item.get("parameters", []))
        ]
        new_item: dict[str, Any] = {"parameters": shared} if shared else {}
        for method, op in ops.items():
            op = dict(op)
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


def slice_kind(
    doc: dict[str, Any], kind: str, group_version: str | None, source: str
) -> tuple[dict[str, Any], str]:
    """The sliced document and the (short) schema name of the kind."""
    schemas = doc.get("components", {}).get("schemas", {})
    if not isinstance(schemas, dict):
        raise ApigenError(
            "components.schemas is not an object", source=source, pointer="/components/schemas"
        )
    root = find_kind(schemas, kind, group_version, source)
    names = schema_closure(schemas, root, source)
    paths = slice_operations(doc, schema_ref(root), source)
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
    return rename_refs(sliced, renames), renames[root]
