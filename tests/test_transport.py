"""The blocking client's transport (`_transport.HTTPClientTransport`, on http.client)
against real uvicorn on 127.0.0.1: keep-alive reuse, connections the server closed,
retries of idempotent requests only, TLS, content-length, chunked and truncated
answers, the size caps, and what goes elsewhere than the client's own server."""

from __future__ import annotations

import importlib
import json
import select
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from loopback import Tls, self_signed_certificate, serve

KEEP_ALIVE_S = 0.3  # uvicorn closes idle connections after this long
WAIT_S = 10.0  # bound of every wait for the server to close a connection


class Recorder:
    """An ASGI app: records (method, path, client port) and answers by path."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, int]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        path = scope["path"]
        self.seen.append((scope["method"], path, scope["client"][1]))
        body = json.dumps({"path": path, "port": scope["client"][1]}).encode()
        headers = [(b"content-type", b"application/json")]
        if path == "/length":
            headers.append((b"content-length", str(len(body)).encode()))
        elif path == "/big":
            body = b'"' + b"x" * 5000 + b'"'
            headers.append((b"content-length", str(len(body)).encode()))
        elif path == "/short":  # declares more than it sends: uvicorn then drops it
            headers.append((b"content-length", b"1000"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if path == "/chunks":  # several chunks, no length: chunked
            for piece in (b'{"path": "/chunks", ', b'"port": ', str(scope["client"][1]).encode()):
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            body = b"}"
        await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def transport_module(generated_package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{generated_package.__name__}._transport")


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Recorder, str]]:
    app = Recorder()
    with serve(app, timeout_keep_alive=KEEP_ALIVE_S) as url:
        yield app, url


@pytest.fixture
def app(server: tuple[Recorder, str]) -> Recorder:
    server[0].seen.clear()
    return server[0]


def _wait_closed_by_server(client: Any) -> None:
    """Until the server has closed the client's idle connection (bounded)."""
    connection = client._transport._idle[0]
    ready = select.select([connection.sock], [], [], WAIT_S)[0]
    assert ready, "uvicorn did not close the idle connection"


def test_the_client_sends_on_its_own_transport_and_reuses_the_connection(kube, server, app):
    with kube.Client(server[1], token="t0ken") as client:
        assert type(client._transport).__name__ == "HTTPClientTransport"
        for method, path in (("GET", "/length"), ("GET", "/chunks"), ("POST", "/length")):
            client._fetch(client._http_request(method, path, {}, None, {}))
    ports = {port for _, _, port in app.seen}
    assert len(app.seen) == 3 and len(ports) == 1, app.seen


def test_content_length_and_chunked_answers_are_read_whole(kube, server, app):
    with kube.Client(server[1]) as client:
        for path in ("/length", "/chunks", "/length"):
            request = client._http_request("GET", path, {}, None, {})
            assert json.loads(client._fetch(request))["path"] == path
    assert len({port for _, _, port in app.seen}) == 1


def test_a_connection_the_server_closed_while_idle_is_replaced(kube, server, app):
    with kube.Client(server[1]) as client:
        request = client._http_request("POST", "/length", {}, b"{}", {})
        client._fetch(request)
        _wait_closed_by_server(client)
        again = client._http_request("POST", "/length", {}, b"{}", {})
        client._fetch(again)  # a POST too: the closed connection was noticed before use
    assert [method for method, _, _ in app.seen] == ["POST", "POST"]
    assert app.seen[0][2] != app.seen[1][2]


def test_a_stale_connection_is_retried_for_idempotent_requests_only(
    kube, server, app, transport_module, monkeypatch
):
    # Pretend the server's close went unnoticed (it raced the check): the request goes out
    # on a dead connection. A GET is tried again on a new one; a POST is not, since it may
    # have been acted on.
    monkeypatch.setattr(transport_module, "_dropped", lambda connection: False)
    with kube.Client(server[1]) as client:
        client._fetch(client._http_request("GET", "/length", {}, None, {}))
        _wait_closed_by_server(client)
        client._fetch(client._http_request("GET", "/length", {}, None, {}))
        assert [method for method, _, _ in app.seen] == ["GET", "GET"]
        _wait_closed_by_server(client)
        with pytest.raises(httpx.RemoteProtocolError, match="disconnected"):
            client._fetch(client._http_request("POST", "/length", {}, b"{}", {}))
    assert [method for method, _, _ in app.seen] == ["GET", "GET"]


def test_a_body_shorter_than_its_length_is_an_error_not_a_short_answer(kube, server, app):
    with kube.Client(server[1]) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client._fetch(client._http_request("GET", "/short", {}, None, {}))
        assert not client._transport._idle  # that connection is not used again
        client._fetch(client._http_request("GET", "/length", {}, None, {}))


def test_the_size_cap_holds_on_the_plain_path(kube, server, app):
    limits = kube.Limits(max_response_bytes=1000)
    with kube.Client(server[1], limits=limits) as client:
        with pytest.raises(kube.ResponseTooLarge, match="1000 bytes"):
            client._fetch(client._http_request("GET", "/big", {}, None, {}))
        assert not client._transport._idle  # its body was not read: closed, not reused
        assert json.loads(client._fetch(client._http_request("GET", "/length", {}, None, {})))


def test_other_origins_go_to_the_fallback_transport_never_on_these_connections(
    transport_module, server, app
):
    sent: list[httpx.Request] = []

    def elsewhere(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    transport = transport_module.HTTPClientTransport(server[1], httpx.MockTransport(elsewhere))
    try:
        other = server[1].replace("127.0.0.1", "localhost")
        assert transport.handle_request(httpx.Request("GET", other + "/length")).status_code == 204
        own = transport.handle_request(httpx.Request("GET", server[1] + "/length"))
        assert own.status_code == 200 and json.loads(own.read())["path"] == "/length"
    finally:
        transport.close()
    assert [str(request.url.host) for request in sent] == ["localhost"]
    assert [path for _, path, _ in app.seen] == ["/length"]


def test_tls_with_the_clients_context_and_keep_alive(kube, tmp_path: Path):
    cert, key = self_signed_certificate(tmp_path / "cert.pem", tmp_path / "key.pem")
    app = Recorder()
    with serve(app, Tls(str(cert), str(key))) as url:
        with kube.Client(url, verify=str(cert)) as client:
            for _ in range(3):
                client._fetch(client._http_request("GET", "/chunks", {}, None, {}))
        with kube.Client(url) as untrusting, pytest.raises(httpx.ConnectError):
            untrusting._fetch(untrusting._http_request("GET", "/length", {}, None, {}))
    assert len(app.seen) == 3 and len({port for _, _, port in app.seen}) == 1


def test_a_proxy_in_the_environment_leaves_requests_to_httpx(kube, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    with kube.Client("https://127.0.0.1:6443") as client:
        assert client._transport is None


def test_a_refused_connection_is_httpxs_connect_error(kube, transport_module):
    transport = transport_module.HTTPClientTransport("http://127.0.0.1:9", httpx.HTTPTransport())
    try:
        with pytest.raises(httpx.ConnectError):
            transport.handle_request(httpx.Request("GET", "http://127.0.0.1:9/"))
    finally:
        transport.close()
