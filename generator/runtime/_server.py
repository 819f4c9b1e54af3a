"""The server framework: the request handling every route of a generated server shares.

A package describes its API as data (`ApiSpec`, generated in `_api.py`): its
resources (`ResourceInfo`), its operations (`OperationInfo`: method, path, verb,
resource, parameters, body and response kinds), its wire forms, models and
validators. Routes are registered from that data:

- an extension's plug-in (`ServerPlugin`) claims operations and answers them
  with handlers of its own (TokenRequest's create on `serviceaccounts/token`),
  and may add plain paths (OIDC discovery);
- every other operation gets the generic handler of its verb (`_verbs.py`),
  which calls a `_backend.Backend`, when the app is given one.

Every route runs the same steps, in kube-apiserver's order: authentication
(bearer token, 401), the authorizer hook (403), content negotiation of the
answer (406), the write options (`dryRun`, `fieldValidation`: 400), the body
(3 MiB: 413; its media type: 415; decodable: 400), then the handler. Every
error, unknown paths (404) and methods (405) included, is a `Status`; an
unexpected exception is a 500 `Status`, the safety net no request should reach.

The app is plain Starlette: no per-request dependency injection.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from anyio import CapacityLimiter, to_thread
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.datastructures import Headers, QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute
from starlette.routing import Route as StarletteRoute

from ._auth import (
    Authenticator,
    Authorizer,
    RequestAttributes,
    TokenFileAuthenticator,
    User,
    allow_all,
)
from ._backend import Backend
from ._resource import ResourceInfo
from ._status import ApiError, method_not_allowed, page_not_found, status_body
from ._wire import JSON, MAX_BODY_BYTES, PROTOBUF, Wire, json_safe, safe_text

__all__ = [
    "ANONYMOUS",
    "ApiSpec",
    "AuthenticatorHook",
    "Call",
    "Handler",
    "OperationInfo",
    "Param",
    "PlainRoute",
    "Reply",
    "Route",
    "ServerPlugin",
    "build_app",
    "field_problems",
    "is_pretty",
]

FIELD_VALIDATION = ("Ignore", "Warn", "Strict")
WRITE_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection"})
BODY_VERBS = frozenset(
    {"create", "update"}
)  # decoded as objects; patch and delete decode their own
ARGS_VARIABLE = "APIGEN_SERVER_ARGS"  # main's arguments, passed on to uvicorn's workers
OPENAPI_PATH = "/openapi.json"
# Bounds on what one answer reports (kube-apiserver sends every cause and every Warning,
# cutting each Warning to 256 characters once they pass 4096 in all; these also cap the count).
MAX_CAUSES = 100  # causes of a 422; the message says how many more there were
MAX_MESSAGE_CHARS = 16 * 1024  # a Status message, a cause's message
MAX_WARNINGS = 100  # Warning headers; the last says how many more there were
WARNINGS_TOTAL_CHARS = 4 * 1024  # past this, each Warning is cut to WARNING_CHARS
WARNING_CHARS = 256
THREAD_BODY_BYTES = 64 * 1024  # larger bodies are decoded and validated off the event loop
HEAVY_BODIES = 2  # large bodies decoded at once (each may cost a few hundred MB); others wait
ANONYMOUS = User("system:anonymous", groups=("system:unauthenticated",))


# --- The API, as data --------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A path or query parameter of an operation (its OpenAPI description is data too)."""

    name: str
    type: str = "string"  # string, integer, boolean or number
    required: bool = False
    description: str = ""
    location: str = "query"  # or "path"


@dataclass(frozen=True)
class OperationInfo:
    """One operation of the spec: what it does to which resource."""

    operation_id: str
    method: str  # upper case
    path: str  # the spec's template: /api/v1/namespaces/{namespace}/serviceaccounts/{name}/token
    verb: str  # x-kubernetes-action as authorization names it: get, list, create, ...
    resource: ResourceInfo
    parameters: tuple[Param, ...] = ()
    body_kind: str = ""  # the model of the request body, if any
    response_kind: str = ""  # the model of the success answer
    success: int = 200
    description: str = ""


class Validator(Protocol):
    """A generated `validators.validate_<model>`."""

    def __call__(
        self, data: Any, *, strict: bool = ..., unknown: list[str] | None = ...
    ) -> Sequence[Any]: ...


class ToStatus(Protocol):
    """The generated `validators.to_status`: field errors to a 422 Status."""

    def __call__(self, errors: Any, *, name: str = ...) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ApiSpec:
    """What a generated package serves (its `_api.API`)."""

    title: str
    resources: tuple[ResourceInfo, ...]
    operations: tuple[OperationInfo, ...]
    wire: Wire
    models: Mapping[str, type[BaseModel]] = field(default_factory=dict)
    validators: Mapping[str, Validator] = field(default_factory=dict)
    to_status: ToStatus | None = None

    def check(
        self, kind: str, body: dict[str, Any], name: str, unknown: list[str]
    ) -> ApiError | None:
        """The 422 the generated validators give `body` as a `kind`, or None.

        The paths of the fields the schema does not know are appended to `unknown`.
        """
        checked = _CHECKED.get()
        if checked is not None and checked.matches(kind, body, name):
            unknown.extend(checked.unknown)  # done off the event loop, as the body came in
            return checked.error
        validator = self.validators.get(kind)
        if validator is None:
            return None
        errors = list(validator(body, unknown=unknown))
        if not errors or self.to_status is None:
            return None
        status = self.to_status(errors[:MAX_CAUSES], name=name)
        return ApiError.from_status(bounded_status(status, len(errors) - MAX_CAUSES))


@dataclass(frozen=True)
class _Checked:
    """`ApiSpec.check`'s verdict on a request's body, worked out with the decoding."""

    kind: str
    body: dict[str, Any]
    name: str
    error: ApiError | None
    unknown: tuple[str, ...]

    def matches(self, kind: str, body: dict[str, Any], name: str) -> bool:
        return kind == self.kind and body is self.body and name == self.name


_CHECKED: ContextVar[_Checked | None] = ContextVar("apigen_checked", default=None)


def bounded_status(status: dict[str, Any], left_out: int) -> dict[str, Any]:
    """A 422 Status with its messages cut to `MAX_MESSAGE_CHARS`, saying how many causes it
    left out."""
    message = _cut(str(status.get("message", "")), MAX_MESSAGE_CHARS)
    if left_out > 0:
        message += f" (and {left_out} more errors, left out)"
    status["message"] = message
    details = status.get("details")
    for cause in details.get("causes", []) if isinstance(details, dict) else []:
        cause["message"] = _cut(str(cause.get("message", "")), MAX_MESSAGE_CHARS)
    return status


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- One request -------------------------------------------------------------------------


@dataclass
class Call:
    """A request that passed authentication, authorization and negotiation."""

    request: Request
    operation: OperationInfo
    user: User
    namespace: str | None  # None: the all-namespaces collection; "" cluster-scoped
    name: str
    reply_type: str  # the media type of the answer
    conversion: str = ""  # what Accept asked the answer to be: `Table` (as=Table), ... or ""
    body: dict[str, Any] | None = None  # create and update: the decoded object
    raw_body: bytes = b""  # patch, delete, deletecollection: the body as sent
    duplicates: list[str] = field(default_factory=list)  # keys the body repeated (JSON)
    dry_run: bool = False
    field_validation: str = "Warn"

    @property
    def query(self) -> QueryParams:
        return query_of(self.request)


@dataclass
class Reply:
    """An answer: an object (or Status) with its code and Warning headers, or an event stream."""

    body: dict[str, Any]
    status: int = 200
    warnings: Sequence[str] = ()
    stream: AsyncIterator[dict[str, Any]] | None = None  # watch events, one JSON line each
    content: bytes | None = None  # the body already encoded (in `media_type`), sent as it is
    media_type: str = ""


Handler = Callable[[Call], Awaitable[Reply]]


@dataclass(frozen=True)
class Route:
    """An operation and the handler that answers it.

    With `raw`, the framework reads the body (3 MiB: 413) but neither checks the
    write options nor decodes it: the handler gets `Call.raw_body` and does both,
    in its own words (TokenRequest's, as kube-apiserver's create handler words them).
    """

    operation: OperationInfo
    handler: Handler
    raw: bool = False


@dataclass(frozen=True)
class PlainRoute:
    """A GET path outside the operations, answering a JSON document: OIDC discovery, API
    discovery, `/version`. With `authenticated`, as kube-apiserver's filters do: the request
    is authenticated (no token: 401, or `system:anonymous` with anonymous access on), then
    authorized as a non-resource `get` of the path (403). Without, the path is public."""

    path: str
    document: Callable[[], dict[str, Any]]
    authenticated: bool = False
    # another form of the document by the request's Accept header (aggregated discovery),
    # as (document, media type), or None for `document`
    negotiate: Callable[[str], tuple[dict[str, Any], str] | None] | None = None
    media_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthenticatorHook:
    """A plug-in's addition to authentication: `wrap` takes the app's authenticator and
    returns the one every request meets (the token file's users, then the service-account
    tokens the server signed, say)."""

    wrap: Callable[[Authenticator], Authenticator]


class ServerPlugin(Protocol):
    """An extension's part of the server (`Extension.server` names the module and attribute).

    `routes` takes the keyword options of `create_app` that are its own (it
    pops them from `options`) and returns the routes it serves; operations it
    routes are not given generic handlers.
    """

    name: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def check_arguments(self, args: argparse.Namespace) -> str | None: ...

    def options_from_arguments(self, args: argparse.Namespace) -> dict[str, Any]: ...

    def routes(
        self, api: ApiSpec, options: dict[str, Any]
    ) -> Sequence[Route | PlainRoute | AuthenticatorHook]: ...


# --- The app -----------------------------------------------------------------------------


def build_app(
    api: ApiSpec,
    plugins: Sequence[ServerPlugin] = (),
    *,
    authenticator: Authenticator,
    authorizer: Authorizer = allow_all,
    backend: Backend | None = None,
    options: Mapping[str, Any] | None = None,
    anonymous_auth: bool = False,
) -> Starlette:
    """The ASGI app: the plug-ins' routes, then generic verb routes on `backend` if given.

    With `anonymous_auth`, a request without credentials is `system:anonymous`
    (then authorized) instead of a 401; a credential that is not valid is a 401 either way.
    """
    remaining = dict(options or {})
    routes: list[Route] = []
    plain: list[PlainRoute] = []
    hooks: list[AuthenticatorHook] = []
    for plugin in plugins:
        for route in plugin.routes(api, remaining):
            if isinstance(route, Route):
                routes.append(route)
            elif isinstance(route, AuthenticatorHook):
                hooks.append(route)
            else:
                plain.append(route)
    for hook in hooks:
        authenticator = hook.wrap(authenticator)
    if anonymous_auth:
        authenticator = _with_anonymous(authenticator)
    if remaining:
        raise TypeError(f"create_app() got unexpected options: {', '.join(sorted(remaining))}")
    if backend is not None:
        from ._verbs import verb_routes  # only servers with a backend need the verb handlers

        claimed = {route.operation.operation_id for route in routes}
        routes += verb_routes(
            api, backend, [op for op in api.operations if op.operation_id not in claimed]
        )
    starlette_routes: list[BaseRoute] = [
        _starlette_route(api, r, authenticator, authorizer) for r in routes
    ]
    document: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not document:
            from ._openapi import openapi_document

            document.update(openapi_document(api, [r.operation for r in routes]))
        return document

    if backend is not None:  # a stand-in API server: what kubectl reads besides the verbs
        from ._kubectl import kubectl_routes

        plain += kubectl_routes(api, [r.operation for r in routes])
    starlette_routes += [_plain_route(api, p, authenticator, authorizer) for p in plain]
    starlette_routes.append(
        _plain_route(
            api, PlainRoute(OPENAPI_PATH, openapi, authenticated=True), authenticator, authorizer
        )
    )
    app = Starlette(
        routes=starlette_routes,
        exception_handlers={HTTPException: _http_error, Exception: _bug},
    )
    app.state.api = api
    app.state.openapi = openapi
    app.state.authenticator = authenticator
    app.state.authorizer = authorizer
    return app


_NO_CREDENTIALS = "\x00no credentials"  # what `authenticate` asks when a request sends none


def _with_anonymous(authenticator: Authenticator) -> Authenticator:
    def authenticate_or_anonymous(token: str) -> User | None:
        return ANONYMOUS if token == _NO_CREDENTIALS else authenticator(token)

    return authenticate_or_anonymous


def _starlette_route(
    api: ApiSpec, route: Route, authenticator: Authenticator, authorizer: Authorizer
) -> StarletteRoute:
    operation = route.operation
    resource = operation.resource
    wire = api.wire
    reads_body = operation.verb in BODY_VERBS and bool(operation.body_kind) and not route.raw
    reads_raw = operation.verb in ("patch", "delete", "deletecollection") or (
        route.raw and operation.verb in BODY_VERBS
    )
    writes = operation.verb in WRITE_VERBS and not route.raw

    async def endpoint(request: Request) -> Response:
        try:
            user = authenticate(request, authenticator)
            params = request.path_params
            namespace = params.get("namespace", None if resource.namespaced else "")
            name = params.get("name", "")
            query = query_of(request)
            verb = _request_verb(operation.verb, query)
            attributes = RequestAttributes(
                verb=verb,
                namespace=namespace or "",
                resource=resource.plural,
                subresource=resource.subresource,
                name=name,
                group=resource.group,
            )
            if not authorizer(user, attributes):
                raise forbidden(user, attributes)
            reply_type, conversion = wire.negotiate(request.headers.get("accept", ""))
            call = Call(request, operation, user, namespace, name, reply_type, conversion)
            if writes:
                call.dry_run, call.field_validation = write_options(query)
            if reads_body or reads_raw:
                raw = await read_body(request)
                if reads_body:
                    content_type = request.headers.get("content-type", "")
                    call.body, call.duplicates = await decode_and_check(
                        request, api, operation.body_kind, name, raw, content_type
                    )
                else:
                    call.raw_body = raw
            reply = await route.handler(call)
        except ApiError as error:
            return error_response(error, request, wire)
        encodes = reply.content is None and reply.stream is None  # only then is pretty read
        return reply_response(wire, reply, call.reply_type, encodes and is_pretty(request))

    return StarletteRoute(
        operation.path, _Asgi(endpoint), methods=[operation.method], name=operation.operation_id
    )


class _Asgi:
    """A route's endpoint as a plain ASGI app: the request, the endpoint, its response.

    (Starlette's function endpoints add a layer of exception handling per request that
    `endpoint` does not need: it answers every `ApiError` itself, and whatever else
    escapes still meets the app's exception handlers.)
    """

    __slots__ = ("endpoint",)

    def __init__(self, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        response = await self.endpoint(_Request(scope, receive, send))
        await response(scope, receive, send)


class _Headers(Headers):
    """Starlette's request headers, looked up in a dict made once.

    (A request's steps read half a dozen headers; `Headers` scans the raw list, and
    raises and catches a KeyError, for each. The first of a repeated name wins, as in
    `Headers`; `getlist` and iteration still see every line.)
    """

    def __init__(self, scope: Any) -> None:
        super().__init__(scope=scope)
        self._first: dict[str, str] = {}
        for key, value in self.raw:
            self._first.setdefault(key.decode("latin-1"), value.decode("latin-1"))

    def __getitem__(self, key: str) -> str:
        return self._first[key.lower()]

    def __contains__(self, key: Any) -> bool:
        return isinstance(key, str) and key.lower() in self._first

    def get(self, key: str, default: Any = None) -> Any:
        return self._first.get(key.lower(), default)


class _Request(Request):
    """A request whose headers are `_Headers`."""

    @property
    def headers(self) -> Headers:
        if not hasattr(self, "_headers"):
            self._headers = _Headers(self.scope)
        return self._headers


def _plain_route(
    api: ApiSpec, route: PlainRoute, authenticator: Authenticator, authorizer: Authorizer
) -> StarletteRoute:
    async def endpoint(request: Request) -> Response:
        try:
            if route.authenticated:
                user = authenticate(request, authenticator)
                attributes = RequestAttributes(
                    verb="get", namespace="", resource="", subresource="", name="", path=route.path
                )
                if not authorizer(user, attributes):
                    raise forbidden(user, attributes)
        except ApiError as error:
            return error_response(error, request, api.wire)
        variant = route.negotiate(request.headers.get("accept", "")) if route.negotiate else None
        if variant is not None:
            body, media_type = variant
            return Response(json.dumps(body, separators=(",", ":")), 200, media_type=media_type)
        content = json.dumps(route.document(), separators=(",", ":"))
        return Response(content, 200, dict(route.headers), media_type=route.media_type)

    return StarletteRoute(route.path, endpoint, methods=["GET"], include_in_schema=False)


def _request_verb(verb: str, query: QueryParams) -> str:
    """A list asked with `?watch=true` is a watch, as authorization sees it."""
    if verb == "list" and query.get("watch") in ("true", "1"):
        return "watch"
    return verb


# --- The steps ---------------------------------------------------------------------------


async def decode_and_check(
    request: Request, api: ApiSpec, kind: str, name: str, raw: bytes, content_type: str
) -> tuple[dict[str, Any], list[str]]:
    """The decoded body and its repeated keys; a large body is decoded and validated on a
    worker thread, so that one costly body cannot stall the other requests."""
    if len(raw) <= THREAD_BODY_BYTES:
        return api.wire.decode_body(raw, content_type)

    def work() -> tuple[dict[str, Any], list[str], _Checked]:
        body, duplicates = api.wire.decode_body(raw, content_type)
        unknown: list[str] = []
        the_name = name or _metadata_name(body)
        error = api.check(kind, body, the_name, unknown)
        return body, duplicates, _Checked(kind, body, the_name, error, tuple(unknown))

    state = request.app.state
    if getattr(state, "heavy_bodies", None) is None:  # one per app, made in its event loop
        state.heavy_bodies = CapacityLimiter(HEAVY_BODIES)
    body, duplicates, checked = await to_thread.run_sync(work, limiter=state.heavy_bodies)
    _CHECKED.set(checked)
    return body, duplicates


def _metadata_name(body: dict[str, Any]) -> str:
    metadata = body.get("metadata")
    return str(metadata.get("name") or "") if isinstance(metadata, dict) else ""


def authenticate(request: Request, authenticator: Authenticator) -> User:
    """The user of the request's bearer token; 401 without a valid one.

    A request with no `Authorization` header asks the authenticator about
    `_NO_CREDENTIALS`, which only anonymous access (`build_app(anonymous_auth=True)`) knows.
    """
    header = request.headers.get("authorization", "")
    if not header.strip():
        user = authenticator(_NO_CREDENTIALS)
    else:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        user = authenticator(token) if scheme.lower() == "bearer" and token else None
    if user is None:
        raise ApiError(401, "Unauthorized")
    return user


def forbidden(user: User, attributes: RequestAttributes) -> ApiError:
    """The authorizer's 403, worded as kube-apiserver's `responsewriters.Forbidden`."""
    if attributes.path:
        return ApiError(
            403,
            f'forbidden: User "{user.name}" cannot {attributes.verb} path "{attributes.path}"',
            {},
        )
    resource = attributes.resource
    if attributes.subresource:
        resource = f"{resource}/{attributes.subresource}"
    qualified = (
        f"{attributes.resource}.{attributes.group}" if attributes.group else attributes.resource
    )
    subject = f'{qualified} "{attributes.name}"' if attributes.name else qualified
    where = (
        f' in the namespace "{attributes.namespace}"'
        if attributes.namespace
        else " at the cluster scope"
    )
    details: dict[str, Any] = {"name": attributes.name} if attributes.name else {}
    if attributes.group:
        details["group"] = attributes.group
    details["kind"] = attributes.resource
    return ApiError(
        403,
        f'{subject} is forbidden: User "{user.name}" cannot {attributes.verb} resource "{resource}" '
        f'in API group "{attributes.group}"{where}',
        details,
    )


def is_pretty(request: Request) -> bool:
    """apiserver's `isPrettyPrint`: `?pretty=` decides, else a curl, Wget or browser User-Agent."""
    value = query_of(request).get("pretty", "")
    if value:
        return value in ("1", "t", "T", "true", "TRUE", "True")
    agent = request.headers.get("user-agent", "")
    return agent.startswith(("curl", "Wget", "Mozilla/5.0"))


_NO_QUERY = QueryParams("")


def query_of(request: Request) -> QueryParams:
    """The request's query parameters (one shared empty set when it has none)."""
    if request.scope.get("query_string"):
        return request.query_params
    return _NO_QUERY


def write_options(query: QueryParams) -> tuple[bool, str]:
    """`dryRun` (only `All`) and `fieldValidation` (Warn by default), or a 400."""
    dry_run = False
    for value in query.getlist("dryRun"):
        if value != "All":
            raise ApiError(400, f'dryRun: Unsupported value: "{value}": supported values: "All"')
        dry_run = True
    directive = query.get("fieldValidation") or "Warn"
    if directive not in FIELD_VALIDATION:
        raise ApiError(
            400,
            f'fieldValidation: Unsupported value: "{directive}": supported values: '
            '"", "Ignore", "Strict", "Warn"',
        )
    return dry_run, directive


async def read_body(request: Request) -> bytes:
    """The body, or 413 as soon as it passes kube-apiserver's 3 MiB limit."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    receive = request.receive
    while True:  # the ASGI messages themselves: Starlette's `stream()` adds nothing needed here
        message = await receive()
        if message["type"] != "http.request":
            # the client left, or its body took too long: no one will read an answer
            raise ApiError(400, "the client disconnected before the body was read")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        if chunk:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large() -> ApiError:
    return ApiError(413, f"Request entity too large: limit is {MAX_BODY_BYTES}")


def field_problems(
    field_validation: str, unknown: Sequence[str], duplicates: Sequence[str]
) -> list[str]:
    """The Warning texts for fields the schema does not know or the body repeats.

    Strict turns them into a 400 instead, as kube-apiserver's strict decoder
    does; Ignore drops them.
    """
    if field_validation == "Ignore" or not (unknown or duplicates):
        return []
    total = len(unknown) + len(duplicates)
    keep = (
        MAX_WARNINGS if field_validation == "Strict" or total <= MAX_WARNINGS else MAX_WARNINGS - 1
    )
    problems = [f'unknown field "{_cut(path, WARNING_CHARS)}"' for path in unknown[:keep]]
    problems += [
        f'duplicate field "{_cut(path, WARNING_CHARS)}"'
        for path in duplicates[: max(0, keep - len(problems))]
    ]
    left_out = total - len(problems)
    if field_validation == "Strict":
        more = f", and {left_out} more" if left_out > 0 else ""
        raise ApiError(
            400, _cut("strict decoding error: " + ", ".join(problems), MAX_MESSAGE_CHARS) + more
        )
    if left_out > 0:
        problems.append(f"{left_out} more warnings were left out")
    return problems


# --- Answers -----------------------------------------------------------------------------


def reply_response(wire: Wire, reply: Reply, reply_type: str, pretty: bool = False) -> Response:
    """The answer; JSON is indented by two spaces when the request asked for `pretty`."""
    if reply.content is not None:
        response: Response = Response(
            reply.content, status_code=reply.status, media_type=reply.media_type or reply_type
        )
    elif reply.stream is not None:
        response = StreamingResponse(
            _event_lines(reply.stream), status_code=reply.status, media_type="application/json"
        )
    else:
        try:
            content, media_type = wire.encode(reply.body, reply_type)
        except UnicodeError:  # a lone surrogate (from a spec's text, say): U+FFFD, as Go sends it
            content, media_type = wire.encode(json_safe(copy.deepcopy(reply.body)), reply_type)
        if pretty and media_type == JSON:
            content = safe_text(json.dumps(reply.body, indent=2, ensure_ascii=False)).encode()
        response = Response(content, status_code=reply.status, media_type=media_type)
    return with_warnings(response, reply.warnings)


async def _event_lines(events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    async for event in events:
        yield json.dumps(event, separators=(",", ":")).encode() + b"\n"


def error_response(
    error: ApiError, request: Request | None = None, wire: Wire | None = None
) -> Response:
    """The Status in the media type the request prefers: a protobuf `Status` when `Accept`
    puts protobuf first and the package's .proto declares the message, else JSON
    (indented for `pretty`, as kube-apiserver writes it)."""
    status = error.status()
    if request is None:
        return with_warnings(_json(status, error.code), error.warnings)
    if wire is not None and wire.protobuf is not None:
        try:
            kind = wire.negotiate(request.headers.get("accept", ""))[0]
        except ApiError:
            kind = ""
        encode_status = getattr(wire.protobuf, "encode_status", None)
        can = getattr(wire.protobuf, "can_encode_status", None)
        if kind == PROTOBUF and encode_status is not None and can is not None and can():
            content: bytes = encode_status(status)
            return with_warnings(Response(content, error.code, media_type=PROTOBUF), error.warnings)
    text = _go_json(status, 2) if is_pretty(request) else _go_json(status) + "\n"
    return with_warnings(Response(text, error.code, media_type="application/json"), error.warnings)


_GO_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _go_json(data: Any, indent: int = 0) -> str:
    """JSON as Go's `encoding/json` writes a Status: UTF-8 kept, HTML characters escaped."""
    if indent:
        text = json.dumps(data, ensure_ascii=False, indent=indent)
    else:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escape in _GO_ESCAPES.items():
        text = text.replace(character, escape)
    return safe_text(text)  # a lone surrogate (from a hostile name) goes out as U+FFFD


def _json(data: dict[str, Any], code: int) -> Response:
    return Response(json.dumps(data, separators=(",", ":")), code, media_type="application/json")


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no route, no such method) as kube-apiserver's Statuses."""
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    api = getattr(request.app.state, "api", None)
    wire = api.wire if api is not None else None
    if code in (404, 405):
        try:  # kube-apiserver's filters run first: 401, or 403 for a path the user may not get
            _filters(request)
        except ApiError as error:
            return error_response(error, request, wire)
    if code == 404:
        return error_response(page_not_found(), request, wire)
    if code == 405:
        return error_response(method_not_allowed(), request, wire)
    detail = exc.detail if isinstance(exc, HTTPException) else ""
    return _json(status_body(code, str(detail)), code)


def _filters(request: Request) -> None:
    """Authentication, then (outside `/api` and `/apis`) the authorizer on the path, for a
    request no route matched."""
    state = request.app.state
    authenticator = getattr(state, "authenticator", None)
    if authenticator is None:
        return
    user = authenticate(request, authenticator)
    path = request.url.path
    if path.startswith(("/api/", "/apis/")) or path in ("/api", "/apis"):
        return  # a resource path: kube-apiserver authorizes it by its (unknown) resource
    attributes = RequestAttributes(
        verb=request.method.lower(), namespace="", resource="", subresource="", name="", path=path
    )
    if not state.authorizer(user, attributes):
        raise forbidden(user, attributes)


async def _bug(request: Request, exc: Exception) -> Response:
    return _json(status_body(500, f"internal error: {type(exc).__name__}"), 500)


def with_warnings(response: Response, warnings: Sequence[str]) -> Response:
    if not warnings:
        return response
    for warning in bounded_warnings(warnings):
        response.raw_headers.append((b"warning", warning_header(warning)))
    return response


def bounded_warnings(warnings: Sequence[str]) -> list[str]:
    """The Warnings to send: repeats dropped; each cut to 256 characters once they pass 4096
    in all, as kube-apiserver's recorder does; at most `MAX_WARNINGS`, the last saying how
    many more there were."""
    unique = list(dict.fromkeys(warnings))
    kept = unique[:MAX_WARNINGS]
    if sum(len(text) for text in kept) > WARNINGS_TOTAL_CHARS:
        kept = [text[:WARNING_CHARS] for text in kept]
    if len(unique) > len(kept):
        kept[-1] = f"{len(unique) - len(kept) + 1} more warnings were left out"
    return kept


def warning_header(text: str) -> bytes:
    """A `Warning` header value (RFC 7234) with code 299, as kube-apiserver writes it.

    The text is a quoted string with quotes, backslashes and control characters
    escaped; other characters go out as UTF-8, as Go sends them.
    """
    quoted = json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
    return safe_text(f"299 - {quoted}").encode()


# --- The command line --------------------------------------------------------------------


def build_parser(
    prog: str, description: str, plugins: Sequence[ServerPlugin] = ()
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--tls-cert", type=Path, help="serve HTTPS with this PEM certificate")
    parser.add_argument("--tls-key", type=Path, help="the PEM key of --tls-cert")
    parser.add_argument(
        "--token-auth-file",
        type=Path,
        required=True,
        help='CSV rows token,user,uid,"group1,group2"',
    )
    parser.add_argument("--objects", type=Path, help="YAML of Kubernetes manifests to start with")
    parser.add_argument(
        "--state",
        type=Path,
        help="keep the store in this JSON file across restarts (written atomically); "
        "default: memory only",
    )
    parser.add_argument(
        "--anonymous-auth",
        action="store_true",
        help="requests without a token are system:anonymous (then authorized) instead of 401",
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--access-log", action="store_true", help="log every request, as uvicorn does by default"
    )
    add_hardening_arguments(parser)
    for plugin in plugins:
        plugin.add_arguments(parser)
    return parser


def add_hardening_arguments(parser: argparse.ArgumentParser) -> None:
    """Authorization and connection limits (docs/server-hardening.md)."""
    group = parser.add_argument_group("authorization")
    group.add_argument(
        "--authorization-mode",
        default="RBAC",
        help="comma-separated, tried in order: AlwaysAllow, AlwaysDeny, RBAC, ABAC "
        "(default RBAC: deny what no --rbac-file grants; system:masters is always allowed)",
    )
    group.add_argument(
        "--rbac-file",
        type=Path,
        action="append",
        default=[],
        help="YAML of Roles, ClusterRoles, RoleBindings, ClusterRoleBindings (repeatable)",
    )
    group.add_argument(
        "--authorization-policy-file",
        type=Path,
        help="ABAC policy: one JSON Policy object a line (with --authorization-mode ABAC)",
    )
    limits = parser.add_argument_group("connection limits")
    limits.add_argument(
        "--header-timeout",
        type=float,
        default=10.0,
        help="seconds a request has to send its headers; then the connection is closed",
    )
    limits.add_argument(
        "--body-timeout",
        type=float,
        default=60.0,
        help="seconds a request has to send its body, once its headers are in",
    )
    limits.add_argument(
        "--keep-alive-timeout",
        type=float,
        default=5.0,
        help="seconds an idle connection is kept open between requests",
    )
    limits.add_argument(
        "--max-connections",
        type=int,
        default=1000,
        help="open connections per worker; more are closed as they are accepted",
    )
    limits.add_argument(
        "--max-header-bytes",
        type=int,
        default=64 * 1024,
        help="largest request line and headers; more is a 400",
    )


def authorizer_from_arguments(args: argparse.Namespace) -> Authorizer:
    """The authorizer of `--authorization-mode`, or SystemExit with one line."""
    from ._rbac import PolicyError, authorizer_for_modes

    modes = [mode.strip() for mode in args.authorization_mode.split(",") if mode.strip()]
    try:
        return authorizer_for_modes(modes, args.rbac_file, args.authorization_policy_file)
    except PolicyError as exc:
        raise SystemExit(str(exc)) from None


BackendFactory = Callable[[argparse.Namespace, ApiSpec], Backend | None]
"""The backend of the generic verb routes, from the command line (an in-memory store that
`--objects` preloads, say); None serves no generic routes."""


def no_backend(args: argparse.Namespace, api: ApiSpec) -> Backend | None:
    return None


def app_from_arguments(
    args: argparse.Namespace,
    api: ApiSpec,
    plugins: Sequence[ServerPlugin] = (),
    backend: BackendFactory = no_backend,
) -> Starlette:
    options: dict[str, Any] = {}
    for plugin in plugins:
        options.update(plugin.options_from_arguments(args))
    return build_app(
        api,
        plugins,
        authenticator=TokenFileAuthenticator.from_csv(args.token_auth_file),
        authorizer=authorizer_from_arguments(args),
        backend=backend(args, api),
        options=options,
        anonymous_auth=args.anonymous_auth,
    )


def arguments_from_environment() -> list[str]:
    """`main`'s arguments, in each uvicorn worker process."""
    return list(json.loads(os.environ[ARGS_VARIABLE]))


def main(
    argv: Sequence[str] | None,
    factory: str,
    parser: argparse.ArgumentParser,
    plugins: Sequence[ServerPlugin],
    check: Callable[[argparse.Namespace], object],
) -> None:
    """Parse, build the app once (a bad file fails here), then let uvicorn run `factory`."""
    import uvicorn

    from ._http import LIMITS_VARIABLE, GuardedH11Protocol, Limits

    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    for plugin in plugins:
        problem = plugin.check_arguments(args)
        if problem:
            raise SystemExit(problem)
    check(args)
    os.environ[ARGS_VARIABLE] = json.dumps(arguments)
    os.environ[LIMITS_VARIABLE] = Limits(
        args.header_timeout, args.max_connections, args.body_timeout
    ).to_environment()
    uvicorn.run(
        factory,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        http=GuardedH11Protocol,
        timeout_keep_alive=args.keep_alive_timeout,
        h11_max_incomplete_event_size=args.max_header_bytes,
        # As kube-apiserver: no `Server` header (Go's net/http sends none), and the
        # X-Forwarded-* headers do not rewrite the client's address or scheme.
        server_header=False,
        proxy_headers=False,
    )
