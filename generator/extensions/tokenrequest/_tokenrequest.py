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
import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from anyio import CapacityLimiter, to_thread

from ._auth import Authenticator, User
from ._create_handler import Pairs, create_options, json_parse_error, unrecognized
from ._gotext import go_json, go_yaml
from ._server import (
    HEAVY_BODIES,
    THREAD_BODY_BYTES,
    ApiSpec,
    AuthenticatorHook,
    Call,
    PlainRoute,
    Reply,
    Route,
    is_pretty,
)
from ._status import ApiError
from ._token_backend import InMemoryTokenBackend, load_objects
from ._token_review import ServiceAccountTokens
from ._token_service import (
    KIND,
    REVIEW_KIND,
    Created,
    CreateRequest,
    TokenPolicy,
    TokenRequestService,
    TokenReviewService,
)
from ._tokens import (
    DISCOVERY_PATH,
    JWKS_PATH,
    TokenSigner,
    discovery_document,
    generate_key,
    load_key,
)
from ._wire import (
    JSON,
    MAX_DEPTH,
    PROTOBUF,
    YAML,
    Wire,
    json_safe,
    json_safe_body,
    load_yaml,
    media_type,
)

__all__ = ["PLUGIN", "TokenRequestPlugin"]

DISCOVERY_CACHE = "public, max-age=3600"  # kube-apiserver's Cache-Control on both documents
JWKS_MEDIA_TYPE = "application/jwk-set+json"


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

    def routes(
        self, api: ApiSpec, options: dict[str, Any]
    ) -> Sequence[Route | PlainRoute | AuthenticatorHook]:
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
        verifier = ServiceAccountTokens(tokens.issuer, tokens.jwks, tokens.get, audiences)
        reviews: list[TokenReviewService] = []  # made once the app's authenticator is known
        limiter: list[CapacityLimiter] = []

        async def create_token(call: Call) -> Reply:
            def work() -> Created:
                return service.create(call.namespace or "", call.name, _request(api, call, KIND))

            return _reply(api.wire, call, await _run(call.raw_body, work, limiter), True)

        async def create_token_review(call: Call) -> Reply:
            # The package's .proto has no TokenReview message: JSON and YAML only.
            if call.reply_type == PROTOBUF:
                kinds = ", ".join(m for m in api.wire.media_types if m != PROTOBUF)
                raise ApiError(406, f"only the following media types are accepted: {kinds}")

            def work() -> Created:
                return reviews[0].create(_request(api, call, REVIEW_KIND, protobuf=False))

            return _reply(api.wire, call, await _run(call.raw_body, work, limiter), False)

        def wrap(authenticator: Authenticator) -> Authenticator:
            reviews.append(TokenReviewService(authenticator, verifier, api))
            return _either(authenticator, reviews[0])

        routes: list[Route | PlainRoute | AuthenticatorHook] = [
            Route(operation, create_token, raw=True)
            for operation in api.operations
            if operation.verb == "create"
            and operation.resource.subresource == "token"
            and operation.body_kind == KIND
        ]
        routes += [
            Route(operation, create_token_review, raw=True)
            for operation in api.operations
            if operation.verb == "create"
            and operation.body_kind == REVIEW_KIND
            and REVIEW_KIND in api.validators
        ]
        cache = {"Cache-Control": DISCOVERY_CACHE}
        routes.append(
            PlainRoute(
                DISCOVERY_PATH,
                lambda: discovery_document(tokens.issuer, tokens.jwks()),
                authenticated=True,  # kube-apiserver authenticates and authorizes both
                headers=cache,
            )
        )
        routes.append(
            PlainRoute(
                JWKS_PATH,
                tokens.jwks,
                authenticated=True,
                media_type=JWKS_MEDIA_TYPE,
                headers=cache,
            )
        )
        routes.append(AuthenticatorHook(wrap))
        return routes


def _either(authenticator: Authenticator, reviews: TokenReviewService) -> Authenticator:
    """The token file's users first, then the service accounts of the tokens this server signed."""

    def authenticate(token: str) -> User | None:
        user = authenticator(token)
        if user is not None:
            return user
        reviewed = reviews.authenticate(token)
        if reviewed is None:
            return None
        return User(reviewed.username, reviewed.uid, (*reviewed.groups, "system:authenticated"))

    return authenticate


async def _run(raw: bytes, work: Callable[[], Created], limiter: list[CapacityLimiter]) -> Created:
    """`work` (decode, check, sign); a large body on a worker thread, so that one costly body
    cannot stall the other requests."""
    if len(raw) <= THREAD_BODY_BYTES:
        return work()
    if not limiter:  # made in the app's event loop, on first use
        limiter.append(CapacityLimiter(HEAVY_BODIES))
    return await to_thread.run_sync(work, limiter=limiter[0])


def _request(api: ApiSpec, call: Call, kind: str, protobuf: bool = True) -> CreateRequest:
    """The create handler's steps before the storage: the body's media type (415), the
    CreateOptions (422), then the decode (400)."""
    headers = call.request.headers
    content_type = media_type(headers.get("content-type", "")) or JSON
    readable = _readable(api.wire.media_types, protobuf)
    if content_type not in readable:
        raise ApiError(
            415,
            "the body of the request was in an unknown format - accepted media types include: "
            + ", ".join(readable),
        )
    options = create_options(call.query.multi_items())
    data, pairs = decode_body(api.wire, call.raw_body, content_type, kind)
    return CreateRequest(data, call.raw_body, pairs, options, headers.get("user-agent", ""))


@functools.lru_cache(maxsize=16)
def _readable(media_types: tuple[str, ...], protobuf: bool) -> tuple[str, ...]:
    """The media types a body may come in (protobuf only where its message exists)."""
    return tuple(m for m in media_types if protobuf or m != PROTOBUF)


def decode_body(wire: Wire, body: bytes, kind: str, expected: str) -> tuple[Any, Pairs | None]:
    """The JSON form of a body and, for JSON that repeats a key, its objects as `Pairs` in
    document order (None otherwise).

    A body whose kind cannot even be read is the serializer's 400 (`the object
    provided is unrecognized`); everything else is judged by the service.
    """
    try:
        if kind == PROTOBUF and wire.protobuf is not None:
            if not body:
                raise unrecognized(expected, "empty data", body)
            try:
                decoded = wire.protobuf.decode(body)
            except RecursionError:
                raise
            except ValueError as exc:  # the codec's own words (ProtobufError)
                raise unrecognized(expected, _one_line(exc), body) from None
            except Exception as exc:  # noqa: BLE001 - the runtime's errors have no common base
                reason = f"invalid protobuf: {type(exc).__name__}: {_one_line(exc)}"
                raise unrecognized(expected, reason, body) from None
            return json_safe(decoded), None
        if kind == YAML:
            try:
                data = load_yaml(body)
            except (yaml.constructor.ConstructorError, yaml.composer.ComposerError) as exc:
                # an alias, or a tag JSON has no form for: refused (docs/server-hardening.md)
                raise unrecognized(expected, _undecodable(_one_line(exc)), body) from None
            except yaml.YAMLError as exc:
                reason = f"error converting YAML to JSON: yaml: {_one_line(exc)}"
                raise unrecognized(expected, reason, body) from None
            return json_safe({} if data is None else data), None
        try:
            data, repeats = _load_json(body)
            if not repeats:
                return json_safe_body(body, data), None
            pairs = json.loads(body, object_pairs_hook=Pairs)  # the repeats in document order
        except UnicodeDecodeError:
            reason = "couldn't get version/kind; json parse error: invalid UTF-8"
            raise unrecognized(expected, reason, body) from None
        except json.JSONDecodeError as exc:
            reason = "couldn't get version/kind; json parse error: " + json_parse_error(exc)
            raise unrecognized(expected, reason, body) from None
        return json_safe(_objects(pairs)), pairs
    except RecursionError:
        reason = _undecodable(f"nested deeper than {MAX_DEPTH} levels")
        raise unrecognized(expected, reason, body) from None
    except ValueError as exc:  # what json_safe refuses: no Kubernetes object holds it
        raise unrecognized(expected, _undecodable(_one_line(exc)), body) from None


def _load_json(body: bytes) -> tuple[Any, bool]:
    """The parsed JSON (the last of a repeated key wins, in its first key's place, as in
    Go) and whether any object repeats a key."""
    repeats = False

    def build_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeats
        built = dict(pairs)
        if len(built) != len(pairs):
            repeats = True
        return built

    return json.loads(body, object_pairs_hook=build_object), repeats


def _undecodable(reason: str) -> str:
    return f"the body of the request could not be decoded: {reason}"


def _objects(node: Any) -> Any:
    """`Pairs` as dicts: the last of a repeated key wins, in its first key's place, as in Go."""
    if isinstance(node, Pairs):
        return {key: _objects(value) for key, value in node}
    if isinstance(node, list):
        return [_objects(item) for item in node]
    return node


def _reply(wire: Wire, call: Call, created: Created, protobuf: bool) -> Reply:
    """The created object as kube-apiserver writes it: Go's JSON (a final newline unless
    pretty), sigs.k8s.io/yaml's YAML, or protobuf."""
    kind = call.reply_type
    if kind == PROTOBUF and protobuf and wire.protobuf is not None:
        content = wire.protobuf.encode(created.body)
    elif kind == YAML:
        content = go_yaml(created.body).encode()
    elif is_pretty(call.request) or _pretty_accept(call.request.headers.get("accept", "")):
        kind, content = JSON, go_json(created.body, indent=2).encode()
    else:
        kind, content = JSON, (go_json(created.body) + "\n").encode()
    return Reply(created.body, 201, created.warnings, content=content, media_type=kind)


@functools.lru_cache(maxsize=64)  # a client sends the same Accept every time
def _pretty_accept(accept: str) -> bool:
    """`Accept: application/json;pretty=true`, as kube-apiserver's negotiation reads it."""
    for item in accept.split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        if kind.lower() in (JSON, "*/*", "application/*"):
            values = dict(p.partition("=")[::2] for p in params)
            return values.get("pretty", "").strip() in ("1", "true")
    return False


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


PLUGIN = TokenRequestPlugin()
