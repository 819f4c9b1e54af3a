"""A recording fake of kube-apiserver, on a real uvicorn.

It records every request and answers with the shapes a real API server sends:
for TokenRequest a 201 with `"creationTimestamp": null` and `"boundObjectRef":
null`, `Status` bodies for errors. Tests queue other answers
(`server.replies.append(...)`): a 401 or 422 Status, a 429 with `Retry-After`,
a plain-text 500, a list page, or a `Stream` (a watch's events, a body dripped
a byte at a time, or one of hundreds of megabytes made as it is sent). Also
serves the client benchmark, so it is a bare ASGI app.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from loopback import serve

TOKEN_PATH = re.compile(r"^/api/v1/namespaces/([^/]+)/serviceaccounts/([^/]+)/token$")
FAKE_TOKEN = "eyJhbGciOiJSUzI1NiJ9.fake-payload.fake-signature"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # as sent, percent-encoding kept
    query: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or None


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)

    @classmethod
    def json(cls, status: int, body: Any, *headers: tuple[str, str]) -> Reply:
        return cls(
            status, json.dumps(body).encode(), (("content-type", "application/json"), *headers)
        )


@dataclass(frozen=True)
class Stream:
    """An answer sent chunk by chunk as `chunks()` makes them, `delay` seconds apart."""

    status: int
    chunks: Callable[[], Iterator[bytes]]
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)
    delay: float = 0.0

    @classmethod
    def events(cls, *events: tuple[str, Any], delay: float = 0.0) -> Stream:
        """A watch answer: one JSON WatchEvent a line, then the end of the stream."""
        lines = [json.dumps({"type": kind, "object": obj}).encode() + b"\n" for kind, obj in events]
        return cls(200, lambda: iter(lines), delay=delay)


def repeated(piece: bytes, total: int) -> Callable[[], Iterator[bytes]]:
    """`total` bytes of `piece` over and over, made as they are sent (never held whole)."""

    def chunks() -> Iterator[bytes]:
        sent = 0
        while sent < total:
            chunk = piece[: total - sent]
            sent += len(chunk)
            yield chunk

    return chunks


def status_body(
    code: int, reason: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def unauthorized() -> Reply:
    return Reply.json(401, status_body(401, "Unauthorized", "Unauthorized"))


def invalid(name: str, field: str, value: Any, detail: str) -> Reply:
    cause = f"Invalid value: {json.dumps(value)}: {detail}"
    message = f'TokenRequest.authentication.k8s.io "{name}" is invalid: {field}: {cause}'
    details = {
        "name": name,
        "group": "authentication.k8s.io",
        "kind": "TokenRequest",
        "causes": [{"reason": "FieldValueInvalid", "message": cause, "field": field}],
    }
    return Reply.json(422, status_body(422, "Invalid", message, details))


def too_many_requests(retry_after: str = "0") -> Reply:
    body = status_body(429, "TooManyRequests", "Too many requests, please try again later.")
    return Reply.json(429, body, ("retry-after", retry_after))


def plain_text(status: int, text: str) -> Reply:
    return Reply(status, text.encode(), (("content-type", "text/plain; charset=utf-8"),))


def created(namespace: str, name: str, request: dict[str, Any]) -> dict[str, Any]:
    """What kube-apiserver answers a TokenRequest with: defaults filled, nulls explicit."""
    spec = request.get("spec") or {}
    return {
        "kind": "TokenRequest",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"name": name, "namespace": namespace, "creationTimestamp": None},
        "spec": {
            "audiences": spec.get("audiences") or ["https://kubernetes.default.svc.cluster.local"],
            "expirationSeconds": spec.get("expirationSeconds") or 3600,
            "boundObjectRef": spec.get("boundObjectRef"),
        },
        "status": {"token": FAKE_TOKEN, "expirationTimestamp": "2026-11-29T18:00:00Z"},
    }


@dataclass
class FakeApiServer:
    """The ASGI app: records, then answers with the next queued reply or a 201."""

    requests: list[Recorded] = field(default_factory=list)
    replies: deque[Reply] = field(default_factory=deque)
    warning: str | None = None  # sent as a `Warning: 299 - "..."` header on 201s
    record: bool = True  # off in benchmarks, where the list would only grow

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        reply = self._answer(scope, body)
        await send({"type": "http.response.start", "status": reply.status,
                    "headers": [(k.encode(), v.encode()) for k, v in reply.headers]})  # fmt: skip
        if isinstance(reply, Stream):
            await _stream(reply, receive, send)
            return
        await send({"type": "http.response.body", "body": reply.body})

    def _answer(self, scope: dict[str, Any], raw: bytes) -> Reply | Stream:
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        if self.record:
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            self.requests.append(
                Recorded(
                    scope["method"],
                    scope["raw_path"].decode(),
                    scope["query_string"].decode(),
                    headers,
                    parsed,
                )
            )
        if self.replies:
            return self.replies.popleft()
        match = TOKEN_PATH.match(scope["raw_path"].decode())
        if scope["method"] != "POST" or match is None:
            return Reply.json(
                404,
                status_body(404, "NotFound", "the server could not find the requested resource"),
            )
        extra = (("warning", f'299 - "{self.warning}"'),) if self.warning else ()
        return Reply.json(
            201, created(unquote(match.group(1)), unquote(match.group(2)), parsed or {}), *extra
        )


async def _stream(reply: Stream, receive: Any, send: Any) -> None:
    """Send the chunks until they run out or the client goes away."""
    gone = asyncio.Event()

    async def watch_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    watcher = asyncio.ensure_future(watch_disconnect())
    try:
        for chunk in reply.chunks():
            if gone.is_set():
                return
            if reply.delay:
                await asyncio.sleep(reply.delay)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b""})
    finally:
        watcher.cancel()


@contextmanager
def serve_fake(*, record: bool = True) -> Iterator[tuple[FakeApiServer, str]]:
    """A fake on loopback (tests/loopback.py `serve`, plain HTTP), and its URL."""
    fake = FakeApiServer(record=record)
    with serve(fake) as url:
        yield fake, url


def main() -> None:
    """Serve a non-recording fake until killed, printing its URL (for the client benchmark)."""
    with serve_fake(record=False) as (_, url):
        print(url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
