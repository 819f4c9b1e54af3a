"""The OpenAPI document a server publishes at `/openapi.json`.

It describes the routes the server actually serves (from their `OperationInfo`
data): parameters, the request body and the answers, the bodies being the
package's models (their pydantic JSON Schema) and kube-apiserver's `Status`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._server import ApiSpec, OperationInfo
from ._status import STATUS_SCHEMA
from ._wire import JSON

REF = "#/components/schemas/{model}"
ERROR_CODES = (400, 401, 403, 404, 406, 409, 413, 415, 422)

__all__ = ["openapi_document"]


def openapi_document(api: ApiSpec, operations: Sequence[OperationInfo]) -> dict[str, Any]:
    """The document of `operations`, with the schemas of their bodies and of Status."""
    paths: dict[str, dict[str, Any]] = {}
    kinds: list[str] = []
    for operation in operations:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
        kinds += [k for k in (operation.body_kind, operation.response_kind) if k and k not in kinds]
    schemas: dict[str, Any] = {}
    for kind in kinds:
        model = api.models.get(kind)
        if model is None:
            continue
        schema = model.model_json_schema(by_alias=True, ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[kind] = schema
    schemas["Status"] = STATUS_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": "0.1.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _operation(operation: OperationInfo) -> dict[str, Any]:
    status = {"$ref": REF.format(model="Status")}
    answer: dict[str, Any] = {"description": "OK"}
    if operation.response_kind:
        ref = {"$ref": REF.format(model=operation.response_kind)}
        answer["content"] = {JSON: {"schema": ref}}
    described: dict[str, Any] = {
        "operationId": operation.operation_id,
        "parameters": [
            {
                "name": param.name,
                "in": param.location,
                "required": param.required or param.location == "path",
                "description": param.description,
                "schema": {"type": param.type},
            }
            for param in operation.parameters
        ],
        "responses": {
            str(operation.success): answer,
            **{
                str(code): {"description": "Status", "content": {JSON: {"schema": status}}}
                for code in ERROR_CODES
            },
        },
    }
    if operation.description:
        described["description"] = operation.description
    if operation.body_kind:
        body = {"$ref": REF.format(model=operation.body_kind)}
        described["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    return described
