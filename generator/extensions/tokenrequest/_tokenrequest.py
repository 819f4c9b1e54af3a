"""The TokenRequest extension's part of the server: its options, its routes.

It serves every create operation of a `TokenRequest` on the `token`
subresource (`POST /api/v1/namespaces/{namespace}/serviceaccounts/{name}/token`)
with `TokenRequestService`, and the OIDC discovery documents that verify the
tokens. `create_app` takes its options:

    tokens                  a `TokenBackend` (required): service accounts, bound objects, signing
    api_audiences           audiences of requests that name none (default: the issuer)
    max_expiration_seconds  longer requests are shortened, with a Warning (0: no maximum)
    extend_expiration       extend pod-bound 3607 s tokens to a year (default True)
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._server import ApiSpec, Call, PlainRoute, Reply, Route
from ._status import ApiError
from ._token_backend import InMemoryTokenBackend, load_objects
from ._token_service import KIND, TokenPolicy, TokenRequestService
from ._tokens import (
    DISCOVERY_PATH,
    JWKS_PATH,
    TokenSigner,
    discovery_document,
    generate_key,
    load_key,
)

__all__ = ["PLUGIN", "TokenRequestPlugin"]


class TokenRequestPlugin:
    """A `_server.ServerPlugin`."""

    name = "tokenrequest"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--signing-key",
            type=Path,
            help="PEM key (RSA or EC P-256) that signs tokens; generated if absent",
        )
        parser.add_argument(
            "--issuer",
            default="https://kubernetes.default.svc.cluster.local",
            help="the tokens' iss",
        )
        parser.add_argument(
            "--api-audiences",
            default="",
            help="comma-separated audiences of tokens that ask for none",
        )
        parser.add_argument(
            "--max-token-expiration",
            type=int,
            default=0,
            help="seconds; longer requests are shortened",
        )
        parser.add_argument(
            "--extend-token-expiration",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="pod-bound 3607 s tokens for the API audiences live a year and warn after 3607 s",
        )

    def check_arguments(self, args: argparse.Namespace) -> str | None:
        if args.workers > 1 and not args.signing_key:
            return "--workers above 1 needs --signing-key: every worker must sign with the same key"
        return None

    def options_from_arguments(self, args: argparse.Namespace) -> dict[str, Any]:
        key = load_key(args.signing_key) if args.signing_key else generate_key()
        objects = load_objects(args.objects.read_text(encoding="utf-8")) if args.objects else []
        return {
            "tokens": InMemoryTokenBackend(TokenSigner(key, args.issuer), objects),
            "api_audiences": [a.strip() for a in args.api_audiences.split(",") if a.strip()],
            "max_expiration_seconds": args.max_token_expiration,
            "extend_expiration": args.extend_token_expiration,
        }

    def routes(self, api: ApiSpec, options: dict[str, Any]) -> Sequence[Route | PlainRoute]:
        if "tokens" not in options:
            raise TypeError("create_app() needs tokens=: a TokenBackend (InMemoryTokenBackend)")
        tokens = options.pop("tokens")
        audiences = tuple(options.pop("api_audiences", ())) or (tokens.issuer,)
        policy = TokenPolicy(
            audiences,
            int(options.pop("max_expiration_seconds", 0)),
            bool(options.pop("extend_expiration", True)),
        )
        service = TokenRequestService(tokens, policy, api)

        async def create_token(call: Call) -> Reply:
            if call.body is None:
                raise ApiError(400, "the body of the request must be an object")
            created = service.create(
                call.namespace or "", call.name, call.body, call.field_validation, call.duplicates
            )
            return Reply(created.body, 201, created.warnings)

        routes: list[Route | PlainRoute] = [
            Route(operation, create_token)
            for operation in api.operations
            if operation.verb == "create"
            and operation.resource.subresource == "token"
            and operation.body_kind == KIND
        ]
        routes.append(
            PlainRoute(DISCOVERY_PATH, lambda: discovery_document(tokens.issuer, tokens.jwks()))
        )
        routes.append(PlainRoute(JWKS_PATH, tokens.jwks))
        return routes


PLUGIN = TokenRequestPlugin()
