"""Watch streams as the client reads them: one JSON `WatchEvent` a line, each
`{"type": ..., "object": ...}`, parsed into typed events.

`ADDED`, `MODIFIED` and `DELETED` carry the object, `BOOKMARK` an object with
only its kind and `metadata.resourceVersion`; an `ERROR` event carries a
`Status` and is raised as its typed error (410 Gone: `Gone`). A stream the
server ends (its `timeoutSeconds`, or a closed connection) ends the iteration
without an error. No line may exceed `max_line` bytes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from ._connection import ResponseTooLarge
from ._errors import Status, error_from_status, parse_status

__all__ = ["EVENT_TYPES", "WatchEvent", "aevents", "events"]

M = TypeVar("M", bound=BaseModel)
EventType = Literal["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]
EVENT_TYPES: tuple[EventType, ...] = ("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR")
# The connection closing mid-stream: client-go's watch takes that as its end too.
_ENDED = (httpx.RemoteProtocolError, httpx.ReadError)


@dataclass(frozen=True)
class WatchEvent(Generic[M]):
    """One change: `type`, the object parsed into the watched model (None for a
    bookmark the model cannot hold), and the event's raw JSON object."""

    type: EventType
    object: M | None
    raw: dict[str, Any]

    @property
    def resource_version(self) -> str:
        """The object's `metadata.resourceVersion`: where to watch from next."""
        metadata = self.raw.get("metadata")
        version = metadata.get("resourceVersion") if isinstance(metadata, dict) else None
        return version if isinstance(version, str) else ""


class _Lines:
    """Bytes in, complete lines out, none longer than `limit`."""

    def __init__(self, limit: int, request: httpx.Request) -> None:
        self._limit = limit
        self._request = request
        self._pending = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        self._pending += chunk
        if b"\n" not in chunk:
            self._check(len(self._pending))
            return []
        *lines, rest = bytes(self._pending).split(b"\n")
        self._pending = bytearray(rest)
        self._check(max(len(rest), *(len(line) for line in lines)))
        return [line for line in lines if line.strip()]

    def rest(self) -> list[bytes]:
        return [bytes(self._pending)] if self._pending.strip() else []

    def _check(self, size: int) -> None:
        if size > self._limit:
            raise ResponseTooLarge(
                f"a watch event is larger than the limit of {self._limit} bytes",
                request=self._request,
            )


def parse_event(line: bytes, model: type[M], request: httpx.Request) -> WatchEvent[M]:
    """One line of a watch stream as an event; an ERROR event is raised."""
    try:
        data = json.loads(line)
    except ValueError:
        raise httpx.DecodingError("a watch event is not JSON", request=request) from None
    kind = data.get("type") if isinstance(data, dict) else None
    raw = data.get("object") if isinstance(data, dict) else None
    if kind not in EVENT_TYPES or not isinstance(raw, dict):
        raise httpx.DecodingError(f"not a watch event: type {kind!r}", request=request)
    if kind == "ERROR":
        status = parse_status(raw) or Status.model_validate(
            {"message": "watch failed", "code": 500}
        )
        raise error_from_status(status)
    try:
        parsed: M | None = model.model_validate(raw)
    except ValidationError:
        if kind != "BOOKMARK":
            raise
        parsed = None  # a bookmark holds only kind, apiVersion and metadata
    return WatchEvent(kind, parsed, raw)


def events(response: httpx.Response, model: type[M], max_line: int) -> Iterator[WatchEvent[M]]:
    """The events of a streamed watch answer, until the server ends it; closes it."""
    lines = _Lines(max_line, response.request)
    try:
        try:
            for chunk in response.iter_bytes():
                for line in lines.feed(chunk):
                    yield parse_event(line, model, response.request)
        except _ENDED:
            return
        for line in lines.rest():
            yield parse_event(line, model, response.request)
    finally:
        response.close()


async def aevents(
    response: httpx.Response, model: type[M], max_line: int
) -> AsyncIterator[WatchEvent[M]]:
    """`events` for an async answer."""
    lines = _Lines(max_line, response.request)
    try:
        try:
            async for chunk in response.aiter_bytes():
                for line in lines.feed(chunk):
                    yield parse_event(line, model, response.request)
        except _ENDED:
            return
        for line in lines.rest():
            yield parse_event(line, model, response.request)
    finally:
        await response.aclose()
