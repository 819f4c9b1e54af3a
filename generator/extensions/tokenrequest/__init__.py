"""TokenRequest (`authentication.k8s.io/v1`, `serviceaccounts/token`): kube-apiserver's
token-issuing behaviour, which nothing in the OpenAPI document says.

- the API server's validation rules the spec lacks (`tokenrequest.overlay.yaml`);
- the protobuf messages with Kubernetes' field numbers (`tokenrequest.proto`);
- the server side: service-account JWTs and their OIDC discovery documents
  (`_tokens.py`), where service accounts and bound objects are found
  (`_token_backend.py`), kube-apiserver's TokenRequest storage
  (`_token_service.py`) and the server plug-in that routes
  `POST .../serviceaccounts/{name}/token` and the discovery paths to them
  (`_tokenrequest.py`);
- the client side: `create_token` and the `create-token` command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.extensions import ClientContribution, Extension, ExtensionFile, ServerContribution
from generator.ir.model import Api, Model


@dataclass(frozen=True)
class TokenClient:
    """What `create_token` and `create-token` call and build (client_methods.py.jinja,
    cli.py.jinja)."""

    operation: str  # the generated method that POSTs to serviceaccounts/{name}/token
    root_model: str
    bound_model: str
    bound_kinds: tuple[str, ...]  # the kinds a token may be bound to, when the spec lists them
    review_model: str = ""  # TokenReview, when the package holds it: the review-token command


def token_client(api: Api) -> TokenClient:
    """The TokenRequest operation and models of the package."""
    for resource in api.resources:
        token = resource.subresource("token")
        creator = (
            next((op for op in token.operations if op.verb == "create"), None) if token else None
        )
        if creator is None or creator.body is None or creator.body.model is None:
            continue
        root = api.model(creator.body.model)
        spec = _field_model(api, root, "spec")
        bound = _field_model(api, spec, "boundObjectRef") if spec else None
        if bound is not None:
            review = "TokenReview" if any(m.name == "TokenReview" for m in api.models) else ""
            return TokenClient(
                creator.python_name, root.name, bound.name, _enum(bound, "kind"), review
            )
    raise ValueError("the tokenrequest extension needs serviceaccounts/token's create operation")


def _field_model(api: Api, model: Model, json_name: str) -> Model | None:
    for field in model.fields:
        if field.json_name == json_name and field.type.kind == "model" and field.type.model:
            return api.model(field.type.model)
    return None


def _enum(model: Model, json_name: str) -> tuple[str, ...]:
    """The string values an `enum` constraint allows for a field, or () without one."""
    for field in model.fields:
        if field.json_name != json_name:
            continue
        for constraint in field.constraints:
            if constraint.keyword == "enum" and isinstance(constraint.value, tuple):
                return tuple(str(value) for value in constraint.value)
    return ()


EXTENSION = Extension(
    name="tokenrequest",
    description="kube-apiserver's TokenRequest: signed service-account JWTs and OIDC discovery",
    kinds=("TokenRequest",),
    folder=Path(__file__).resolve().parent,
    overlay="tokenrequest.overlay.yaml",
    proto="tokenrequest.proto",
    files=(
        ExtensionFile("_tokens.py", "_tokens.py"),
        ExtensionFile("_gotext.py", "_gotext.py", group="package"),
        ExtensionFile("_create_handler.py", "_create_handler.py"),
        ExtensionFile("_token_review.py", "_token_review.py"),
        ExtensionFile("_token_backend.py", "_token_backend.py"),
        ExtensionFile("_token_service.py", "_token_service.py"),
        ExtensionFile("_tokenrequest.py", "_tokenrequest.py"),
    ),
    server=ServerContribution(
        module="_tokenrequest",
        routes=(("create", "serviceaccounts/token"),),
        paths=("/.well-known/openid-configuration", "/openid/v1/jwks"),
    ),
    client=ClientContribution(
        methods=("create_token",),
        commands=("create-token",),
        template="client_methods.py.jinja",
        cli_template="cli.py.jinja",
        context=token_client,
    ),
    requirements=("pyjwt[crypto]", "cryptography"),
)
