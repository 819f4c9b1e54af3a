"""An httpx transport on the standard library's `http.client`: the blocking client's
connections to its API server.

httpx's default transport (httpcore over h11) costs more CPU per small request than
everything else the client does: it writes a request's head and body in two sends
and checks every header byte in Python. `HTTPClientTransport` is a thin adapter:
`http.client` writes the request (head and body in one send) and reads the answer
(status line, headers, content-length, chunked or close-delimited bodies); this
module keeps idle connections for reuse and maps failures to httpx's exceptions, so
the rest of the client cannot tell the transports apart.

- Keep-alive: a connection goes back to the pool once its answer was read to the
  end; one the server closed while it was idle is noticed before it is used again
  (it is readable) and replaced. A reused connection that fails before any byte of
  the answer came is tried once more on a new one for idempotent methods only: a
  POST or PATCH may have been acted on.
- Only the origin it was made for: requests to any other origin go to httpx's own
  transport (which the caller provides), so nothing is sent elsewhere by this one.
- TLS with the caller's `ssl.SSLContext`, SNI and certificate name `server_hostname`
  (kubeconfig's tls-server-name) or the URL's host.
- Timeouts are the request's `timeout` extension, as httpx sets it: `connect` for
  connecting and the TLS handshake, `write` for sending, `read` for each read.
- No HTTP/2, no proxies: the client uses httpx's transport when a proxy is configured.
"""

from __future__ import annotations

import http.client
import select
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import httpx

__all__ = ["HTTPClientTransport"]

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
READ_SIZE = 64 * 1024
MAX_IDLE = 20  # httpx's default max_keepalive_connections


class _Connection(http.client.HTTPConnection):
    """One connection. `send` adds the pending body to the head `endheaders` sends,
    so that a small request is one write (one packet, no delayed-ACK stall)."""

    _body = b""
    _context: ssl.SSLContext | None = None
    _server_hostname: str | None = None

    def send(self, data: Any) -> None:
        if self._body:
            data, self._body = bytes(data) + self._body, b""
        super().send(data)

    def connect(self) -> None:
        super().connect()  # TCP, with TCP_NODELAY
        if self._context is not None:
            self.sock = self._context.wrap_socket(
                self.sock, server_hostname=self._server_hostname or self.host
            )
        self.poller = select.poll()  # for `_dropped`
        self.poller.register(self.sock, select.POLLIN)

    def exchange(
        self, method: str, target: str, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        """Send the request: its line, the given headers as they are, the body."""
        self.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            self.putheader(name, value)
        self._body = body
        self.endheaders()


def _dropped(connection: _Connection) -> bool:
    """Whether an idle connection can no longer be used: the server closed it, or sent
    something nobody asked for. An idle socket that is readable is either."""
    sock = connection.sock
    if sock is None:
        return True
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    return bool(connection.poller.poll(0))


class _Stale(Exception):
    """A reused connection failed before any byte of the answer arrived."""


class HTTPClientTransport(httpx.BaseTransport):
    """Keep-alive HTTP/1.1 to one origin (`base_url`'s scheme, host and port) on
    `http.client`; other origins go to `fallback`."""

    def __init__(
        self,
        base_url: str,
        fallback: httpx.BaseTransport,
        ssl_context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
    ) -> None:
        url = httpx.URL(base_url)
        self._https = url.scheme == "https"
        self._host = url.host
        self._port = url.port or (443 if self._https else 80)
        self._origin = (url.scheme, self._host, self._port)
        self._context = ssl_context if self._https else None
        self._server_hostname = server_hostname
        self._fallback = fallback
        self._idle: list[_Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        scheme, host, port = self._origin
        return f"<HTTPClientTransport {scheme}://{host}:{port}>"

    # --- Connections -----------------------------------------------------------------

    def _new(self, request: httpx.Request, timeout: float | None) -> _Connection:
        connection = _Connection(self._host, self._port, timeout=timeout)
        connection._context = self._context
        connection._server_hostname = self._server_hostname
        try:
            connection.connect()
        except TimeoutError as error:
            connection.close()
            raise httpx.ConnectTimeout(str(error) or "timed out", request=request) from error
        except OSError as error:  # refused, unreachable, TLS (ssl.SSLError is an OSError)
            connection.close()
            raise httpx.ConnectError(str(error), request=request) from error
        return connection

    def _take(self) -> _Connection | None:
        with self._lock:
            while self._idle:
                connection = self._idle.pop()
                if not _dropped(connection):
                    return connection
                connection.close()
        return None

    def _give_back(self, connection: _Connection) -> None:
        with self._lock:
            if not self._closed and connection.sock is not None and len(self._idle) < MAX_IDLE:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        self._fallback.close()

    # --- Requests --------------------------------------------------------------------

    def serves(self, url: httpx.URL) -> bool:
        """Whether requests to `url` go on this transport's own connections."""
        port = url.port or (443 if url.scheme == "https" else 80)
        return (url.scheme, url.host, port) == self._origin

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.serves(request.url):
            return self._fallback.handle_request(request)
        return self.open(request).response()

    def open(self, request: httpx.Request) -> Answer:
        """Send a request to this transport's origin; the answer, its body not read yet.
        (`handle_request` without building an `httpx.Response`, for callers that read a
        plain answer themselves.)"""
        url = request.url
        timeouts = request.extensions.get("timeout") or {}
        body = request.read()
        target = url.raw_path.decode("ascii")
        headers = request.headers.raw
        for attempt in (1, 2):  # bounded: a second try only on a new connection
            connection = self._take()
            reused = connection is not None
            if connection is None:
                connection = self._new(request, timeouts.get("connect"))
            try:
                answer = self._exchange(connection, request, target, headers, body, timeouts)
            except _Stale as stale:
                connection.close()
                if attempt == 1 and reused and request.method in IDEMPOTENT:
                    continue
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                ) from stale.__cause__
            except BaseException:
                connection.close()
                raise
            return Answer(self, connection, answer, request)
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(
        self,
        connection: _Connection,
        request: httpx.Request,
        target: str,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        timeouts: dict[str, float | None],
    ) -> http.client.HTTPResponse:
        sock = connection.sock
        assert sock is not None
        write, read = timeouts.get("write"), timeouts.get("read")
        sock.settimeout(write)
        try:
            connection.exchange(request.method, target, headers, body)
        except TimeoutError as error:
            raise httpx.WriteTimeout(str(error) or "timed out", request=request) from error
        except OSError as error:  # broken pipe, reset: the server closed it
            raise _Stale() from error
        if read != write:
            sock.settimeout(read)
        try:
            return connection.getresponse()
        except TimeoutError as error:
            raise httpx.ReadTimeout(str(error) or "timed out", request=request) from error
        except (http.client.RemoteDisconnected, ConnectionResetError) as error:
            raise _Stale() from error  # closed before the status line
        except OSError as error:
            raise httpx.ReadError(str(error), request=request) from error
        except http.client.HTTPException as error:
            raise httpx.RemoteProtocolError(str(error), request=request) from error


class Answer(httpx.SyncByteStream):
    """An answer: `status`, `headers` (`http.client`'s, read-only) and the body as it
    arrives (iterate). Its connection goes back to the pool once the body was read to
    the end, and is closed otherwise."""

    def __init__(
        self,
        transport: HTTPClientTransport,
        connection: _Connection,
        answer: http.client.HTTPResponse,
        request: httpx.Request,
    ) -> None:
        self._transport = transport
        self._connection: _Connection | None = connection
        self._answer = answer
        self._request = request
        self.status = answer.status
        self.headers = answer.msg
        # What Content-Length declared (http.client read it), None when chunked or absent.
        self.length: int | None = None if answer.chunked else answer.length

    def response(self) -> httpx.Response:
        """The answer as an `httpx.Response` streaming this body."""
        answer = self._answer
        return httpx.Response(
            answer.status,
            headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.getheaders()],
            stream=self,
            request=self._request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": answer.reason.encode("latin-1", "replace"),
            },
        )

    def __iter__(self) -> Iterator[bytes]:
        request = self._request
        answer = self._answer
        try:
            while chunk := answer.read1(READ_SIZE):  # bounded by the body's end
                yield chunk
        except TimeoutError as error:
            raise httpx.ReadTimeout(str(error) or "timed out", request=request) from error
        except http.client.HTTPException as error:  # IncompleteRead: closed mid-body
            raise httpx.RemoteProtocolError(str(error), request=request) from error
        except OSError as error:
            raise httpx.ReadError(str(error), request=request) from error
        if not answer.chunked and answer.length:  # http.client's read1 does not raise
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body "
                f"({answer.length} bytes missing)",
                request=request,
            )

    def _complete(self) -> bool:
        """Whether the whole body was read (and nothing else), so the connection can be
        used again."""
        answer = self._answer
        if answer.will_close:
            return False
        return answer.isclosed() if answer.chunked else answer.length == 0

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        complete = self._complete()
        self._answer.close()
        if complete:
            self._transport._give_back(connection)
        else:
            connection.close()
