"""Context of the server templates (`templates/server/`): plain data from the IR.

The server serves every create operation of the root kind on a namespaced
subresource (`POST .../namespaces/{namespace}/<resource>/{name}/<subresource>`);
its wire forms are the response media types it can write; its protobuf
messages come from the target's compiled `.proto`.
"""

from __future__ import annotations

import base64
import pprint
import textwrap
from dataclasses import dataclass
from typing import Any

from generator.errors import ApigenError
from generator.ir.model import Api, Operation, Parameter
from generator.ir.naming import validator_name
from generator.render.tools.proto import file_names, message_names

PROTOBUF = "application/vnd.kubernetes.protobuf"
TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews"
WRITABLE_MEDIA_TYPES = ("application/json", "application/yaml", PROTOBUF)  # in order of preference
OPENAPI_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


@dataclass(frozen=True)
class ServerOperation:
    operation_id: str
    python_name: str
    method: str
    path: str
    verb: str  # as authorization names it
    resource: str
    subresource: str
    query_params: str  # the OpenAPI parameter objects, as a Python literal


def server_context(api: Api) -> dict[str, Any]:
    operations = [_server_operation(op) for op in api.operations if _is_subresource_create(api, op)]
    offered = {media for op in api.operations for r in op.responses for media in r.media_types}
    if not api.proto_descriptor_set:
        offered.discard(PROTOBUF)
    return {
        "operations": operations,
        "root_model": api.root_model,
        "root_validator": validator_name(api.root_model),
        "server_media_types": [m for m in WRITABLE_MEDIA_TYPES if m in offered],
        "cli_description": f"Serve the {api.kind.kind} API as kube-apiserver does.",
        # TokenReview in the same package: the server also reviews the tokens it issued.
        "token_review": any(op.path == TOKEN_REVIEWS for op in api.operations),
    }


def proto_context(api: Api) -> dict[str, Any]:
    """The embedded FileDescriptorSet and message names; without a .proto, no protobuf."""
    if not api.proto_descriptor_set:
        return {"protobuf": False, "protobuf_media_type": PROTOBUF}
    names = message_names(api.proto_descriptor_set)
    return {
        "protobuf": True,
        "protobuf_media_type": PROTOBUF,
        "descriptor_set_base64": textwrap.wrap(
            base64.b64encode(api.proto_descriptor_set).decode(), 76
        ),
        "proto_file": ", ".join(file_names(api.proto_descriptor_set)),
        "object_message": _message(names, api.kind.kind),
        "envelope_message": _message(names, "Unknown"),
        "time_message": _message(names, "Time"),
        # meta/v1 Status, when the .proto declares it: error bodies in protobuf.
        "status_message": next((n for n in names if n.rsplit(".", 1)[-1] == "Status"), ""),
    }


def _message(names: list[str], short: str) -> str:
    matches = [name for name in names if name.rsplit(".", 1)[-1] == short]
    if len(matches) != 1:
        raise ApigenError(
            f"the .proto must declare exactly one message {short}, found {len(matches)}"
        )
    return matches[0]


def _is_subresource_create(api: Api, op: Operation) -> bool:
    segments = op.path.strip("/").split("/")
    return (
        op.method == "post"
        and op.body is not None
        and op.body.model == api.root_model
        and "{name}" in segments[:-1]
        and "{namespace}" in segments
    )


def _server_operation(op: Operation) -> ServerOperation:
    segments = op.path.strip("/").split("/")
    at_name = segments.index("{name}")
    return ServerOperation(
        operation_id=op.operation_id,
        python_name=op.python_name,
        method=op.method,
        path=op.path,
        verb="create",
        resource=segments[at_name - 1],
        subresource=segments[-1],
        query_params=pprint.pformat([_openapi_parameter(p) for p in op.query_params], width=80),
    )


def _openapi_parameter(param: Parameter) -> dict[str, Any]:
    schema = {"type": OPENAPI_TYPES.get(param.type.kind, "string")}
    return {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param.description,
        "schema": schema,
    }
