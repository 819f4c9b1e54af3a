"""Issue 15, item 3: `import cluster`, `diff cluster` and `check --spec-against cluster`
send the kubeconfig's credentials to the kubeconfig's server only.

Two real servers on 127.0.0.1: the kubeconfig's, whose `/openapi/v3` index points
elsewhere, and the other one, which records anything that reaches it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.conftest import run_apigen
from tests.loopback import serve

TOKEN = "secret-bearer-token"
GROUP = "apis/authentication.k8s.io/v1"


class Server:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []  # (path, Authorization header)
        self.index: dict[str, str] = {}
        self.app = Starlette(routes=[Route("/{path:path}", self.any)])

    async def any(self, request: Request) -> Response:
        self.seen.append((request.url.path, request.headers.get("authorization")))
        if request.url.path == "/openapi/v3":
            paths = {name: {"serverRelativeURL": url} for name, url in self.index.items()}
            return JSONResponse({"paths": paths})
        return Response(b"{}", media_type="application/json")


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Server, str, Server, str]]:
    cluster, other = Server(), Server()
    with serve(cluster.app) as cluster_url, serve(other.app) as other_url:
        yield cluster, cluster_url, other, other_url


@pytest.fixture
def kubeconfig(
    servers: tuple[Server, str, Server, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Server, str, Server, str]:
    cluster, cluster_url, other, _ = servers
    cluster.seen.clear()
    other.seen.clear()
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "local",
        "clusters": [{"name": "local", "cluster": {"server": cluster_url}}],
        "users": [{"name": "me", "user": {"token": TOKEN}}],
        "contexts": [{"name": "local", "context": {"cluster": "local", "user": "me"}}],
    }
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(config))
    monkeypatch.setenv("KUBECONFIG", str(path))
    return servers


def elsewhere(cluster_url: str, other_url: str) -> dict[str, str]:
    other_host = other_url.removeprefix("http://")
    cluster_port = cluster_url.rsplit(":", 1)[1]
    return {
        "absolute URL to another port": f"{other_url}/openapi/v3/{GROUP}",
        "protocol-relative": f"//{other_host}/openapi/v3/{GROUP}",
        "another scheme": f"https://127.0.0.1:{cluster_port}/openapi/v3/{GROUP}",
        "no leading slash": f"{other_host}/openapi/v3/{GROUP}",
        "backslashes": f"/\\\\{other_host}/openapi/v3/{GROUP}",
    }


def assert_refused(result: subprocess.CompletedProcess[str], other: Server) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    stderr = result.stderr
    assert len(stderr.splitlines()) == 1 and "refusing index entry" in stderr, stderr
    assert "Traceback" not in stderr and TOKEN not in stderr
    assert other.seen == []  # never reached, let alone with the token


@pytest.mark.parametrize(
    "case",
    ["absolute URL to another port", "protocol-relative", "another scheme", "no leading slash",
     "backslashes"],
)  # fmt: skip
def test_import_cluster_never_follows_an_index_entry_elsewhere(
    kubeconfig: tuple[Server, str, Server, str], case: str, tmp_path: Path
) -> None:
    cluster, cluster_url, other, other_url = kubeconfig
    cluster.index = {GROUP: elsewhere(cluster_url, other_url)[case]}
    out = tmp_path / "out.json"
    result = run_apigen(
        "import", "cluster", "--kind", "TokenRequest",
        "--group-version", "authentication.k8s.io/v1", "-o", out,
    )  # fmt: skip
    assert_refused(result, other)
    assert not out.exists()
    assert cluster.seen == [("/openapi/v3", f"Bearer {TOKEN}")]


def test_diff_and_check_against_the_cluster_refuse_it_too(
    kubeconfig: tuple[Server, str, Server, str],
) -> None:
    cluster, cluster_url, other, other_url = kubeconfig
    cluster.index = {GROUP: f"{other_url}/openapi/v3/{GROUP}", "api/v1": f"{other_url}/x"}
    assert_refused(run_apigen("diff", "cluster", "cluster"), other)
    assert_refused(run_apigen("check", "--spec-against", "cluster"), other)
