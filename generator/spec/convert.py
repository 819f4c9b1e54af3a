"""Swagger 2.0 to OpenAPI 3.0, as Kubernetes publishes both.

Only what changes between the two is touched: `definitions` and global
`parameters` move under `components`, every `$ref` follows them, body
parameters become `requestBody`, `consumes`/`produces` become `content` maps, and
non-body parameters get a `schema`. Schemas themselves are carried over as they
are, so a `$ref` that carries its own description stays that way (the lowering
stage reads both that and v3's `allOf: [{$ref}]` wrapper as the same thing).
"""

from __future__ import annotations

from typing import Any

from generator.errors import ApigenError

_PARAM_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "minimum", "maximum", "pattern",
    "minLength", "maxLength", "uniqueItems", "collectionFormat",
)  # fmt: skip
_REF_PREFIXES = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
# The operations a path item may hold (OpenAPI 2.0 and 3.0 alike).
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def rewrite_refs(node: Any) -> Any:
    """Point every Swagger 2.0 `$ref` at its OpenAPI 3.0 home."""
    if isinstance(node, list):
        return [rewrite_refs(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            for old, new in _REF_PREFIXES.items():
                if value.startswith(old):
                    value = new + value[len(old) :]
                    break
        out[key] = rewrite_refs(value)
    return out


def convert_parameter(param: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in param:
        return param
    out = {k: v for k, v in param.items() if k not in _PARAM_SCHEMA_KEYS}
    schema = {k: param[k] for k in _PARAM_SCHEMA_KEYS if k in param and k != "collectionFormat"}
    out["schema"] = schema or {"type": "string"}
    return out


def content_map(media_types: list[str], schema: dict[str, Any] | None) -> dict[str, Any]:
    return {mt: ({"schema": schema} if schema is not None else {}) for mt in media_types}


def convert_operation(
    op: dict[str, Any], consumes: list[str], produces: list[str]
) -> dict[str, Any]:
    consumes = op.get("consumes", consumes) or ["application/json"]
    produces = op.get("produces", produces) or ["application/json"]
    out = {
        k: v
        for k, v in op.items()
        if k not in ("consumes", "produces", "parameters", "responses", "schemes")
    }
    params = []
    for param in op.get("parameters", []):
        if param.get("in") == "body":
            out["requestBody"] = {
                "content": content_map(consumes, param.get("schema", {})),
                **({"required": True} if param.get("required") else {}),
                **({"description": param["description"]} if "description" in param else {}),
            }
        elif param.get("in") == "formData":
            continue  # Kubernetes publishes none; nothing to carry over faithfully
        else:
            params.append(convert_parameter(param))
    if params:
        out["parameters"] = params
    responses = {}
    for code, resp in op.get("responses", {}).items():
        converted = {k: v for k, v in resp.items() if k not in ("schema", "examples")}
        if "schema" in resp:
            converted["content"] = content_map(produces, resp["schema"])
        responses[str(code)] = converted
    out["responses"] = responses
    return out


def swagger2_to_openapi3(doc: dict[str, Any], source: str) -> dict[str, Any]:
    if not isinstance(doc.get("paths", {}), dict) or not isinstance(
        doc.get("definitions", {}), dict
    ):
        raise ApigenError(
            "Swagger 2.0 document without object 'paths'/'definitions'", source=source, pointer=""
        )
    doc = rewrite_refs(doc)
    consumes = doc.get("consumes", [])
    produces = doc.get("produces", [])
    paths: dict[str, Any] = {}
    for path, item in doc.get("paths", {}).items():
        new_item: dict[str, Any] = {}
        for key, value in item.items():
            if key in HTTP_METHODS:
                new_item[key] = convert_operation(value, consumes, produces)
            elif key == "parameters":
                new_item[key] = [convert_parameter(p) for p in value if p.get("in") != "body"]
            else:
                new_item[key] = value
        paths[path] = new_item
    components: dict[str, Any] = {"schemas": doc.get("definitions", {})}
    if doc.get("parameters"):
        components["parameters"] = {k: convert_parameter(v) for k, v in doc["parameters"].items()}
    if doc.get("securityDefinitions"):
        components["securitySchemes"] = doc["securityDefinitions"]
    out: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": doc.get("info", {"title": "", "version": ""}),
    }
    for key in ("security", "tags"):
        if key in doc:
            out[key] = doc[key]
    out["paths"] = paths
    out["components"] = components
    return out
