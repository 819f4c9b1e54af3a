"""Context of the client templates (`templates/client/`): plain data from the IR.

Each operation becomes one method on `Client` and `AsyncClient`; the decisions
(what is validated, which models are imported, whether the `create_token`
convenience and the `create-token` command exist) are made here, so the
templates only loop and print.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.ir.model import Api, Model, Operation, Parameter
from generator.ir.naming import validator_name

# `create_token` mirrors `kubectl create token`: it needs these spec fields...
TOKEN_SPEC_FIELDS = frozenset({"audiences", "expirationSeconds", "boundObjectRef"})
# ...and an operation addressed like a namespaced subresource.
TOKEN_PATH_PARAMS = ("name", "namespace")


@dataclass(frozen=True)
class ClientParam:
    wire_name: str
    python_name: str
    description: str


@dataclass(frozen=True)
class ClientOperation:
    python_name: str
    method: str  # upper case, as httpx takes it
    path: str
    description: str
    path_params: tuple[ClientParam, ...]
    query_params: tuple[ClientParam, ...]
    body_model: str | None
    body_validator: str | None  # the generated validator of the body model
    api_version: str  # filled into the body when the caller left it out
    kind: str
    object_name: str  # the expression naming the object in client-side errors
    result_model: str


@dataclass(frozen=True)
class TokenConvenience:
    """What `create_token` calls and builds."""

    operation: str
    root_model: str
    bound_model: str
    bound_kinds: tuple[str, ...]  # the kinds a token may be bound to, when the spec lists them


def client_context(api: Api) -> dict[str, Any]:
    operations = tuple(_client_operation(api, op) for op in api.operations if op.success_model)
    convenience = _token_convenience(api, operations)
    models = {api.root_model} | {
        name for op in operations for name in (op.body_model, op.result_model) if name
    }
    if convenience:
        models.add(convenience.bound_model)
    return {
        "operations": operations,
        "models": sorted(models),
        "validators": sorted({op.body_validator for op in operations if op.body_validator}),
        "create_token": convenience,
    }


def _client_operation(api: Api, op: Operation) -> ClientOperation:
    gvk = op.gvk or api.kind
    return ClientOperation(
        python_name=op.python_name,
        method=op.method.upper(),
        path=op.path,
        description=op.description or f"The `{op.operation_id}` operation.",
        path_params=tuple(_client_param(p) for p in op.path_params),
        query_params=tuple(_client_param(p) for p in op.query_params),
        body_model=op.body.model if op.body and op.body.model else None,
        body_validator=validator_name(op.body.model) if op.body and op.body.model else None,
        api_version=gvk.api_version,
        kind=gvk.kind,
        object_name=_object_name(op),
        result_model=str(op.success_model),
    )


def _client_param(param: Parameter) -> ClientParam:
    description = param.description or f"the `{param.name}` {param.location} parameter."
    return ClientParam(param.name, param.python_name, description)


def _object_name(op: Operation) -> str:
    """The `name` path parameter's variable, or an empty string literal."""
    names = [p.python_name for p in op.path_params if p.name == "name"]
    return names[0] if names else repr("")


def _token_convenience(
    api: Api, operations: tuple[ClientOperation, ...]
) -> TokenConvenience | None:
    """`create_token`'s ingredients when the root kind is TokenRequest-like, else None."""
    spec = _field_model(api, api.model(api.root_model), "spec")
    if spec is None or not TOKEN_SPEC_FIELDS <= {f.json_name for f in spec.fields}:
        return None
    bound = _field_model(api, spec, "boundObjectRef")
    creator = next(
        (
            op
            for op in operations
            if op.body_model == api.root_model
            and op.result_model == api.root_model
            and tuple(sorted(p.python_name for p in op.path_params)) == TOKEN_PATH_PARAMS
        ),
        None,
    )
    if bound is None or creator is None:
        return None
    return TokenConvenience(creator.python_name, api.root_model, bound.name, _enum(bound, "kind"))


def _enum(model: Model, json_name: str) -> tuple[str, ...]:
    """The string values an `enum` constraint allows for a field, or () without one."""
    for field in model.fields:
        if field.json_name != json_name:
            continue
        for constraint in field.constraints:
            if constraint.keyword == "enum" and isinstance(constraint.value, tuple):
                return tuple(str(value) for value in constraint.value)
    return ()


def _field_model(api: Api, model: Model, json_name: str) -> Model | None:
    for field in model.fields:
        if field.json_name == json_name and field.type.kind == "model" and field.type.model:
            return api.model(field.type.model)
    return None
