"""Kubernetes knowledge: what its URL paths, actions and a few well-known schemas mean.

Everything apigen knows about Kubernetes REST conventions is here, so that the
lowering stage can give each operation its verb, scope and resource, group the
operations into resources and subresources, and type the special formats;
context builders then read those fields and never parse a path.

Paths follow kube-apiserver's layout::

    /api/v1[/watch][/namespaces/{namespace}]/PLURAL[/{name}[/SUBRESOURCE[/{path}]]]
    /apis/GROUP/VERSION[/watch][/namespaces/{namespace}]/PLURAL[/{name}[/SUBRESOURCE...]]

`/watch/` paths are the deprecated watch endpoints (a list with `?watch=true`
replaces them); `x-kubernetes-action` names the verb (`post` is create, `put`
update, `watchlist` a watch of the collection).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from generator.ir.model import (
    Api,
    GroupVersionKind,
    Model,
    Operation,
    PatchMeta,
    Resource,
    Scope,
    Subresource,
    Verb,
)
from generator.runtime._resource import VERBS, ResourceInfo

# x-kubernetes-action -> verb. A missing action is read from the method (see `verb_of`).
ACTIONS: dict[str, Verb] = {
    "get": "get",
    "list": "list",
    "watch": "watch",
    "watchlist": "watch",
    "post": "create",
    "put": "update",
    "patch": "patch",
    "delete": "delete",
    "deletecollection": "deletecollection",
    "connect": "connect",
}
# How discovery names the verbs of a `connect` operation: by its HTTP method.
CONNECT_VERBS = {"get": "get", "post": "create", "put": "update", "patch": "patch",
                 "delete": "delete"}  # fmt: skip

# Well-known schemas whose JSON form the OpenAPI document does not spell out,
# by their dotted upstream name and the short name apigen gives them.
QUANTITY = frozenset({"io.k8s.apimachinery.pkg.api.resource.Quantity", "Quantity"})
MICROTIME = frozenset({"io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime", "MicroTime"})
INT_OR_STRING_FORMAT = "int-or-string"
# JSONSchemaProps' free-form unions (`{}` in the document): schema name -> what else it may be.
JSON_SCHEMA_PROPS = "JSONSchemaProps"
_APIEXT = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
UNIONS: dict[str, str] = {
    name: other
    for short, other in (
        ("JSONSchemaPropsOrBool", "boolean"),
        ("JSONSchemaPropsOrArray", "array-of-props"),
        ("JSONSchemaPropsOrStringArray", "array-of-strings"),
    )
    for name in (short, _APIEXT + short)
}
PATCH_KEYS = {
    "x-kubernetes-patch-strategy": "strategy",
    "x-kubernetes-patch-merge-key": "merge_key",
    "x-kubernetes-list-type": "list_type",
    "x-kubernetes-list-map-keys": "list_map_keys",
    "x-kubernetes-map-type": "map_type",
}


@dataclass(frozen=True)
class PathInfo:
    """What a Kubernetes path says about the operations under it."""

    group: str
    version: str
    plural: str
    namespaced: bool  # has /namespaces/{namespace}/ before the plural
    named: bool  # has /{name}: one object, not the collection
    subresource: str
    deprecated_watch: bool


def parse_path(path: str) -> PathInfo | None:
    """The parts of a kube-apiserver path, or None for any other path."""
    segments = path.strip("/").split("/")
    if len(segments) >= 3 and segments[0] == "api":
        group, version, rest = "", segments[1], segments[2:]
    elif len(segments) >= 4 and segments[0] == "apis":
        group, version, rest = segments[1], segments[2], segments[3:]
    else:
        return None
    watch = rest[:1] == ["watch"]
    rest = rest[1:] if watch else rest
    namespaced = len(rest) >= 3 and rest[0] == "namespaces" and rest[1] == "{namespace}"
    rest = rest[2:] if namespaced else rest
    if not rest or rest[0].startswith("{"):
        return None
    plural, rest = rest[0], rest[1:]
    named = rest[:1] == ["{name}"]
    if rest and not named:
        return None
    rest = rest[1:]
    subresource = rest[0] if rest else ""
    if subresource.startswith("{") or (subresource and watch):
        return None
    return PathInfo(group, version, plural, namespaced, named, subresource, watch)


def verb_of(action: str, method: str, collection: bool) -> Verb | None:
    if action in ACTIONS:
        return ACTIONS[action]
    by_method: dict[str, Verb] = {
        "get": "list" if collection else "get",
        "post": "create",
        "put": "update",
        "patch": "patch",
        "delete": "deletecollection" if collection else "delete",
    }
    return by_method.get(method)


def singular_of(kind: str) -> str:
    """The singular resource name kube-apiserver gives built-in kinds: the kind in lower case."""
    return kind.lower()


def patch_meta(schema: dict[str, object]) -> PatchMeta | None:
    """The merge metadata a property schema carries, or None."""
    found: dict[str, object] = {}
    for key, attribute in PATCH_KEYS.items():
        value = schema.get(key)
        if isinstance(value, str) and value:
            found[attribute] = value
        elif attribute == "list_map_keys" and isinstance(value, list):
            found[attribute] = tuple(str(v) for v in value)
    return PatchMeta(**found) if found else None  # type: ignore[arg-type]


def group_resources(
    operations: Iterable[Operation], models: Iterable[Model]
) -> tuple[tuple[Operation, ...], tuple[Resource, ...]]:
    """Give each Kubernetes operation its verb, scope and resource, and group them.

    Operations on other paths are returned unchanged (verb "").
    """
    by_name = {str(m.name): m for m in models}
    parsed: list[tuple[Operation, PathInfo | None]] = [
        (op, parse_path(op.path)) for op in operations
    ]
    namespaced: set[tuple[str, str, str]] = {
        (info.group, info.version, info.plural) for _, info in parsed if info and info.namespaced
    }
    annotated: list[Operation] = []
    for op, info in parsed:
        verb = verb_of(op.action, op.method, not info.named) if info else None
        if info is None or verb is None:
            annotated.append(op)
            continue
        key = (info.group, info.version, info.plural)
        scope: Scope = (
            "namespaced"
            if info.namespaced
            else "all-namespaces"
            if key in namespaced
            else "cluster"
        )
        annotated.append(
            replace(
                op,
                verb=verb,
                scope=scope,
                collection=not info.named,
                resource=info.plural,
                subresource=info.subresource,
                deprecated_watch=info.deprecated_watch,
            )
        )
    keys = sorted(
        {(i.group, i.version, i.plural) for _, i in parsed if i is not None},
    )
    resources = []
    for group, version, plural in keys:
        own = tuple(
            op
            for op in annotated
            if op.verb and op.resource == plural and not op.subresource
            and _gv(op) == (group, version)
        )  # fmt: skip
        subs: dict[str, list[Operation]] = {}
        for op in annotated:
            if op.verb and op.resource == plural and op.subresource and _gv(op) == (group, version):
                subs.setdefault(op.subresource, []).append(op)
        if not own and not subs:
            continue
        kinds = [op.gvk.kind for op in own if op.gvk]
        kind = max(sorted(set(kinds)), key=kinds.count) if kinds else ""
        list_op = next((op for op in own if op.verb == "list"), None)
        list_model = list_op.success_model if list_op else None
        list_kind = ""
        if list_model is not None:
            model = by_name.get(str(list_model))
            list_kind = model.gvk.kind if model and model.gvk else str(list_model)
        resources.append(
            Resource(
                group=group,
                version=version,
                kind=kind,
                plural=plural,
                singular=singular_of(kind) if kind else "",
                namespaced=(group, version, plural) in namespaced,
                list_kind=list_kind,
                subresources=tuple(
                    Subresource(name, _sub_kind(ops), tuple(ops))
                    for name, ops in sorted(subs.items())
                ),
                operations=own,
            )
        )
    return tuple(annotated), tuple(resources)


def _gv(op: Operation) -> tuple[str, str]:
    info = parse_path(op.path)
    return (info.group, info.version) if info else ("", "")


def _sub_kind(operations: list[Operation]) -> GroupVersionKind | None:
    return next((op.gvk for op in operations if op.gvk), None)


def _discovery_verbs(operations: tuple[Operation, ...]) -> tuple[str, ...]:
    found = set()
    for op in operations:
        found.add(CONNECT_VERBS.get(op.method, op.method) if op.verb == "connect" else op.verb)
    return tuple(v for v in VERBS if v in found)


def resource_infos(api: Api) -> tuple[ResourceInfo, ...]:
    """What the runtime's `ResourceInfo` needs, for every resource and subresource of the package."""
    infos = []
    for res in api.resources:
        if res.operations:
            infos.append(
                ResourceInfo(
                    group=res.group,
                    version=res.version,
                    kind=res.kind,
                    plural=res.plural,
                    namespaced=res.namespaced,
                    verbs=_discovery_verbs(res.operations),
                    singular=res.singular,
                    list_kind=res.list_kind,
                )
            )
        for sub in res.subresources:
            infos.append(
                ResourceInfo(
                    group=res.group,
                    version=res.version,
                    kind=sub.kind.kind if sub.kind else "",
                    plural=res.plural,
                    namespaced=res.namespaced,
                    verbs=_discovery_verbs(sub.operations),
                    subresource=sub.name,
                    parent_kind=res.kind,
                )
            )
    return tuple(infos)


def patch_paths(api: Api, model_name: str) -> dict[str, PatchMeta]:
    """The merge metadata of every field reachable from a model, by dotted JSON path.

    List items are transparent, as strategic merge patch reads them
    (`spec.template.spec.containers.ports`). A model met again below itself
    (JSONSchemaProps) is not expanded again, so the walk is finite; it is an
    explicit stack, not recursion.
    """
    models = {str(m.name): m for m in api.models}
    found: dict[str, PatchMeta] = {}
    stack: list[tuple[str, str, frozenset[str]]] = [(model_name, "", frozenset({model_name}))]
    while stack:
        name, prefix, seen = stack.pop()
        for field in models[name].fields:
            path = prefix + field.json_name
            if field.patch is not None:
                found[path] = field.patch
            ref = field.type
            while ref.item is not None and ref.kind in ("array", "map"):
                ref = ref.item
            if ref.kind == "model" and ref.model and str(ref.model) not in seen:
                target = str(ref.model)
                stack.append((target, path + ".", seen | {target}))
    return dict(sorted(found.items()))
