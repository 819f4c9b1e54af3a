"""The OpenAPI document a server publishes at `/openapi.json`, and its Swagger 2.0 form.

It describes the routes the server actually serves (from their `OperationInfo`
data): parameters, the request body and the answers, the bodies being the
package's models (their pydantic JSON Schema) and kube-apiserver's `Status`.
`swagger_document` writes the same document as Swagger 2.0, the form
kube-apiserver serves at `/openapi/v2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._server import ApiSpec, OperationInfo
from ._status import STATUS_SCHEMA
from ._wire import JSON

REF = "#/components/schemas/{model}"
ERROR_CODES = (400, 401, 403, 404, 406, 409, 413, 415, 422)

__all__ = ["openapi_document", "swagger_document"]


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


def swagger_document(document: dict[str, Any]) -> dict[str, Any]:
    """`document` (from `openapi_document`) as Swagger 2.0: `definitions` for the schemas,
    body parameters for request bodies, one schema per answer, plain types for parameters,
    and a nullable member (`anyOf: [X, {type: null}]`, which 2.0 cannot say) read as X."""
    paths: dict[str, dict[str, Any]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            paths.setdefault(path, {})[method] = _swagger_operation(operation)
    definitions = {
        name: _swagger_schema(schema) for name, schema in document["components"]["schemas"].items()
    }
    return {
        "swagger": "2.0",
        "info": document["info"],
        "paths": paths,
        "definitions": definitions,
    }


def _swagger_operation(operation: dict[str, Any]) -> dict[str, Any]:
    described: dict[str, Any] = {
        key: value for key, value in operation.items() if key.startswith("x-")
    }
    described["operationId"] = operation["operationId"]
    if "description" in operation:
        described["description"] = operation["description"]
    described["consumes"] = [JSON]
    described["produces"] = [JSON]
    parameters = [
        {
            "name": param["name"],
            "in": param["in"],
            "required": param["required"],
            "description": param["description"],
            "type": param["schema"]["type"],
        }
        for param in operation["parameters"]
    ]
    if "requestBody" in operation:
        schema = operation["requestBody"]["content"][JSON]["schema"]
        parameters.append(
            {"name": "body", "in": "body", "required": True, "schema": _swagger_schema(schema)}
        )
    described["parameters"] = parameters
    responses: dict[str, Any] = {}
    for code, answer in operation["responses"].items():
        response: dict[str, Any] = {"description": answer["description"]}
        content = answer.get("content", {})
        if JSON in content:
            response["schema"] = _swagger_schema(content[JSON]["schema"])
        responses[code] = response
    described["responses"] = responses
    return described


def _union(options: list[Any]) -> dict[str, Any]:
    """Swagger 2.0 has no unions: scalars become a string (int-or-string as Kubernetes
    writes it), anything else a free-form value."""
    types = {option.get("type") for option in options if isinstance(option, dict)}
    if types <= {"integer", "number", "string"} and len(types) == len(options):
        if types == {"integer", "string"}:
            return {"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": True}
        return {"type": "string"}
    return {}


def _swagger_schema(schema: Any) -> Any:
    """A JSON Schema as Swagger 2.0's schema object. It recurses over one schema's own
    nesting, which is shallow: the models' schemas refer to each other by `$ref`."""
    if isinstance(schema, list):
        return [_swagger_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    options = schema.get("anyOf", schema.get("oneOf"))
    if isinstance(options, list):
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
        kept = [option for option in options if option != {"type": "null"}]
        if len(kept) == 1:
            return _swagger_schema({**kept[0], **rest})
        return {**_swagger_schema(rest), **_union(kept)}
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str):
            converted[key] = value.replace("#/components/schemas/", "#/definitions/")
        elif key in ("properties", "patternProperties") and isinstance(value, dict):
            converted[key] = {name: _swagger_schema(item) for name, item in value.items()}
        elif key in ("const", "examples", "$schema") or (key == "default" and value is None):
            continue  # not Swagger 2.0 keywords, or a null it cannot hold
        else:
            converted[key] = _swagger_schema(value)
    return converted
