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

from pathlib import Path

from generator.extensions import ClientContribution, Extension, ExtensionFile, ServerContribution

EXTENSION = Extension(
    name="tokenrequest",
    description="kube-apiserver's TokenRequest: signed service-account JWTs and OIDC discovery",
    kinds=("TokenRequest",),
    folder=Path(__file__).resolve().parent,
    overlay="tokenrequest.overlay.yaml",
    proto="tokenrequest.proto",
    files=(
        ExtensionFile("_tokens.py", "_tokens.py"),
        ExtensionFile("_create_handler.py", "_create_handler.py"),
        ExtensionFile("_gotext.py", "_gotext.py", group="package"),
    ),
    server=ServerContribution(
        module="_tokenrequest",
        routes=(("create", "serviceaccounts/token"),),
        paths=("/.well-known/openid-configuration", "/openid/v1/jwks"),
    ),
    client=ClientContribution(methods=("create_token",), commands=("create-token",)),
    requirements=("pyjwt[crypto]", "cryptography"),
)
