"""The `cluster` and URL sources, against a local stand-in for kube-apiserver on 127.0.0.1.

The stand-in serves the 1.35 upstream document at kube-apiserver's paths:
`/openapi/v2` as published, and `/openapi/v3` as an index of one OpenAPI v3
document per group-version (made here from the v2 one, with described refs
wrapped in `allOf` as kube-apiserver writes them). It wants a bearer token, so
the kubeconfig's credentials are exercised too. It also serves the gzipped v2
document as a plain download, for the http(s) URL source, and once over TLS
with a throwaway certificate that the kubeconfig names as its CA.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_apigen, upstream_path
from loopback import Tls, self_signed_certificate, serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from generator.drift.fetch import cluster_access
from generator.errors import ApigenError
from generator.spec.convert import swagger2_to_openapi3

TOKEN = "test-token"


def allof_wrapped(node: Any) -> Any:
    """`{$ref, description}` as kube-apiserver's v3 documents write it:
    `{allOf: [{$ref}], description, default: {}}` (the Go zero value)."""
    if isinstance(node, list):
        return [allof_wrapped(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: allof_wrapped(v) for k, v in node.items()}
    if "$ref" in out and len(out) > 1:
        out["allOf"] = [{"$ref": out.pop("$ref")}]
        out["default"] = {}
    return out


def per_group_version(v2: dict[str, Any]) -> dict[str, bytes]:
    """Index name ("api/v1", "apis/G/V") -> its v3 document."""
    v3 = allof_wrapped(swagger2_to_openapi3(v2, "upstream"))
    documents: dict[str, dict[str, Any]] = {}
    for path, item in v3["paths"].items():
        parts = path.strip("/").split("/")
        name = "/".join(parts[:2] if parts[0] == "api" else parts[:3])
        document = documents.setdefault(name, {**v3, "paths": {}})
        document["paths"][path] = item
    return {name: json.dumps(doc).encode() for name, doc in documents.items()}


class FakeApiServer:
    def __init__(self, v2_bytes: bytes):
        self.v2 = v2_bytes
        self.v3 = per_group_version(json.loads(v2_bytes))
        self.serve_v3 = True
        self.requests: list[str] = []
        self.app = Starlette(
            routes=[
                Route("/openapi/v2", self.openapi_v2),
                Route("/openapi/v3", self.openapi_v3_index),
                Route("/openapi/v3/{name:path}", self.openapi_v3_document),
                Route("/public/swagger.json.gz", self.public_gzip),
            ]
        )

    def authorized(self, request: Request) -> bool:
        self.requests.append(request.url.path)
        return request.headers.get("authorization") == f"Bearer {TOKEN}"

    async def openapi_v2(self, request: Request) -> Response:
        if not self.authorized(request):
            return JSONResponse({"kind": "Status", "code": 401}, status_code=401)
        return Response(self.v2, media_type="application/json")

    async def public_gzip(self, request: Request) -> Response:
        """A plain download, as from a release page: no credentials, gzip bytes."""
        return Response(gzip.compress(self.v2, 1), media_type="application/gzip")

    async def openapi_v3_index(self, request: Request) -> Response:
        if not self.authorized(request):
            return JSONResponse({"kind": "Status", "code": 401}, status_code=401)
        if not self.serve_v3:
            return JSONResponse({"kind": "Status", "code": 404}, status_code=404)
        paths = {name: {"serverRelativeURL": f"/openapi/v3/{name}?hash=0A1B"} for name in self.v3}
        return JSONResponse({"paths": paths})

    async def openapi_v3_document(self, request: Request) -> Response:
        name = request.path_params["name"]
        if not self.authorized(request) or name not in self.v3 or not self.serve_v3:
            return JSONResponse({"kind": "Status", "code": 404}, status_code=404)
        return Response(self.v3[name], media_type="application/json")


@pytest.fixture(scope="module")
def apiserver() -> Iterator[tuple[FakeApiServer, str]]:
    fake = FakeApiServer(gzip.decompress(upstream_path("1.35").read_bytes()))
    with serve(fake.app) as url:
        yield fake, url


@pytest.fixture
def kubeconfig(
    apiserver: tuple[FakeApiServer, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> FakeApiServer:
    fake, url = apiserver
    fake.requests.clear()
    fake.serve_v3 = True
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "local",
        "clusters": [
            {"name": "local", "cluster": {"server": url}},
            {
                "name": "elsewhere",
                "cluster": {"server": "http://127.0.0.1:9", "insecure-skip-tls-verify": True},
            },
        ],
        "users": [
            {"name": "tester", "user": {"token": TOKEN}},
            {"name": "file-tester", "user": {"tokenFile": str(token_file)}},
            {"name": "stranger", "user": {"token": "wrong"}},
        ],
        "contexts": [
            {"name": "local", "context": {"cluster": "local", "user": "tester"}},
            {"name": "local-file", "context": {"cluster": "local", "user": "file-tester"}},
            {"name": "intruder", "context": {"cluster": "local", "user": "stranger"}},
            {"name": "far", "context": {"cluster": "elsewhere", "user": "tester"}},
        ],
    }
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(config))  # JSON is YAML: kubectl reads it too
    monkeypatch.setenv("KUBECONFIG", str(path))
    return fake


def test_cluster_import_reads_the_group_version_document_of_openapi_v3(
    kubeconfig: FakeApiServer, tmp_path: Path
) -> None:
    from_cluster, from_file = tmp_path / "cluster.openapi.json", tmp_path / "file.openapi.json"
    args = ("--kind", "TokenRequest", "--group-version", "authentication.k8s.io/v1")
    result = run_apigen("import", "cluster", *args, "-o", from_cluster)
    assert result.returncode == 0, result.stderr
    # TokenRequest's schema is authentication.k8s.io/v1, its operation a core subresource.
    assert kubeconfig.requests == [
        "/openapi/v3",
        "/openapi/v3/apis/authentication.k8s.io/v1",
        "/openapi/v3/api/v1",
    ]
    assert run_apigen("import", upstream_path("1.35"), *args, "-o", from_file).returncode == 0
    assert from_cluster.read_bytes() == from_file.read_bytes()  # v3 allOf and v2 $ref import alike


def test_other_kinds_come_from_their_own_group_document(
    kubeconfig: FakeApiServer, tmp_path: Path
) -> None:
    out = tmp_path / "tokenreview.openapi.json"
    result = run_apigen(
        "import", "cluster", "--kind", "TokenReview", "--group-version", "authentication.k8s.io/v1",
        "--context", "local-file", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert kubeconfig.requests == ["/openapi/v3", "/openapi/v3/apis/authentication.k8s.io/v1"]
    assert list(json.loads(out.read_text())["paths"]) == [
        "/apis/authentication.k8s.io/v1/tokenreviews"
    ]


def test_falls_back_to_openapi_v2(kubeconfig: FakeApiServer, tmp_path: Path) -> None:
    kubeconfig.serve_v3 = False
    out = tmp_path / "tokenrequest.openapi.json"
    result = run_apigen("import", "cluster", "--kind", "TokenRequest", "-o", out)
    assert result.returncode == 0, result.stderr
    assert kubeconfig.requests == ["/openapi/v3", "/openapi/v2"]
    assert "TokenRequest" in json.loads(out.read_text())["components"]["schemas"]


def test_diff_against_the_cluster(kubeconfig: FakeApiServer) -> None:
    result = run_apigen("diff", upstream_path("1.35"), "cluster", "--fail-on", "any")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no changes to the TokenRequest closure" in result.stdout
    drift = run_apigen(
        "diff", upstream_path("1.36"), "cluster", "--format", "json", "--fail-on", "none"
    )
    assert json.loads(drift.stdout)["summary"]["breaking"] == 4  # the required lists came back


def test_bad_credentials_and_unreachable_servers_are_errors(
    kubeconfig: FakeApiServer, tmp_path: Path
) -> None:
    out = tmp_path / "x.openapi.json"
    refused = run_apigen(
        "import", "cluster", "--kind", "TokenRequest", "--context", "intruder", "-o", out
    )
    assert refused.returncode == 2
    assert "/openapi/v2: cannot fetch: HTTP 401" in refused.stderr
    far = run_apigen("import", "cluster", "--kind", "TokenRequest", "--context", "far", "-o", out)
    assert far.returncode == 2 and "cannot reach the cluster" in far.stderr
    unknown = run_apigen(
        "import", "cluster", "--kind", "TokenRequest", "--context", "nope", "-o", out
    )
    assert unknown.returncode == 2 and "no context named 'nope'" in unknown.stderr
    assert not out.exists()


def test_url_sources(apiserver: tuple[FakeApiServer, str], tmp_path: Path) -> None:
    _, url = apiserver
    out = tmp_path / "tokenrequest.openapi.json"
    result = run_apigen(
        "import", f"{url}/public/swagger.json.gz", "--kind", "TokenRequest", "-o", out
    )
    assert result.returncode == 0, result.stderr
    assert "TokenRequest" in json.loads(out.read_text())["components"]["schemas"]
    missing = run_apigen("diff", out, f"{url}/public/absent.json")
    assert missing.returncode == 2
    assert f"{url}/public/absent.json: cannot fetch: HTTP 404" in missing.stderr


def test_kubeconfig_access(kubeconfig: FakeApiServer) -> None:
    local = cluster_access()
    assert local.token == TOKEN and local.server.startswith("http://127.0.0.1:")
    assert cluster_access("local-file").token == TOKEN
    assert cluster_access("far").verify is False
    with pytest.raises(ApigenError, match="no context named 'nope'"):
        cluster_access("nope")


def test_unusable_credentials_are_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = {
        "current-context": "c",
        "clusters": [
            {
                "name": "c",
                "cluster": {
                    "server": "https://127.0.0.1:6443",
                    "certificate-authority-data": "bm90IGEgY2VydA==",
                },
            }
        ],
        "users": [{"name": "u", "user": {"tokenFile": str(tmp_path / "absent")}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
    }
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(config))
    monkeypatch.setenv("KUBECONFIG", str(path))
    with pytest.raises(ApigenError, match="cannot use the credentials of context 'c'"):
        cluster_access()


def test_tls_with_the_kubeconfig_certificate_authority(
    apiserver: tuple[FakeApiServer, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, _ = apiserver
    cert, key = self_signed_certificate(tmp_path / "tls.crt", tmp_path / "tls.key")
    ca_data = base64.b64encode(cert.read_bytes()).decode()
    with serve(fake.app, Tls(str(cert), str(key))) as url:
        config = {
            "current-context": "tls",
            "clusters": [
                {
                    "name": "tls",
                    "cluster": {
                        "server": url,
                        "certificate-authority-data": ca_data,
                    },
                },
                {"name": "untrusted", "cluster": {"server": url}},
            ],
            "users": [{"name": "tester", "user": {"token": TOKEN}}],
            "contexts": [
                {"name": "tls", "context": {"cluster": "tls", "user": "tester"}},
                {"name": "untrusted", "context": {"cluster": "untrusted", "user": "tester"}},
            ],
        }
        path = tmp_path / "kubeconfig"
        path.write_text(json.dumps(config))
        monkeypatch.setenv("KUBECONFIG", str(path))
        out = tmp_path / "tokenrequest.openapi.json"
        result = run_apigen("import", "cluster", "--kind", "TokenRequest", "-o", out)
        assert result.returncode == 0, result.stderr
        refused = run_apigen(
            "import", "cluster", "--kind", "TokenRequest", "--context", "untrusted", "-o", out
        )
        assert refused.returncode == 2 and "CERTIFICATE_VERIFY_FAILED" in refused.stderr


def test_unreadable_kubeconfigs_are_errors_that_name_the_file(tmp_path: Path) -> None:
    absent = tmp_path / "absent"
    with pytest.raises(ApigenError, match=f"^{absent}: no such file$"):
        cluster_access(path=absent)
    broken = tmp_path / "broken"
    broken.write_text("contexts: [\n")
    with pytest.raises(ApigenError, match=f"^{broken}: invalid YAML at line 2"):
        cluster_access(path=broken)
    listed = tmp_path / "listed"
    listed.write_text("- not\n- a mapping\n")
    with pytest.raises(ApigenError, match=f"^{listed}: not a kubeconfig$"):
        cluster_access(path=listed)


def test_tls_client_certificates_from_files_and_from_data(
    apiserver: tuple[FakeApiServer, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that requires a client certificate: kubeconfig's `client-certificate(-data)`."""
    fake, _ = apiserver
    cert, key = self_signed_certificate(tmp_path / "tls.crt", tmp_path / "tls.key")
    data = {
        "client-certificate-data": base64.b64encode(cert.read_bytes()).decode(),
        "client-key-data": base64.b64encode(key.read_bytes()).decode(),
    }
    files = {"client-certificate": str(cert), "client-key": str(key)}
    with serve(fake.app, Tls(str(cert), str(key), client_ca=str(cert))) as url:
        cluster = {"server": url, "certificate-authority": str(cert)}
        users = {"data": {**data, "token": TOKEN}, "files": {**files, "token": TOKEN}}
        users["anonymous"] = {"token": TOKEN}
        config = {
            "clusters": [{"name": "tls", "cluster": cluster}],
            "users": [{"name": name, "user": user} for name, user in users.items()],
            "contexts": [
                {"name": name, "context": {"cluster": "tls", "user": name}} for name in users
            ],
        }
        path = tmp_path / "kubeconfig"
        path.write_text(json.dumps(config))
        monkeypatch.setenv("KUBECONFIG", str(path))
        out = tmp_path / "tokenrequest.openapi.json"
        for context in ("data", "files"):
            result = run_apigen(
                "import", "cluster", "--kind", "TokenRequest", "--context", context, "-o", out
            )
            assert result.returncode == 0, result.stderr
            assert "TokenRequest" in json.loads(out.read_text())["components"]["schemas"]
            out.unlink()
        refused = run_apigen(
            "import", "cluster", "--kind", "TokenRequest", "--context", "anonymous", "-o", out
        )
        assert refused.returncode == 2 and "cannot reach the cluster" in refused.stderr
        assert not out.exists()


def test_a_garbled_openapi_v3_index_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def garbled(request: Request) -> Response:
        return Response(b"{not json", media_type="application/json")

    with serve(Starlette(routes=[Route("/openapi/v3", garbled)])) as url:
        config = {
            "current-context": "c",
            "clusters": [{"name": "c", "cluster": {"server": url}}],
            "contexts": [{"name": "c", "context": {"cluster": "c"}}],
        }
        path = tmp_path / "kubeconfig"
        path.write_text(json.dumps(config))
        monkeypatch.setenv("KUBECONFIG", str(path))
        out = tmp_path / "x.openapi.json"
        result = run_apigen("import", "cluster", "--kind", "TokenRequest", "-o", out)
    assert result.returncode == 2
    assert f"{url}/openapi/v3: invalid JSON at line 1" in result.stderr
    assert not out.exists()


def test_relative_files_resolve_against_the_kubeconfig_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kube"
    folder.mkdir()
    (folder / "token").write_text(TOKEN + "\n")
    self_signed_certificate(folder / "ca.crt", folder / "ca.key")
    config = {
        "current-context": "c",
        "clusters": [
            {
                "name": "c",
                "cluster": {"server": "https://127.0.0.1:6443/", "certificate-authority": "ca.crt"},
            }
        ],
        "users": [{"name": "u", "user": {"tokenFile": "token"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
    }
    (folder / "config").write_text(json.dumps(config))
    monkeypatch.chdir(tmp_path)  # not the kubeconfig's folder
    access = cluster_access(path=folder / "config")
    assert access.token == TOKEN and access.server == "https://127.0.0.1:6443"
    assert access.verify is not False
