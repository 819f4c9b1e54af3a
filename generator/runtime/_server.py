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
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
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
from ._wire import MAX_BODY_BYTES, Wire

__all__ = [
    "ApiSpec",
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
]

FIELD_VALIDATION = ("Ignore", "Warn", "Strict")
WRITE_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection"})
BODY_VERBS = frozenset(
    {"create", "update"}
)  # decoded as objects; patch and delete decode their own
ARGS_VARIABLE = "APIGEN_SERVER_ARGS"  # main's arguments, passed on to uvicorn's workers
OPENAPI_PATH = "/openapi.json"


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
        validator = self.validators.get(kind)
        if validator is None:
            return None
        errors = list(validator(body, unknown=unknown))
        if not errors or self.to_status is None:
            return None
        return ApiError.from_status(self.to_status(errors, name=name))


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
        return self.request.query_params


@dataclass
class Reply:
    """An answer: an object (or Status) with its code and Warning headers, or an event stream."""

    body: dict[str, Any]
    status: int = 200
    warnings: Sequence[str] = ()
    stream: AsyncIterator[dict[str, Any]] | None = None  # watch events, one JSON line each


Handler = Callable[[Call], Awaitable[Reply]]


@dataclass(frozen=True)
class Route:
    """An operation and the handler that answers it."""

    operation: OperationInfo
    handler: Handler


@dataclass(frozen=True)
class PlainRoute:
    """A GET path outside the operations, answering a JSON document: OIDC discovery (public),
    or API discovery and `/version` (`authenticated=True`: a valid bearer token or 401)."""

    path: str
    document: Callable[[], dict[str, Any]]
    authenticated: bool = False
    # another form of the document by the request's Accept header (aggregated discovery),
    # as (document, media type), or None for `document`
    negotiate: Callable[[str], tuple[dict[str, Any], str] | None] | None = None


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

    def routes(self, api: ApiSpec, options: dict[str, Any]) -> Sequence[Route | PlainRoute]: ...


# --- The app -----------------------------------------------------------------------------


def build_app(
    api: ApiSpec,
    plugins: Sequence[ServerPlugin] = (),
    *,
    authenticator: Authenticator,
    authorizer: Authorizer = allow_all,
    backend: Backend | None = None,
    options: Mapping[str, Any] | None = None,
) -> Starlette:
    """The ASGI app: the plug-ins' routes, then generic verb routes on `backend` if given."""
    remaining = dict(options or {})
    routes: list[Route] = []
    plain: list[PlainRoute] = []
    for plugin in plugins:
        for route in plugin.routes(api, remaining):
            (routes if isinstance(route, Route) else plain).append(route)  # type: ignore[arg-type]
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
    starlette_routes += [
        _plain_route(p.path, p.document, authenticator if p.authenticated else None, p.negotiate)
        for p in plain
    ]

    starlette_routes.append(_plain_route(OPENAPI_PATH, openapi))
    app = Starlette(
        routes=starlette_routes,
        exception_handlers={HTTPException: _http_error, Exception: _bug},
    )
    app.state.api = api
    app.state.openapi = openapi
    return app


def _starlette_route(
    api: ApiSpec, route: Route, authenticator: Authenticator, authorizer: Authorizer
) -> StarletteRoute:
    operation = route.operation
    resource = operation.resource
    wire = api.wire
    reads_body = operation.verb in BODY_VERBS and bool(operation.body_kind)
    reads_raw = operation.verb in ("patch", "delete", "deletecollection")
    writes = operation.verb in WRITE_VERBS

    async def endpoint(request: Request) -> Response:
        try:
            user = authenticate(request, authenticator)
            params = request.path_params
            namespace = params.get("namespace", None if resource.namespaced else "")
            name = params.get("name", "")
            verb = _request_verb(operation.verb, request.query_params)
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
                call.dry_run, call.field_validation = write_options(request.query_params)
            if reads_body or reads_raw:
                raw = await read_body(request)
                if reads_body:
                    content_type = request.headers.get("content-type", "")
                    call.body, call.duplicates = wire.decode_body(raw, content_type)
                else:
                    call.raw_body = raw
            reply = await route.handler(call)
        except ApiError as error:
            return error_response(error)
        return reply_response(wire, reply, call.reply_type)

    return StarletteRoute(
        operation.path, endpoint, methods=[operation.method], name=operation.operation_id
    )


def _plain_route(
    path: str,
    document: Callable[[], dict[str, Any]],
    authenticator: Authenticator | None = None,
    negotiate: Callable[[str], tuple[dict[str, Any], str] | None] | None = None,
) -> StarletteRoute:
    async def endpoint(request: Request) -> Response:
        if authenticator is not None:
            try:
                authenticate(request, authenticator)
            except ApiError as error:
                return error_response(error)
        variant = negotiate(request.headers.get("accept", "")) if negotiate else None
        if variant is not None:
            body, media_type = variant
            return Response(json.dumps(body, separators=(",", ":")), 200, media_type=media_type)
        return _json(document(), 200)

    return StarletteRoute(path, endpoint, methods=["GET"], include_in_schema=False)


def _request_verb(verb: str, query: QueryParams) -> str:
    """A list asked with `?watch=true` is a watch, as authorization sees it."""
    if verb == "list" and query.get("watch") in ("true", "1"):
        return "watch"
    return verb


# --- The steps ---------------------------------------------------------------------------


def authenticate(request: Request, authenticator: Authenticator) -> User:
    """The user of the request's bearer token; 401 without a valid one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    user = authenticator(token) if scheme.lower() == "bearer" and token else None
    if user is None:
        raise ApiError(401, "Unauthorized")
    return user


def forbidden(user: User, attributes: RequestAttributes) -> ApiError:
    """kube-apiserver's 403 wording."""
    resource = attributes.resource
    if attributes.subresource:
        resource = f"{resource}/{attributes.subresource}"
    subject = (
        f'{attributes.resource} "{attributes.name}"' if attributes.name else attributes.resource
    )
    where = (
        f' in the namespace "{attributes.namespace}"'
        if attributes.namespace
        else " at the cluster scope"
    )
    return ApiError(
        403,
        f'{subject} is forbidden: User "{user.name}" cannot {attributes.verb} resource "{resource}" '
        f'in API group "{attributes.group}"{where}',
        {"name": attributes.name, "kind": attributes.resource},
    )


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
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large() -> ApiError:
    return ApiError(413, f"Request entity too large: limit is {MAX_BODY_BYTES}")


def field_problems(
    field_validation: str, unknown: Sequence[str], duplicates: Sequence[str]
) -> list[str]:
    """The Warning texts for fields the schema does not know or the body repeats.

    Strict turns them into a 400 instead, as kube-apiserver's strict decoder
    does; Ignore drops them.
    """
    problems = [f'unknown field "{path}"' for path in unknown]
    problems += [f'duplicate field "{path}"' for path in duplicates]
    if field_validation == "Ignore" or not problems:
        return []
    if field_validation == "Strict":
        raise ApiError(400, "strict decoding error: " + ", ".join(problems))
    return problems


# --- Answers -----------------------------------------------------------------------------


def reply_response(wire: Wire, reply: Reply, reply_type: str) -> Response:
    if reply.stream is not None:
        response: Response = StreamingResponse(
            _event_lines(reply.stream), status_code=reply.status, media_type="application/json"
        )
    else:
        content, media_type = wire.encode(reply.body, reply_type)
        response = Response(content, status_code=reply.status, media_type=media_type)
    return with_warnings(response, reply.warnings)


async def _event_lines(events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    async for event in events:
        yield json.dumps(event, separators=(",", ":")).encode() + b"\n"


def error_response(error: ApiError) -> Response:
    return with_warnings(_json(error.status(), error.code), error.warnings)


def _json(data: dict[str, Any], code: int) -> Response:
    return Response(json.dumps(data, separators=(",", ":")), code, media_type="application/json")


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no route, no such method) as kube-apiserver's Statuses."""
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    if code == 404:
        return error_response(page_not_found())
    if code == 405:
        return error_response(method_not_allowed())
    detail = exc.detail if isinstance(exc, HTTPException) else ""
    return _json(status_body(code, str(detail)), code)


async def _bug(request: Request, exc: Exception) -> Response:
    return _json(status_body(500, f"internal error: {type(exc).__name__}"), 500)


def with_warnings(response: Response, warnings: Sequence[str]) -> Response:
    for warning in warnings:
        response.raw_headers.append((b"warning", warning_header(warning)))
    return response


def warning_header(text: str) -> bytes:
    """A `Warning` header value (RFC 7234) with code 299, as kube-apiserver writes it.

    The text is a quoted string with quotes, backslashes and control characters
    escaped; other characters go out as UTF-8, as Go sends them.
    """
    quoted = json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
    return f"299 - {quoted}".encode()


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
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--access-log", action="store_true", help="log every request, as uvicorn does by default"
    )
    for plugin in plugins:
        plugin.add_arguments(parser)
    return parser


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
        backend=backend(args, api),
        options=options,
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

    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    for plugin in plugins:
        problem = plugin.check_arguments(args)
        if problem:
            raise SystemExit(problem)
    check(args)
    os.environ[ARGS_VARIABLE] = json.dumps(arguments)
    uvicorn.run(
        factory,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
    )
