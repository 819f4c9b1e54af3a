"""Swagger 2.0 to OpenAPI 3.0, as Kubernetes publishes both.

Only what changes between the two is touched: `definitions` and global
`parameters` move under `components`, every `$ref` follows them, body
parameters become `requestBody` (a shared body parameter, `$ref: #/parameters/body-...`
as Kubernetes writes its DeleteOptions and Patch bodies, is inlined there: OpenAPI 3
has no body parameters), `consumes`/`produces` become `content` maps, and
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


PARAMETER_REF = "#/components/parameters/"


def shared_body(param: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any] | None:
    """The global body parameter a (rewritten) `$ref` names, else None."""
    ref = param.get("$ref")
    if not isinstance(ref, str) or not ref.startswith(PARAMETER_REF):
        return None
    target = shared.get(ref[len(PARAMETER_REF) :])
    return target if isinstance(target, dict) and target.get("in") == "body" else None


def convert_operation(
    op: dict[str, Any],
    consumes: list[str],
    produces: list[str],
    shared: dict[str, Any] | None = None,
    path_body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    consumes = op.get("consumes", consumes) or ["application/json"]
    produces = op.get("produces", produces) or ["application/json"]
    out = {
        k: v
        for k, v in op.items()
        if k not in ("consumes", "produces", "parameters", "responses", "schemes")
    }
    params = []
    for param in [*([path_body] if path_body else []), *op.get("parameters", [])]:
        param = shared_body(param, shared or {}) or param
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
    raw_shared = doc.get("parameters")
    shared: dict[str, Any] = raw_shared if isinstance(raw_shared, dict) else {}
    paths: dict[str, Any] = {}
    for path, item in doc.get("paths", {}).items():
        new_item: dict[str, Any] = {}
        bodies = [
            p
            for p in item.get("parameters", [])
            if (shared_body(p, shared) or p).get("in") == "body"
        ]
        for key, value in item.items():
            if key in HTTP_METHODS:
                own = value.get("parameters", [])
                has_body = any((shared_body(p, shared) or p).get("in") == "body" for p in own)
                path_body = bodies[0] if bodies and not has_body else None
                new_item[key] = convert_operation(value, consumes, produces, shared, path_body)
            elif key == "parameters":
                new_item[key] = [convert_parameter(p) for p in value if p not in bodies]
            else:
                new_item[key] = value
        paths[path] = new_item
    components: dict[str, Any] = {"schemas": doc.get("definitions", {})}
    non_body = {k: v for k, v in shared.items() if isinstance(v, dict) and v.get("in") != "body"}
    if non_body:
        components["parameters"] = {k: convert_parameter(v) for k, v in non_body.items()}
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
