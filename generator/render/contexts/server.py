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
from generator.ir.kubernetes import patch_paths, resource_infos
from generator.ir.model import Api, Operation, Parameter, PrinterColumn
from generator.ir.naming import validator_name
from generator.runtime._resource import ResourceInfo

PROTOBUF = "application/vnd.kubernetes.protobuf"
WRITABLE_MEDIA_TYPES = ("application/json", "application/yaml", PROTOBUF)  # in order of preference
OPENAPI_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


@dataclass(frozen=True)
class ColumnData:
    """A `_resource.PrinterColumn`: one of a custom resource's Table columns."""

    name: str
    json_path: str
    type: str
    format: str
    description: tuple[str, ...]  # pieces (string_chunks)
    priority: int


@dataclass(frozen=True)
class ResourceData:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    verbs: tuple[str, ...]
    singular: str = ""
    list_kind: str = ""
    subresource: str = ""
    parent_kind: str = ""
    printer_columns: tuple[ColumnData, ...] = ()
    short_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldData:
    """One field's merge metadata (a `_patch.FieldInfo`), at its path from the object's root."""

    path: tuple[str, ...]
    list_type: str
    map_keys: tuple[str, ...]
    merge_key: str
    strategy: str
    map_type: str


@dataclass(frozen=True)
class MergeSchemaData:
    kind: str
    fields: tuple[FieldData, ...]


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
    merge_schemas: tuple[MergeSchemaData, ...] = ()
    stored: bool = False  # some resource has get: the in-memory store is the default backend


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
    columns = {str(m.name): m.printer_columns for m in api.models if m.printer_columns}
    short = {str(m.name): m.short_names for m in api.models if m.short_names}
    resources = [_resource_data(info, columns, short) for info in resource_infos(api)]
    index = {(r.group, r.version, r.plural, r.subresource): i for i, r in enumerate(resources)}
    operations: list[OperationData] = []
    for res in api.resources:
        for sub, ops in [("", res.operations), *((s.name, s.operations) for s in res.subresources)]:
            for op in ops:
                if op.verb and not op.deprecated_watch:  # /watch/ paths: list?watch=true
                    key = (res.group, res.version, res.plural, sub)
                    operations.append(_operation_data(op, op.verb, index[key]))
    order = {op.operation_id: i for i, op in enumerate(api.operations)}
    operations.sort(key=lambda o: order[o.operation_id])  # the spec's order
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
        merge_schemas=_merge_schemas(api, resources),
        stored=has_store(api),
    )


def has_store(api: Api) -> bool:
    """Whether the in-memory store is the server's default backend: some resource of the
    package can be read (a kind of objects, not only subresources such as TokenRequest's)."""
    return any("get" in r.verbs and not r.subresource for r in resource_infos(api))


def _resource_data(
    info: ResourceInfo,
    columns: dict[str, tuple[PrinterColumn, ...]],
    short_names: dict[str, tuple[str, ...]],
) -> ResourceData:
    printer_columns = () if info.subresource else columns.get(info.kind, ())
    return ResourceData(
        group=info.group,
        version=info.version,
        kind=info.kind,
        plural=info.plural,
        namespaced=info.namespaced,
        verbs=info.verbs,
        singular=info.singular,
        list_kind=info.list_kind,
        subresource=info.subresource,
        parent_kind=info.parent_kind,
        printer_columns=tuple(
            ColumnData(
                c.name, c.json_path, c.type, c.format, string_chunks(c.description), c.priority
            )
            for c in printer_columns
        ),
        short_names=() if info.subresource else short_names.get(info.kind, ()),
    )


def _merge_schemas(api: Api, resources: list[ResourceData]) -> tuple[MergeSchemaData, ...]:
    """The strategic-merge and apply metadata of each stored kind, by field path."""
    models = {str(m.name) for m in api.models}
    kinds = sorted({r.kind for r in resources if not r.subresource and r.kind in models})
    return tuple(
        MergeSchemaData(
            kind,
            tuple(
                FieldData(
                    tuple(path.split(".")),
                    meta.list_type,
                    meta.list_map_keys,
                    meta.merge_key,
                    meta.strategy,
                    meta.map_type,
                )
                for path, meta in patch_paths(api, kind).items()
            ),
        )
        for kind in kinds
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
    names = list(api.proto_messages)
    kinds = sorted({m.gvk.kind for m in api.models if m.gvk} | {api.kind.kind})
    objects = tuple((kind, name) for kind in kinds for name in _messages(names, kind))
    if api.kind.kind not in dict(objects):
        raise ApigenError(f"the .proto must declare exactly one message {api.kind.kind}, found 0")
    return ProtoContext(
        protobuf=True,
        descriptor_set_base64=tuple(
            textwrap.wrap(base64.b64encode(api.proto_descriptor_set).decode(), 76)
        ),
        proto_file=", ".join(api.proto_files),
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
        body_kind=str(op.body.model) if op.body is not None and op.body.model else "",
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
    no generated line is too long (at least one piece, so "" stays a string). A word
    longer than a piece (a URL) is cut too, so that black has no line to break."""
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(?<= )", text):  # each word keeps its trailing space
        if current and len(current) + len(word) > CHUNK:
            pieces.append(current)
            current = ""
        current += word
        while len(current) > CHUNK:
            pieces.append(current[:CHUNK])
            current = current[CHUNK:]
    pieces.append(current)
    return tuple(pieces)
