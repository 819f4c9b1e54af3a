"""Context of the server templates (`templates/server/`): plain data from the IR.

The server's behaviour is fixed Python (generator/runtime/_server.py and the
extensions' plug-ins); what varies with the spec is data: the resources and
operations (`_api.py`), the media types it writes, the models and validators of
the bodies, the embedded protobuf descriptor set (`_proto.py`), and which
extension plug-ins `server.py` hands to the framework.
"""

from __future__ import annotations

import base64
import re
import textwrap
from dataclasses import dataclass

from generator.errors import ApigenError
from generator.extensions import Extension
from generator.ir.model import Api, Operation, Parameter
from generator.ir.naming import validator_name
from generator.render.tools.proto import file_names, message_names

PROTOBUF = "application/vnd.kubernetes.protobuf"
WRITABLE_MEDIA_TYPES = ("application/json", "application/yaml", PROTOBUF)  # in order of preference
OPENAPI_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
# x-kubernetes-action -> the verb authorization and the framework name.
ACTIONS = {"post": "create", "put": "update", "watchlist": "watch", "get": "get", "list": "list",
           "watch": "watch", "patch": "patch", "delete": "delete",
           "deletecollection": "deletecollection", "connect": "connect"}  # fmt: skip


@dataclass(frozen=True)
class ResourceData:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    verbs: tuple[str, ...]
    subresource: str = ""


@dataclass(frozen=True)
class ParamData:
    name: str
    type: str
    required: bool
    description: tuple[str, ...]  # pieces of at most CHUNK characters (string_chunks)
    location: str


@dataclass(frozen=True)
class OperationData:
    operation_id: str
    method: str
    path: str
    verb: str
    resource: int  # index into ServerContext.resources
    parameters: tuple[ParamData, ...]
    body_kind: str
    response_kind: str
    success: int
    description: tuple[str, ...]


@dataclass(frozen=True)
class ModelData:
    name: str
    validator: str


@dataclass(frozen=True)
class PluginData:
    module: str
    attribute: str
    alias: str


@dataclass(frozen=True)
class ServerContext:
    title: str
    cli_description: str
    resources: tuple[ResourceData, ...]
    operations: tuple[OperationData, ...]
    media_types: tuple[str, ...]
    models: tuple[ModelData, ...]
    plugins: tuple[PluginData, ...]
    protobuf: bool


@dataclass(frozen=True)
class ProtoContext:
    protobuf: bool
    descriptor_set_base64: tuple[str, ...] = ()
    proto_file: str = ""
    objects: tuple[tuple[str, str], ...] = ()  # kind -> message full name
    envelope_message: str = ""
    time_message: str = ""
    status_message: str = ""  # meta/v1 Status, when the .proto declares it: protobuf error bodies


def server_context(api: Api, extensions: tuple[Extension, ...]) -> ServerContext:
    resources: list[ResourceData] = []
    operations: list[OperationData] = []
    for op in api.operations:
        rest = _rest_meaning(op)
        if rest is None:
            continue
        resource, verb = rest
        if resource not in resources:
            resources.append(resource)
        operations.append(_operation_data(op, verb, resources.index(resource)))
    resources = [_with_verbs(r, i, operations) for i, r in enumerate(resources)]
    _check_extension_routes(extensions, resources, operations)
    offered = {media for op in api.operations for r in op.responses for media in r.media_types}
    if not api.proto_descriptor_set:
        offered.discard(PROTOBUF)
    kinds = sorted({k for op in operations for k in (op.body_kind, op.response_kind) if k})
    plugins = tuple(
        PluginData(e.server.module, e.server.attribute, f"_{e.name}_plugin")
        for e in extensions
        if e.server is not None
    )
    return ServerContext(
        title=api.title,
        cli_description=f"Serve the {api.kind.kind} API as kube-apiserver does.",
        resources=tuple(resources),
        operations=tuple(operations),
        media_types=tuple(m for m in WRITABLE_MEDIA_TYPES if m in offered or m != PROTOBUF),
        models=tuple(ModelData(kind, validator_name(kind)) for kind in kinds),
        plugins=plugins,
        protobuf=bool(api.proto_descriptor_set),
    )


def _check_extension_routes(
    extensions: tuple[Extension, ...],
    resources: list[ResourceData],
    operations: list[OperationData],
) -> None:
    """Each (verb, resource) an extension's server routes is an operation of the spec."""
    served = set()
    for op in operations:
        resource = resources[op.resource]
        name = (
            f"{resource.plural}/{resource.subresource}" if resource.subresource else resource.plural
        )
        served.add((op.verb, name))
    for extension in extensions:
        for verb, name in extension.server.routes if extension.server else ():
            if (verb, name) not in served:
                raise ApigenError(
                    f"extension {extension.name!r} serves {verb} {name}, "
                    "and the spec has no such operation"
                )


def proto_context(api: Api) -> ProtoContext:
    """The embedded FileDescriptorSet and message names; without a .proto, no protobuf."""
    if not api.proto_descriptor_set:
        return ProtoContext(protobuf=False)
    names = message_names(api.proto_descriptor_set)
    kinds = sorted({m.gvk.kind for m in api.models if m.gvk} | {api.kind.kind})
    objects = tuple((kind, name) for kind in kinds for name in _messages(names, kind))
    if api.kind.kind not in dict(objects):
        raise ApigenError(f"the .proto must declare exactly one message {api.kind.kind}, found 0")
    return ProtoContext(
        protobuf=True,
        descriptor_set_base64=tuple(
            textwrap.wrap(base64.b64encode(api.proto_descriptor_set).decode(), 76)
        ),
        proto_file=", ".join(file_names(api.proto_descriptor_set)),
        objects=objects,
        envelope_message=_message(names, "Unknown"),
        time_message=_message(names, "Time"),
        status_message=next(iter(_messages(names, "Status")), ""),
    )


def _messages(names: list[str], short: str) -> list[str]:
    matches = [name for name in names if name.rsplit(".", 1)[-1] == short]
    if len(matches) > 1:
        raise ApigenError(
            f"the .proto must declare exactly one message {short}, found {len(matches)}"
        )
    return matches


def _message(names: list[str], short: str) -> str:
    matches = _messages(names, short)
    if not matches:
        raise ApigenError(f"the .proto must declare exactly one message {short}, found 0")
    return matches[0]


def _rest_meaning(op: Operation) -> tuple[ResourceData, str] | None:
    """The resource and verb of a kube-apiserver path, or None for another path.

    Until the resource-aware IR lands (Operation.verb/resource/subresource/scope and
    generator.ir.kubernetes.resource_infos), this reads the path's fixed layout:
    /api/V or /apis/G/V, then [namespaces/{namespace}/]PLURAL[/{name}[/SUBRESOURCE]].
    """
    segments = op.path.strip("/").split("/")
    if segments[:1] == ["api"] and len(segments) >= 3:
        group, version, rest = "", segments[1], segments[2:]
    elif segments[:1] == ["apis"] and len(segments) >= 4:
        group, version, rest = segments[1], segments[2], segments[3:]
    else:
        return None
    namespaced = rest[:2] == ["namespaces", "{namespace}"] and len(rest) > 2
    rest = rest[2:] if namespaced else rest
    if not rest or rest[0].startswith("{") or rest[0] == "watch":
        return None
    plural, named = rest[0], rest[1:2] == ["{name}"]
    subresource = rest[2] if named and len(rest) == 3 else ""
    if len(rest) > (3 if named else 1):
        return None
    verb = ACTIONS.get(op.action) or {
        "get": "get" if named else "list",
        "post": "create",
        "put": "update",
        "patch": "patch",
        "delete": "delete" if named else "deletecollection",
    }.get(op.method, "")
    if not verb:
        return None
    kind = op.gvk.kind if op.gvk else ""
    return ResourceData(group, version, kind, plural, namespaced, (), subresource), verb


def _with_verbs(
    resource: ResourceData, index: int, operations: list[OperationData]
) -> ResourceData:
    verbs = sorted({op.verb for op in operations if op.resource == index})
    return ResourceData(
        resource.group,
        resource.version,
        resource.kind,
        resource.plural,
        resource.namespaced,
        tuple(verbs),
        resource.subresource,
    )


def _operation_data(op: Operation, verb: str, resource: int) -> OperationData:
    codes = sorted(r.status for r in op.responses if isinstance(r.status, int) and r.status < 300)
    success = 201 if verb == "create" and 201 in codes else (codes[0] if codes else 200)
    return OperationData(
        operation_id=op.operation_id,
        method=op.method.upper(),
        path=op.path,
        verb=verb,
        resource=resource,
        parameters=tuple(_param(p) for p in (*op.path_params, *op.query_params)),
        body_kind=str(op.body.model) if op.body is not None else "",
        response_kind=str(op.success_model or ""),
        success=success,
        description=string_chunks(op.description),
    )


def _param(param: Parameter) -> ParamData:
    return ParamData(
        name=param.name,
        type=OPENAPI_TYPES.get(param.type.kind, "string"),
        required=param.required or param.location == "path",
        description=string_chunks(param.description),
        location=param.location,
    )


CHUNK = 72


def string_chunks(text: str) -> tuple[str, ...]:
    """`text` cut into pieces that join back to it, printed as adjacent literals so that
    no generated line is too long (at least one piece, so "" stays a string)."""
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(?<= )", text):  # each word keeps its trailing space
        if current and len(current) + len(word) > CHUNK:
            pieces.append(current)
            current = ""
        current += word
    pieces.append(current)
    return tuple(pieces)
