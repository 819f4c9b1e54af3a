"""Context of the client templates (`templates/client/`): plain data from the IR.

Every operation of every resource becomes one thin method on `Client` and
`AsyncClient` that calls the runtime verb (`_rest.RestClient.get`, `.list`,
`.watch`, ...) with the resource's `ResourceInfo`, its typed query parameters
and its models. Names are the official Python client's (the operationId
without its group and version, in snake_case): `list_namespaced_config_map`,
`read_namespaced_pod_status`, `list_node`; each list also gets a `watch_...`
method of the same name (`watch_namespaced_config_map`), which lists with
`?watch=true` as client-go does instead of the deprecated `/watch/` paths.

Not rendered: `connect` operations (exec, attach, port-forward, proxy) and
operations that answer no model (a pod's log). An operation on a path that is
no Kubernetes resource's gets a method that calls the runtime by method and
path. Extensions add their own helpers (see `ExtensionClient`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.extensions import Extension
from generator.ir.model import Api, Operation, Parameter, Resource, TypeRef
from generator.ir.naming import validator_name
from generator.runtime._resource import VERBS

# Query parameters the runtime verb takes as keyword arguments, not in `query`.
RUNTIME_ARGS = {
    "patch": ("fieldManager", "force"),
    "watch": ("resourceVersion", "allowWatchBookmarks", "timeoutSeconds"),
}
# What a list's parameters mean nothing to its watch.
NOT_FOR_WATCH = frozenset({"watch", "limit", "continue", "resourceVersionMatch"})
# Names the method signatures use themselves; a parameter named so gets `_param`.
RESERVED = frozenset({"self", "name", "namespace", "body", "patch_type", "query"})
MAX_LINE = 120  # ruff's limit for generated code (pyproject.toml)
PYTHON_TYPES = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}


@dataclass(frozen=True)
class ClientParam:
    wire_name: str
    python_name: str
    annotation: str  # str, int, bool
    description: str
    long: bool = False  # `"wireName": python_name,` is longer than a line may be


@dataclass(frozen=True)
class ClientResource:
    """A `ResourceInfo` constant of the generated client."""

    constant: str
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    subresource: str
    parent_kind: str
    list_kind: str
    verbs: tuple[str, ...]  # discovery's names, in its order


@dataclass(frozen=True)
class ClientMethod:
    """One generated method and the runtime call it makes.

    `verb` is the runtime method: get, list, watch, create, replace, patch,
    delete, delete_collection, or call (a path that is no resource's).
    """

    python_name: str
    verb: str
    description: str
    http: str  # `GET /api/v1/...`, for the docstring
    resource: str  # the ClientResource constant, "" for `call`
    named: bool  # takes `name`
    namespaced: bool  # takes `namespace`
    all_namespaces: bool
    body_model: str | None  # a model class; None with `free_body` for a patch
    body_optional: bool
    free_body: bool  # a patch: a mapping, or a list of JSON patch operations
    validator: str | None
    api_version: str  # filled into a body that lacks it
    kind: str
    result_model: str
    query_params: tuple[ClientParam, ...]
    runtime_params: tuple[ClientParam, ...]
    path: str = ""  # for `call`
    method: str = ""  # for `call`
    path_params: tuple[ClientParam, ...] = ()  # for `call`


@dataclass(frozen=True)
class ExtensionClient:
    """What an extension renders into the client and the command line: its templates
    (macros `imports()` and `methods(is_async)` / `imports()` and `commands()`), its
    name and its context object."""

    name: str
    template: str | None
    cli_template: str | None
    context: object


@dataclass(frozen=True)
class ClientContext:
    resources: tuple[ClientResource, ...]
    methods: tuple[ClientMethod, ...]
    extensions: tuple[ExtensionClient, ...]
    has_watch: bool
    has_patch: bool


def client_context(api: Api, extensions: tuple[Extension, ...] = ()) -> ClientContext:
    resources: list[ClientResource] = []
    methods: list[ClientMethod] = []
    in_resources: set[str] = set()
    for resource in api.resources:
        for sub, operations, kind in [("", resource.operations, resource.kind)] + [
            (s.name, s.operations, s.kind.kind if s.kind else "") for s in resource.subresources
        ]:
            in_resources.update(op.operation_id for op in operations)
            rendered = [m for op in operations for m in _methods(api, resource, sub, op)]
            if rendered:
                resources.append(_resource(resource, sub, kind, operations))
                methods.extend(rendered)
    for op in api.operations:
        if op.operation_id not in in_resources and op.success_model:
            methods.append(_call_method(api, op))
    names = [m.python_name for m in methods]
    unique = tuple(m for i, m in enumerate(methods) if m.python_name not in names[:i])
    return ClientContext(
        resources=tuple(resources),
        methods=unique,
        extensions=tuple(_extension_client(api, e) for e in extensions if e.client),
        has_watch=any(m.verb == "watch" for m in unique),
        has_patch=any(m.verb == "patch" for m in unique),
    )


def _extension_client(api: Api, extension: Extension) -> ExtensionClient:
    contribution = extension.client
    assert contribution is not None
    build: Callable[[Api], object] | None = getattr(contribution, "context", None)
    return ExtensionClient(
        name=extension.name,
        template=extension.template_name(contribution.template) if contribution.template else None,
        cli_template=(
            extension.template_name(contribution.cli_template)
            if contribution.cli_template
            else None
        ),
        context=build(api) if build else None,
    )


def _constant(resource: Resource, sub: str) -> str:
    name = f"{resource.plural}_{sub}" if sub else resource.plural
    return "_" + "".join(c if c.isalnum() else "_" for c in name).upper()


def _resource(
    resource: Resource, sub: str, kind: str, operations: tuple[Operation, ...]
) -> ClientResource:
    return ClientResource(
        constant=_constant(resource, sub),
        group=resource.group,
        version=resource.version,
        kind=kind or resource.kind,
        plural=resource.plural,
        namespaced=resource.namespaced,
        subresource=sub,
        parent_kind=resource.kind if sub else "",
        list_kind="" if sub else resource.list_kind,
        verbs=tuple(v for v in VERBS if v in {op.verb for op in operations}),
    )


VERB_METHODS = {
    "get": "get",
    "list": "list",
    "create": "create",
    "update": "replace",
    "patch": "patch",
    "delete": "delete",
    "deletecollection": "delete_collection",
}


def _methods(api: Api, resource: Resource, sub: str, op: Operation) -> list[ClientMethod]:
    """The method of an operation, and for a list also its watch; none for what the
    runtime does not serve (connect, deprecated watch paths, answers without a model)."""
    if op.verb not in VERB_METHODS or op.deprecated_watch or not op.success_model:
        return []
    method = _method(api, resource, sub, op, VERB_METHODS[op.verb], op.python_name)
    if op.verb != "list":
        return [method]
    item = _list_item_model(api, str(op.success_model))
    if item is None:
        return [method]
    watch_name = "watch_" + op.python_name.removeprefix("list_")
    watch = _method(api, resource, sub, op, "watch", watch_name, result=item)
    return [method, watch]


def _list_item_model(api: Api, list_model: str) -> str | None:
    for field in api.model(list_model).fields:
        if field.json_name == "items" and field.type.item and field.type.item.model:
            return str(field.type.item.model)
    return None


def _method(
    api: Api,
    resource: Resource,
    sub: str,
    op: Operation,
    verb: str,
    python_name: str,
    result: str | None = None,
) -> ClientMethod:
    gvk = op.gvk or api.kind
    runtime_names = RUNTIME_ARGS.get(verb, ())
    params = [p for p in op.query_params if verb != "watch" or p.name not in NOT_FOR_WATCH]
    body = op.body
    free_body = verb == "patch"
    body_model = str(body.model) if body and body.model and not free_body else None
    return ClientMethod(
        python_name=python_name,
        verb=verb,
        description=_description(op, verb),
        http=f"{op.method.upper()} {op.path}" + (" ?watch=true" if verb == "watch" else ""),
        resource=_constant(resource, sub),
        named=not op.collection,
        namespaced=op.scope == "namespaced",
        all_namespaces=op.scope == "all-namespaces",
        body_model=body_model,
        body_optional=verb in ("delete", "delete_collection")
        or (body is not None and not body.required),
        free_body=free_body,
        validator=validator_name(body_model)
        if body_model and verb in ("create", "replace")
        else None,
        api_version=gvk.api_version,
        kind=gvk.kind,
        result_model=result or str(op.success_model),
        query_params=tuple(_param(p) for p in params if p.name not in runtime_names),
        runtime_params=tuple(_param(p) for p in params if p.name in runtime_names),
    )


def _description(op: Operation, verb: str) -> str:
    if verb == "watch":
        return "Watch changes to the objects this lists, as typed events."
    return op.description or f"The `{op.operation_id}` operation."


def _call_method(api: Api, op: Operation) -> ClientMethod:
    gvk = op.gvk or api.kind
    body_model = str(op.body.model) if op.body and op.body.model else None
    names = [p.python_name for p in op.path_params if p.name == "name"]
    return ClientMethod(
        python_name=op.python_name,
        verb="call",
        description=op.description or f"The `{op.operation_id}` operation.",
        http=f"{op.method.upper()} {op.path}",
        resource="",
        named=bool(names),
        namespaced=False,
        all_namespaces=False,
        body_model=body_model,
        body_optional=False,
        free_body=False,
        validator=validator_name(body_model) if body_model else None,
        api_version=gvk.api_version,
        kind=gvk.kind,
        result_model=str(op.success_model),
        query_params=tuple(_param(p) for p in op.query_params),
        runtime_params=(),
        path=op.path,
        method=op.method.upper(),
        path_params=tuple(_param(p) for p in op.path_params),
    )


def _param(param: Parameter) -> ClientParam:
    description = param.description or f"the `{param.name}` {param.location} parameter."
    python_name = str(param.python_name)
    if python_name in RESERVED and param.location == "query":
        python_name += "_param"
    long = 16 + len(repr(param.name)) + 2 + len(python_name) + 1 > MAX_LINE
    return ClientParam(param.name, python_name, _annotation(param.type), description, long)


def _annotation(ref: TypeRef) -> str:
    return PYTHON_TYPES.get(ref.kind, "str")
