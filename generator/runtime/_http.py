"""uvicorn's HTTP/1.1 protocol with the limits it lacks: header and body read deadlines and a
connection cap.

uvicorn arms no timer until a first response is sent, and its keep-alive timer is
cancelled by any byte received, so a client that sends one byte a second holds a
connection forever (slowloris). `GuardedH11Protocol` gives every request
`header_timeout` seconds, from the moment the connection opens or the previous
answer is sent, to deliver its complete headers; then the connection is closed,
as Go's `http.Server.ReadHeaderTimeout` does for kube-apiserver. The body, once the
headers are in, must arrive within `body_timeout` seconds, or the connection is closed
too (Go's `ReadTimeout`). Connections past
`max_connections` are closed as soon as they are accepted (uvicorn's own
`limit_concurrency` would answer them with a 503, and a 5xx is never answered here).

A response's head and body go out in one write, as Go's `net/http` sends them
(`_CoalescingTransport`): what the protocol writes in one turn of the event loop is
joined and written once at the end of that turn, so a small answer is one `send` and
one TCP segment instead of two.

The limits come from the environment (`APIGEN_SERVER_LIMITS`, set by `_server.main`),
so that every worker process reads the same ones.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["LIMITS_VARIABLE", "GuardedH11Protocol", "Limits"]

LIMITS_VARIABLE = "APIGEN_SERVER_LIMITS"


@dataclass(frozen=True)
class Limits:
    header_timeout: float = 10.0  # seconds to send a request's headers
    max_connections: int = 1000  # open connections at once, per worker process
    body_timeout: float = 60.0  # seconds to send a request's body, once its headers are in

    def to_environment(self) -> str:
        return json.dumps(
            {
                "header_timeout": self.header_timeout,
                "max_connections": self.max_connections,
                "body_timeout": self.body_timeout,
            }
        )

    @classmethod
    def from_environment(cls) -> Limits:
        text = os.environ.get(LIMITS_VARIABLE, "")
        values: dict[str, Any] = json.loads(text) if text else {}
        return cls(
            float(values.get("header_timeout", 10.0)),
            int(values.get("max_connections", 1000)),
            float(values.get("body_timeout", 60.0)),
        )


_limits: Limits | None = None


def limits() -> Limits:
    global _limits
    if _limits is None:
        _limits = Limits.from_environment()
    return _limits


class _CoalescingTransport:
    """A transport whose writes of one event-loop turn are sent as one write.

    Everything else is the wrapped transport's; `close` and `abort` keep their order
    with the writes (what was written before `close` is sent first; `abort` drops it).
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)

    def _flush(self) -> None:
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def is_closing(self) -> bool:  # asked a few times a request: no `__getattr__` detour
        return self._transport.is_closing()

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GuardedH11Protocol(H11Protocol):
    """`H11Protocol` with a header-read deadline and a connection cap (`Limits`), writing a
    response's head and body at once."""

    _header_timer: asyncio.TimerHandle | None = None
    _header_deadline: float | None = None  # loop time by which the headers must be in
    _body_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        coalescing: Any = _CoalescingTransport(transport, self.loop)
        super().connection_made(coalescing)
        if len(self.connections) > limits().max_connections:
            transport.close()  # no answer: the server is full
            return
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        state = self.conn.their_state
        if state is not h11.IDLE:  # the headers are in
            self._cancel_header_timer()
        if state is h11.SEND_BODY:
            if self._body_timer is None:
                self._body_timer = self.loop.call_later(limits().body_timeout, self._body_timed_out)
        else:
            self._cancel_body_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_timer()  # the next request has as long for its headers

    def connection_lost(self, exc: Exception | None) -> None:
        self._header_deadline = None
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        self._cancel_body_timer()
        super().connection_lost(exc)

    # One timer per connection: a request only moves its deadline (no timer made and
    # cancelled per request); the timer, when it fires early, waits for the deadline.

    def _arm_header_timer(self) -> None:
        self._header_deadline = self.loop.time() + limits().header_timeout
        if self._header_timer is None:
            self._header_timer = self.loop.call_at(self._header_deadline, self._header_timed_out)

    def _cancel_header_timer(self) -> None:
        self._header_deadline = None

    def _cancel_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _body_timed_out(self) -> None:
        self._body_timer = None
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            self.transport.close()

    def _header_timed_out(self) -> None:
        self._header_timer = None
        deadline = self._header_deadline
        if deadline is None:  # the headers came in; the next answer arms it again
            return
        if self.loop.time() + 0.01 < deadline:  # moved on since: wait for the new deadline
            self._header_timer = self.loop.call_at(deadline, self._header_timed_out)
            return
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()
