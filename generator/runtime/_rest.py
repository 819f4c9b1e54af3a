"""The client of any Kubernetes resource: every verb, sync (`RestClient`) and async
(`AsyncRestClient`), on httpx.

A resource is described by a `ResourceInfo` and answers are parsed into the model
class the caller gives, so the generated per-resource methods are one call each::

    client.get(CONFIGMAPS, "name", ConfigMap, namespace="ns")
    client.list(CONFIGMAPS, ConfigMapList, namespace="ns", label_selector="app=web")
    for item in client.items(CONFIGMAPS, ConfigMapList, namespace="ns", limit=100): ...
    client.create(CONFIGMAPS, body, ConfigMap, namespace="ns")
    client.replace(CONFIGMAPS, "name", body, ConfigMap, namespace="ns")
    client.patch(CONFIGMAPS, "name", patch, ConfigMap, patch_type="apply", field_manager="me")
    client.delete(CONFIGMAPS, "name", ConfigMap, propagation_policy="Foreground")
    client.delete_collection(CONFIGMAPS, Status, namespace="ns", label_selector="x")
    for event in client.watch(CONFIGMAPS, ConfigMap, resource_version="5"): ...

A namespaced resource without a `namespace` uses the client's (the kubeconfig
context's); `list`, `items` and `watch` take `all_namespaces=True`. Every
request has one deadline (the client's `timeout`) across connecting, retries and
reading, and an answer is read only up to `Limits`.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from ._connection import (
    DEFAULT_TIMEOUT,
    NOT_SENT,
    SERVICE_ACCOUNT_DIR,
    BearerToken,
    Deadline,
    Limits,
    Retry,
    aread_body,
    in_cluster_connection,
    load_kubeconfig,
    read_body,
    read_plain,
    ssl_context,
    tls_failure,
    total_seconds,
)
from ._errors import Invalid, Status, error_from_body, issue_warnings
from ._resource import ResourceInfo
from ._transport import Answer, HTTPClientTransport
from ._watch_client import WatchEvent, aevents, events

__all__ = [
    "PATCH_CONTENT_TYPES",
    "AsyncRestClient",
    "PatchType",
    "RestClient",
    "Validator",
]

_log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
PatchType = Literal["merge", "json", "strategic", "apply"]
PATCH_CONTENT_TYPES: dict[str, str] = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}
# A body checker: the reasons the server would refuse a body, none if it would not.
Validator = Callable[[dict[str, Any]], Sequence[Any]]
Query = Mapping[str, object] | None
Body = BaseModel | Mapping[str, Any]
_Params = dict[str, str | list[str]]
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})  # Content-Length: 0 when empty
_COMPACT = json.JSONEncoder(separators=(",", ":"))  # made once: json.dumps makes one a call
DEFAULT_RETRY = Retry()
DEFAULT_LIMITS = Limits()


def _wire(value: object) -> str | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return [str(_wire(v)) for v in value]
    return str(value)


def _query(*parts: Query) -> _Params:
    """Query parameters from mappings of wire names, None values left out."""
    merged: _Params = {}
    for part in parts:
        for key, value in (part or {}).items():
            if value is not None:
                merged[key] = _wire(value)
    return merged


def _data(body: Body) -> Any:
    if isinstance(body, BaseModel):
        return body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return body


def _continue_token(page: BaseModel) -> str:
    """`metadata.continue` of a list page, whatever the model calls the field."""
    metadata = getattr(page, "metadata", None)
    if isinstance(metadata, BaseModel):
        metadata = metadata.model_dump(by_alias=True)
    token = metadata.get("continue") if isinstance(metadata, dict) else None
    return token if isinstance(token, str) else ""


def _parse(content: bytes, model: type[M]) -> M:
    return model.model_validate_json(content)


def _parse_or_status(content: bytes, model: type[M]) -> M | Status:
    """A delete answers the object, or a `Status` (for most kinds, and collections)."""
    data = json.loads(content) if content.strip() else {}
    # A model of the package named Status parses it as well as ours does.
    if isinstance(data, dict) and data.get("kind") == "Status" and model.__name__ != "Status":
        return Status.model_validate(data)
    return model.model_validate(data)


class _RestBase:
    """What `RestClient` and `AsyncRestClient` share: configuration, and building
    requests and reading answers. Only sending (and waiting between retries) differs."""

    _http: httpx.Client | httpx.AsyncClient

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        token_file: str | Path | None = None,
        cert: str | Path | tuple[str | Path, str | Path] | None = None,
        verify: bool | str | Path | ssl.SSLContext = True,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        namespace: str = "default",
        tls_server_name: str | None = None,
        retry: Retry = DEFAULT_RETRY,
        validate: bool = True,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        if token and token_file:
            raise ValueError("give token or token_file, not both")
        self.base_url = base_url.rstrip("/")
        self.namespace = namespace
        self.retry = retry
        self.validate = validate
        self.limits = limits
        self._auth = BearerToken(token, token_file) if token or token_file else None
        self._ssl = ssl_context(verify, cert)
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._total = total_seconds(timeout)
        # Kubeconfig's tls-server-name: the name sent in SNI and checked in the certificate.
        self._tls_server_name = tls_server_name
        self._extensions = {"sni_hostname": tls_server_name} if tls_server_name else {}
        # Requests the client builds itself go straight to the transport it made (when it
        # made one: not through a proxy), with these headers and its own credentials.
        self._direct = not _proxied()
        self._connect()
        # Connection: keep-alive is HTTP/1.1's default; the direct path leaves it out.
        self._headers = [h for h in self._http.headers.raw if h[0].lower() != b"connection"]
        self._header_sets: dict[tuple[Any, ...], httpx.Headers] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, namespace={self.namespace!r})"

    @classmethod
    def from_kubeconfig(
        cls, path: str | Path | None = None, context: str | None = None, **options: Any
    ) -> Self:
        """A client for a kubeconfig context, by default the current one of `KUBECONFIG`
        (several files merged) or `~/.kube/config`. `options` as for the constructor."""
        connection = load_kubeconfig(path, context)
        return cls(connection.base_url, **{**connection.options(), **options})

    @classmethod
    def in_cluster(
        cls, service_account_dir: str | Path = SERVICE_ACCOUNT_DIR, **options: Any
    ) -> Self:
        """A client for the cluster this pod runs in, as its service account."""
        connection = in_cluster_connection(service_account_dir)
        return cls(connection.base_url, **{**connection.options(), **options})

    def _connect(self) -> None:
        """Open the httpx client, sync or async."""
        raise NotImplementedError

    def _http_options(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "auth": self._auth,
            "verify": self._ssl,
            "timeout": self._timeout,
            "headers": {"Accept": "application/json"},
        }

    def _http_request(
        self,
        method: str,
        path: str,
        query: _Params,
        content: bytes | None,
        headers: dict[str, str],
    ) -> httpx.Request:
        """A request to the client's server: what `httpx.Client.build_request` would make,
        the bearer token included, from headers made once per token and content type (and
        the body as a ready stream, so that httpx does not normalise them again)."""
        if not self._direct:
            return self._http.build_request(
                method,
                path,
                params=query,
                content=content,
                headers=headers,
                extensions=self._extensions,
            )
        text = self.base_url + path
        if query:
            text += "?" + str(httpx.QueryParams(query))
        token = self._auth.header() if self._auth is not None else b""
        key = (token, *headers.items())
        ready = self._header_sets.get(key)
        if ready is None:  # once per token and content type
            raw = [(b"Host", _url(self.base_url).netloc), *self._headers]
            if token:
                raw.append((b"Authorization", token))
            raw.extend((name.encode(), value.encode()) for name, value in headers.items())
            if len(self._header_sets) >= 16:  # a rotating token leaves old sets behind
                self._header_sets.clear()
            ready = self._header_sets[key] = httpx.Headers(raw)
        request = httpx.Request(
            method,
            _url(text),
            headers=ready,
            stream=httpx.ByteStream(content or b""),
            extensions=dict(self._extensions),
        )
        if content is not None or method in _BODY_METHODS:  # as httpx sets it
            request.headers["Content-Length"] = str(len(content or b""))
        return request

    # --- Building requests ------------------------------------------------------------

    def _build(
        self,
        method: str,
        path: str,
        query: _Params,
        *,
        body: Any = None,
        content_type: str | None = None,
    ) -> httpx.Request:
        headers = {}
        content = None
        if body is not None:
            content = _COMPACT.encode(body).encode()
            headers["Content-Type"] = content_type or "application/json"
        return self._http_request(method, path, query, content, headers)

    def _path(
        self,
        resource: ResourceInfo,
        namespace: str | None,
        name: str | None = None,
        *,
        all_namespaces: bool = False,
    ) -> str:
        if not resource.namespaced or all_namespaces:
            return resource.path(None, name)
        return resource.path(namespace or self.namespace, name)

    def _object(
        self,
        body: Body,
        resource: ResourceInfo,
        validator: Validator | None,
        name: str,
        api_version: str | None = None,
    ) -> dict[str, Any]:
        """The JSON body of a create or replace: apiVersion (by default the resource's
        group-version) and kind filled in, checked unless disabled. The caller's mapping
        is left alone."""
        data = dict(_data(body))
        data.setdefault("apiVersion", api_version or resource.api_version)
        data.setdefault("kind", resource.kind)
        if self.validate and validator is not None:
            errors = validator(data)
            if errors:
                raise self._invalid(errors, name)
        return data

    def _invalid(self, errors: Sequence[Any], name: str) -> Invalid:
        """The error a body the validator refuses raises (the generated client words it
        as the server would)."""
        return Invalid(422, None, "; ".join(map(str, errors)))

    def _call_request(
        self,
        method: str,
        path: str,
        values: Mapping[str, str],
        query: Query,
        body: Body | None,
        validator: Validator | None,
        api_version: str,
        kind: str,
        name: str,
    ) -> httpx.Request:
        for key, value in values.items():  # each value percent-encoded into one segment
            path = path.replace("{" + key + "}", quote(value, safe=""))
        data: dict[str, Any] | None = None
        if body is not None:
            data = dict(_data(body))
            data.setdefault("apiVersion", api_version)
            data.setdefault("kind", kind)
            if self.validate and validator is not None:
                errors = validator(data)
                if errors:
                    raise self._invalid(errors, name)
        return self._build(method, path, _query(query), body=data)

    def _get_request(
        self, resource: ResourceInfo, name: str, namespace: str | None, query: Query
    ) -> httpx.Request:
        return self._build("GET", self._path(resource, namespace, name), _query(query))

    def _list_request(
        self,
        resource: ResourceInfo,
        namespace: str | None,
        all_namespaces: bool,
        *queries: Query,
    ) -> httpx.Request:
        path = self._path(resource, namespace, all_namespaces=all_namespaces)
        return self._build("GET", path, _query(*queries))

    def _create_request(
        self,
        resource: ResourceInfo,
        body: Body,
        namespace: str | None,
        name: str | None,
        validator: Validator | None,
        query: Query,
        api_version: str | None = None,
    ) -> httpx.Request:
        data = self._object(body, resource, validator, name or "", api_version)
        path = self._path(resource, namespace, name if resource.subresource else None)
        return self._build("POST", path, _query(query), body=data)

    def _replace_request(
        self,
        resource: ResourceInfo,
        name: str,
        body: Body,
        namespace: str | None,
        validator: Validator | None,
        query: Query,
        api_version: str | None = None,
    ) -> httpx.Request:
        data = self._object(body, resource, validator, name, api_version)
        path = self._path(resource, namespace, name)
        return self._build("PUT", path, _query(query), body=data)

    def _patch_request(
        self,
        resource: ResourceInfo,
        name: str,
        body: Body | Sequence[Mapping[str, Any]],
        namespace: str | None,
        patch_type: PatchType | None,
        field_manager: str | None,
        force: bool | None,
        dry_run: bool | str | None,
        query: Query,
        api_version: str | None = None,
    ) -> httpx.Request:
        data: Any = [dict(op) for op in body] if isinstance(body, Sequence) else _data(body)
        chosen = patch_type or ("json" if isinstance(data, list) else "merge")
        if chosen not in PATCH_CONTENT_TYPES:
            raise ValueError(f"patch_type must be one of {', '.join(PATCH_CONTENT_TYPES)}")
        if (chosen == "json") != isinstance(data, list):
            raise ValueError("a JSON patch is a list of operations, and only a JSON patch is")
        if chosen == "apply":
            if not field_manager:
                raise ValueError("server-side apply needs a field_manager")
            data = {
                "apiVersion": api_version or resource.api_version,
                "kind": resource.kind,
                **data,
            }
        elif force is not None:
            raise ValueError("force is for server-side apply (patch_type='apply') only")
        extra = {"fieldManager": field_manager, "force": force, "dryRun": _dry_run(dry_run)}
        return self._build(
            "PATCH",
            self._path(resource, namespace, name),
            _query(query, extra),
            body=data,
            content_type=PATCH_CONTENT_TYPES[chosen],
        )

    def _delete_request(
        self,
        resource: ResourceInfo,
        name: str | None,
        namespace: str | None,
        body: Body | None,
        propagation_policy: str | None,
        grace_period_seconds: int | None,
        dry_run: bool | str | None,
        *queries: Query,
    ) -> httpx.Request:
        """A DELETE of one object or (no name) a collection, `DeleteOptions` in the body
        as kubectl sends them; the options given as arguments go in the body too."""
        options: dict[str, Any] = dict(_data(body)) if body is not None else {}
        given = {
            "propagationPolicy": propagation_policy,
            "gracePeriodSeconds": grace_period_seconds,
            "dryRun": [_dry_run(dry_run)] if dry_run else None,
        }
        options.update({key: value for key, value in given.items() if value is not None})
        if options:
            options.setdefault("apiVersion", "v1")
            options.setdefault("kind", "DeleteOptions")
        return self._build(
            "DELETE",
            self._path(resource, namespace, name),
            _query(*queries),
            body=options or None,
        )

    def _watch_request(
        self,
        resource: ResourceInfo,
        namespace: str | None,
        all_namespaces: bool,
        name: str | None,
        resource_version: str | None,
        allow_watch_bookmarks: bool | None,
        timeout_seconds: int | None,
        query: Query,
    ) -> httpx.Request:
        extra = {
            "watch": True,
            "resourceVersion": resource_version,
            "allowWatchBookmarks": allow_watch_bookmarks,
            "timeoutSeconds": timeout_seconds,
            "fieldSelector": f"metadata.name={name}" if name else None,
        }
        request = self._list_request(resource, namespace, all_namespaces, query, extra)
        # A watch lasts: no deadline, and a read waits up to the server's own timeout.
        read = None if timeout_seconds is None else timeout_seconds + 30.0
        request.extensions["timeout"] = {**self._timeout.as_dict(), "read": read}
        return request

    # --- Reading answers --------------------------------------------------------------

    def _retry_delay(
        self, retry: int, deadline: Deadline, error: Exception | None, response: Any
    ) -> float | None:
        if error is not None:
            delay = None if tls_failure(error) else self.retry.delay(retry)
        else:
            delay = self.retry.delay(retry, response)
        return delay if delay is not None and deadline.allows(delay) else None


@functools.lru_cache(maxsize=256)
def _url(text: str) -> httpx.URL:
    """An httpx URL (immutable), parsed once for each text: parsing costs more than
    anything else in building a request, and clients ask for the same paths again."""
    return httpx.URL(text)


async def _sleep(seconds: float) -> None:
    """asyncio.sleep; asyncio is imported when an async client first waits (most
    programs that import the client never do)."""
    import asyncio

    await asyncio.sleep(seconds)


def _plain(answer: Answer) -> bool:
    """A 2xx answer whose bytes are its body and that carries no warnings."""
    if not 200 <= answer.status < 300:
        return False
    names = {name.lower() for name in answer.headers.keys()}
    return "content-encoding" not in names and "warning" not in names


def _proxied() -> bool:
    """Whether the environment names a proxy, which httpx's own transport then serves."""
    return any(key.lower().endswith("_proxy") and key.lower() != "no_proxy" for key in os.environ)


def _dry_run(value: bool | str | None) -> str | None:
    if value is None or value is False:
        return None
    return "All" if value is True else value


def _page_query(limit: int | None, token: str, query: Query) -> dict[str, object]:
    return {**(query or {}), "limit": limit, "continue": token or None}


def _next_token(page: BaseModel, token: str) -> str:
    following = _continue_token(page)
    if following and following == token:
        raise httpx.DecodingError("the server answered the same continue token twice")
    return following


class RestClient(_RestBase):
    """A blocking client of any resource; `with RestClient(...) as client:` closes it."""

    _http: httpx.Client

    def _connect(self) -> None:
        options = self._http_options()
        self._transport: HTTPClientTransport | None = None
        if self._direct:
            fallback = httpx.HTTPTransport(verify=self._ssl)
            self._transport = HTTPClientTransport(
                self.base_url, fallback, self._ssl, self._tls_server_name
            )
            options["transport"] = self._transport
        self._http = httpx.Client(**options)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _open(
        self, request: httpx.Request, deadline: Deadline, direct: bool = False
    ) -> httpx.Response:
        """Send, retrying as `retry` says within the deadline; the streamed 2xx answer.
        `direct`: a request `_build` made, sent on the transport itself."""
        opened = self._attempts(request, deadline, self._transport if direct else None, False)
        return opened if isinstance(opened, httpx.Response) else opened.response()

    def _attempts(
        self,
        request: httpx.Request,
        deadline: Deadline,
        transport: HTTPClientTransport | None,
        plain: bool,
    ) -> httpx.Response | Answer:
        """`_open`; with `plain`, a 2xx answer without content coding or warnings comes
        back as the transport's `Answer`, for `read_plain` (no `httpx.Response` made)."""
        retry = 0
        while True:  # bounded: Retry.delay says None after `attempts` retries
            if deadline.seconds is not None:  # a watch has none, and its own read timeout
                request.extensions["timeout"] = deadline.timeouts(self._timeout)
            try:
                if transport is not None:
                    answer = transport.open(request)
                    if plain and _plain(answer):
                        return answer
                    response = answer.response()
                else:
                    response = self._http.send(request, stream=True)
            except NOT_SENT as error:
                if (delay := self._retry_delay(retry, deadline, error, None)) is None:
                    raise
            else:
                if (delay := self._retry_delay(retry, deadline, None, response)) is None:
                    return self._check(response, deadline)
                response.close()
            _log.info("retrying %s %s in %.2fs", request.method, request.url.path, delay)
            time.sleep(delay)
            retry += 1

    def _check(self, response: httpx.Response, deadline: Deadline) -> httpx.Response:
        issue_warnings(response, stacklevel=6)
        if not response.is_success:
            content = read_body(response, self.limits.max_error_bytes, deadline, truncate=True)
            raise error_from_body(response.status_code, response.reason_phrase, content)
        return response

    def send(self, request: httpx.Request) -> bytes:
        """Send a built request; the body of its 2xx answer, or the typed error."""
        return self._fetch(request, direct=False)

    def _fetch(self, request: httpx.Request, direct: bool = True) -> bytes:
        deadline = Deadline(self._total)
        transport = self._transport if direct else None
        opened = self._attempts(request, deadline, transport, True)
        if isinstance(opened, httpx.Response):
            return read_body(opened, self.limits.max_response_bytes, deadline)
        return read_plain(opened, request, self.limits.max_response_bytes, deadline)

    def call(
        self,
        method: str,
        path: str,
        values: Mapping[str, str],
        model: type[M],
        *,
        query: Query = None,
        body: Body | None = None,
        validator: Validator | None = None,
        api_version: str = "",
        kind: str = "",
        name: str = "",
    ) -> M:
        """Any operation by its method and path template (`{name}` filled from `values`),
        for paths that are no Kubernetes resource's."""
        request = self._call_request(
            method, path, values, query, body, validator, api_version, kind, name
        )
        return _parse(self._fetch(request), model)

    def get(
        self,
        resource: ResourceInfo,
        name: str,
        model: type[M],
        *,
        namespace: str | None = None,
        query: Query = None,
    ) -> M:
        """One object (or a subresource of it, such as `status` or `scale`)."""
        return _parse(self._fetch(self._get_request(resource, name, namespace, query)), model)

    def list(
        self,
        resource: ResourceInfo,
        model: type[M],
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
        continue_: str | None = None,
        query: Query = None,
    ) -> M:
        """One list answer (`model` is the list kind, such as `ConfigMapList`)."""
        selectors = {"labelSelector": label_selector, "fieldSelector": field_selector}
        paging = {"limit": limit, "continue": continue_}
        request = self._list_request(resource, namespace, all_namespaces, query, selectors, paging)
        return _parse(self._fetch(request), model)

    def pages(
        self,
        resource: ResourceInfo,
        model: type[M],
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        limit: int | None = 500,
        query: Query = None,
    ) -> Iterator[M]:
        """Every page of a list, following `continue` tokens, `limit` objects at most per
        page. A token that expired raises `Gone`; list again from the start then."""
        token = ""
        while True:  # bounded by the server's tokens; a repeated one raises
            page = self.list(
                resource,
                model,
                namespace=namespace,
                all_namespaces=all_namespaces,
                query=_page_query(limit, token, query),
            )
            yield page
            token = _next_token(page, token)
            if not token:
                return

    def items(
        self,
        resource: ResourceInfo,
        model: type[BaseModel],
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        limit: int | None = 500,
        query: Query = None,
    ) -> Iterator[Any]:
        """Every object of a list, page after page (see `pages`)."""
        for page in self.pages(
            resource,
            model,
            namespace=namespace,
            all_namespaces=all_namespaces,
            limit=limit,
            query=query,
        ):
            yield from getattr(page, "items", None) or []

    def create(
        self,
        resource: ResourceInfo,
        body: Body,
        model: type[M],
        *,
        namespace: str | None = None,
        name: str | None = None,
        validator: Validator | None = None,
        query: Query = None,
        api_version: str | None = None,
    ) -> M:
        """Create an object; for a subresource (`token`, `eviction`) `name` is the parent's.
        `api_version` fills in the body's when it is not the resource's group-version."""
        request = self._create_request(
            resource, body, namespace, name, validator, query, api_version
        )
        return _parse(self._fetch(request), model)

    def replace(
        self,
        resource: ResourceInfo,
        name: str,
        body: Body,
        model: type[M],
        *,
        namespace: str | None = None,
        validator: Validator | None = None,
        query: Query = None,
        api_version: str | None = None,
    ) -> M:
        """Replace an object (PUT, the `update` verb)."""
        request = self._replace_request(
            resource, name, body, namespace, validator, query, api_version
        )
        return _parse(self._fetch(request), model)

    def patch(
        self,
        resource: ResourceInfo,
        name: str,
        body: Body | Sequence[Mapping[str, Any]],
        model: type[M],
        *,
        namespace: str | None = None,
        patch_type: PatchType | None = None,
        field_manager: str | None = None,
        force: bool | None = None,
        dry_run: bool | str | None = None,
        query: Query = None,
        api_version: str | None = None,
    ) -> M:
        """Patch an object: `patch_type` "merge" (the default for a mapping), "json" (the
        default for a list of operations), "strategic" or "apply" (server-side apply,
        which needs `field_manager` and may `force`)."""
        request = self._patch_request(
            resource,
            name,
            body,
            namespace,
            patch_type,
            field_manager,
            force,
            dry_run,
            query,
            api_version,
        )
        return _parse(self._fetch(request), model)

    def delete(
        self,
        resource: ResourceInfo,
        name: str,
        model: type[M],
        *,
        namespace: str | None = None,
        body: Body | None = None,
        propagation_policy: str | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool | str | None = None,
        query: Query = None,
    ) -> M | Status:
        """Delete an object; the answer is the object (still terminating) or a Status."""
        request = self._delete_request(
            resource,
            name,
            namespace,
            body,
            propagation_policy,
            grace_period_seconds,
            dry_run,
            query,
        )
        return _parse_or_status(self._fetch(request), model)

    def delete_collection(
        self,
        resource: ResourceInfo,
        model: type[M],
        *,
        namespace: str | None = None,
        body: Body | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        propagation_policy: str | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool | str | None = None,
        query: Query = None,
    ) -> M | Status:
        """Delete every object the selectors match (the `deletecollection` verb)."""
        selectors = {"labelSelector": label_selector, "fieldSelector": field_selector}
        request = self._delete_request(
            resource,
            None,
            namespace,
            body,
            propagation_policy,
            grace_period_seconds,
            dry_run,
            query,
            selectors,
        )
        return _parse_or_status(self._fetch(request), model)

    def watch(
        self,
        resource: ResourceInfo,
        model: type[M],
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        name: str | None = None,
        resource_version: str | None = None,
        allow_watch_bookmarks: bool | None = None,
        timeout_seconds: int | None = None,
        query: Query = None,
    ) -> Iterator[WatchEvent[M]]:
        """Changes as typed events, until the server ends the watch (`timeout_seconds`);
        an ERROR event raises its error (`Gone` for an expired resourceVersion)."""
        request = self._watch_request(
            resource,
            namespace,
            all_namespaces,
            name,
            resource_version,
            allow_watch_bookmarks,
            timeout_seconds,
            query,
        )
        response = self._open(request, Deadline(None), direct=True)
        return events(response, model, self.limits.max_response_bytes)


class AsyncRestClient(_RestBase):
    """An asyncio client of any resource; `async with AsyncRestClient(...)` closes it."""

    _http: httpx.AsyncClient

    def _connect(self) -> None:
        options = self._http_options()
        self._transport: httpx.AsyncBaseTransport | None = None
        if self._direct:
            self._transport = httpx.AsyncHTTPTransport(verify=self._ssl)
            options["transport"] = self._transport
        self._http = httpx.AsyncClient(**options)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _open(
        self, request: httpx.Request, deadline: Deadline, direct: bool = False
    ) -> httpx.Response:
        """Send, retrying as `retry` says within the deadline; the streamed 2xx answer.
        `direct`: a request `_build` made, sent on the transport itself."""
        retry = 0
        transport = self._transport if direct and self._direct else None
        while True:  # bounded: Retry.delay says None after `attempts` retries
            if deadline.seconds is not None:  # a watch has none, and its own read timeout
                request.extensions["timeout"] = deadline.timeouts(self._timeout)
            try:
                if transport is not None:
                    response = await transport.handle_async_request(request)
                    response.request = request
                else:
                    response = await self._http.send(request, stream=True)
            except NOT_SENT as error:
                if (delay := self._retry_delay(retry, deadline, error, None)) is None:
                    raise
            else:
                if (delay := self._retry_delay(retry, deadline, None, response)) is None:
                    return await self._check(response, deadline)
                await response.aclose()
            _log.info("retrying %s %s in %.2fs", request.method, request.url.path, delay)
            await _sleep(delay)
            retry += 1

    async def _check(self, response: httpx.Response, deadline: Deadline) -> httpx.Response:
        issue_warnings(response, stacklevel=6)
        if not response.is_success:
            limit = self.limits.max_error_bytes
            content = await aread_body(response, limit, deadline, truncate=True)
            raise error_from_body(response.status_code, response.reason_phrase, content)
        return response

    async def send(self, request: httpx.Request) -> bytes:
        """Send a built request; the body of its 2xx answer, or the typed error."""
        return await self._fetch(request, direct=False)

    async def _fetch(self, request: httpx.Request, direct: bool = True) -> bytes:
        deadline = Deadline(self._total)
        response = await self._open(request, deadline, direct)
        return await aread_body(response, self.limits.max_response_bytes, deadline)

    async def call(
        self,
        method: str,
        path: str,
        values: Mapping[str, str],
        model: type[M],
        *,
        query: Query = None,
        body: Body | None = None,
        validator: Validator | None = None,
        api_version: str = "",
        kind: str = "",
        name: str = "",
    ) -> M:
        """Any operation by its method and path template (see `RestClient.call`)."""
        request = self._call_request(
            method, path, values, query, body, validator, api_version, kind, name
        )
        return _parse(await self._fetch(request), model)

    async def get(
        self,
        resource: ResourceInfo,
        name: str,
        model: type[M],
        *,
        namespace: str | None = None,
        query: Query = None,
    ) -> M:
        """One object (or a subresource of it, such as `status` or `scale`)."""
        request = self._get_request(resource, name, namespace, query)
        return _parse(await self._fetch(request), model)

    async def list(
        self,
        resource: ResourceInfo,
        model: type[M],
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
        continue_: str | None = None,
        query: Query = None,
    ) -> M:
        """One list answer (`model` is the list kind, such as `ConfigMapList`)."""
        selectors = {"labelSelector": label_selector, "fieldSelector": field_selector}
        paging = {"limit": limit, "continue": continue_}
        request = self._list_request(resource, namespace, all_namespaces, query, selectors, paging)
        return _parse(await self._fetch(request), model)

    async def pages(
        self,
        resource: ResourceInfo,
        model: type[M],
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        limit: int | None = 500,
        query: Query = None,
    ) -> AsyncIterator[M]:
        """Every page of a list, following `continue` tokens (see `RestClient.pages`)."""
        token = ""
        while True:  # bounded by the server's tokens; a repeated one raises
            page = await self.list(
                resource,
                model,
                namespace=namespace,
                all_namespaces=all_namespaces,
                query=_page_query(limit, token, query),
            )
            yield page
            token = _next_token(page, token)
            if not token:
                return

    async def items(
        self,
        resource: ResourceInfo,
        model: type[BaseModel],
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        limit: int | None = 500,
        query: Query = None,
    ) -> AsyncIterator[Any]:
        """Every object of a list, page after page."""
        async for page in self.pages(
            resource,
            model,
            namespace=namespace,
            all_namespaces=all_namespaces,
            limit=limit,
            query=query,
        ):
            for item in getattr(page, "items", None) or []:
                yield item

    async def create(
        self,
        resource: ResourceInfo,
        body: Body,
        model: type[M],
        *,
        namespace: str | None = None,
        name: str | None = None,
        validator: Validator | None = None,
        query: Query = None,
        api_version: str | None = None,
    ) -> M:
        """Create an object; for a subresource (`token`, `eviction`) `name` is the parent's.
        `api_version` fills in the body's when it is not the resource's group-version."""
        request = self._create_request(
            resource, body, namespace, name, validator, query, api_version
        )
        return _parse(await self._fetch(request), model)

    async def replace(
        self,
        resource: ResourceInfo,
        name: str,
        body: Body,
        model: type[M],
        *,
        namespace: str | None = None,
        validator: Validator | None = None,
        query: Query = None,
        api_version: str | None = None,
    ) -> M:
        """Replace an object (PUT, the `update` verb)."""
        request = self._replace_request(
            resource, name, body, namespace, validator, query, api_version
        )
        return _parse(await self._fetch(request), model)

    async def patch(
        self,
        resource: ResourceInfo,
        name: str,
        body: Body | Sequence[Mapping[str, Any]],
        model: type[M],
        *,
        namespace: str | None = None,
        patch_type: PatchType | None = None,
        field_manager: str | None = None,
        force: bool | None = None,
        dry_run: bool | str | None = None,
        query: Query = None,
        api_version: str | None = None,
    ) -> M:
        """Patch an object (see `RestClient.patch`)."""
        request = self._patch_request(
            resource,
            name,
            body,
            namespace,
            patch_type,
            field_manager,
            force,
            dry_run,
            query,
            api_version,
        )
        return _parse(await self._fetch(request), model)

    async def delete(
        self,
        resource: ResourceInfo,
        name: str,
        model: type[M],
        *,
        namespace: str | None = None,
        body: Body | None = None,
        propagation_policy: str | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool | str | None = None,
        query: Query = None,
    ) -> M | Status:
        """Delete an object; the answer is the object (still terminating) or a Status."""
        request = self._delete_request(
            resource,
            name,
            namespace,
            body,
            propagation_policy,
            grace_period_seconds,
            dry_run,
            query,
        )
        return _parse_or_status(await self._fetch(request), model)

    async def delete_collection(
        self,
        resource: ResourceInfo,
        model: type[M],
        *,
        namespace: str | None = None,
        body: Body | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        propagation_policy: str | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool | str | None = None,
        query: Query = None,
    ) -> M | Status:
        """Delete every object the selectors match (the `deletecollection` verb)."""
        selectors = {"labelSelector": label_selector, "fieldSelector": field_selector}
        request = self._delete_request(
            resource,
            None,
            namespace,
            body,
            propagation_policy,
            grace_period_seconds,
            dry_run,
            query,
            selectors,
        )
        return _parse_or_status(await self._fetch(request), model)

    async def watch(
        self,
        resource: ResourceInfo,
        model: type[M],
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        name: str | None = None,
        resource_version: str | None = None,
        allow_watch_bookmarks: bool | None = None,
        timeout_seconds: int | None = None,
        query: Query = None,
    ) -> AsyncIterator[WatchEvent[M]]:
        """Changes as typed events (see `RestClient.watch`): `async for event in await
        client.watch(...)`."""
        request = self._watch_request(
            resource,
            namespace,
            all_namespaces,
            name,
            resource_version,
            allow_watch_bookmarks,
            timeout_seconds,
            query,
        )
        response = await self._open(request, Deadline(None), direct=True)
        return aevents(response, model, self.limits.max_response_bytes)
