"""Connecting the generated client: kubeconfig variants, TLS with client certificates, in-cluster.

The CA, server and client certificates are made by the fixtures with `cryptography`;
the servers are real uvicorn on 127.0.0.1, with TLS, requiring client certificates
where the test says so.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import os
import ssl
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fake_apiserver import FakeApiServer
from loopback import Tls, serve

# --- Certificates ----------------------------------------------------------------------


@dataclass(frozen=True)
class Pem:
    cert: bytes
    key: bytes

    def write(self, folder: Path, name: str) -> tuple[Path, Path]:
        cert, key = folder / f"{name}.crt", folder / f"{name}.key"
        cert.write_bytes(self.cert)
        key.write_bytes(self.key)
        return cert, key


def _issue(
    subject: str, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None, **kind: Any
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer[0].subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if kind.get("sans"):
        builder = builder.add_extension(x509.SubjectAlternativeName(kind["sans"]), critical=False)
    cert = builder.sign(issuer[1] if issuer else key, hashes.SHA256())
    return cert, key


def _pem(cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Pem:
    return Pem(
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


@dataclass(frozen=True)
class Pki:
    ca: Pem
    server: Pem  # valid for 127.0.0.1
    named_server: Pem  # valid only for the DNS name kube.test
    client: Pem


@pytest.fixture(scope="module")
def pki() -> Pki:
    ca = _issue("test-ca", None)
    server = _issue("apiserver", ca, sans=[x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    named = _issue("apiserver", ca, sans=[x509.DNSName("kube.test")])
    client = _issue("system:admin", ca)
    return Pki(_pem(*ca), _pem(*server), _pem(*named), _pem(*client))


@pytest.fixture(scope="module")
def pki_dir(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pki")
    (folder / "ca.crt").write_bytes(pki.ca.cert)
    for name in ("server", "named_server", "client"):
        getattr(pki, name).write(folder, name)
    return folder


@pytest.fixture(scope="module")
def mtls_server(pki_dir: Path) -> Iterator[tuple[FakeApiServer, str]]:
    """TLS that requires a client certificate signed by the test CA."""
    fake = FakeApiServer()
    tls = Tls(
        str(pki_dir / "server.crt"), str(pki_dir / "server.key"), client_ca=str(pki_dir / "ca.crt")
    )
    with serve(fake, tls) as url:
        yield fake, url


@pytest.fixture(scope="module")
def named_server(pki_dir: Path) -> Iterator[tuple[FakeApiServer, str]]:
    """TLS whose certificate names kube.test, not the address it listens on."""
    fake = FakeApiServer()
    with serve(
        fake, Tls(str(pki_dir / "named_server.crt"), str(pki_dir / "named_server.key"))
    ) as url:
        yield fake, url


# --- Kubeconfig ------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def kubeconfig(
    path: Path,
    *,
    clusters: dict[str, dict],
    users: dict[str, dict],
    contexts: dict[str, dict],
    current: str = "",
) -> Path:
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": n, "cluster": c} for n, c in clusters.items()],
        "users": [{"name": n, "user": u} for n, u in users.items()],
        "contexts": [{"name": n, "context": c} for n, c in contexts.items()],
    }
    if current:
        document["current-context"] = current
    path.write_text(yaml.safe_dump(document))
    return path


def test_client_certificate_data_over_tls_with_a_ca(kube, pki, mtls_server, tmp_path):
    fake, url = mtls_server
    config = kubeconfig(
        tmp_path / "config",
        clusters={"prod": {"server": url, "certificate-authority-data": _b64(pki.ca.cert)}},
        users={
            "admin": {
                "client-certificate-data": _b64(pki.client.cert),
                "client-key-data": _b64(pki.client.key),
            }
        },
        contexts={"prod": {"cluster": "prod", "user": "admin", "namespace": "team-a"}},
        current="prod",
    )
    with kube.Client.from_kubeconfig(config) as client:
        assert client.namespace == "team-a"
        assert client.create_token("builder").metadata.namespace == "team-a"
    assert "authorization" not in fake.requests[-1].headers


def test_certificate_data_passes_through_a_private_file_deleted_at_once(
    kube, pki, tmp_path, monkeypatch
):
    """`ssl` loads a key only from a file: a 0600 one, gone as soon as it is loaded."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    loaded: list[tuple[bool, int]] = []
    load_cert_chain = ssl.SSLContext.load_cert_chain

    def recording(context, certfile, keyfile=None, password=None):
        path = Path(certfile)
        loaded.append((path.is_relative_to(scratch), stat.S_IMODE(path.stat().st_mode)))
        return load_cert_chain(context, certfile, keyfile, password)

    monkeypatch.setattr(ssl.SSLContext, "load_cert_chain", recording)
    config = kubeconfig(
        tmp_path / "config",
        clusters={"c": {"server": "https://127.0.0.1:1"}},
        users={
            "admin": {
                "client-certificate-data": _b64(pki.client.cert),
                "client-key-data": _b64(pki.client.key),
            }
        },
        contexts={"c": {"cluster": "c", "user": "admin"}},
        current="c",
    )
    kube.load_kubeconfig(config)
    assert loaded == [(True, 0o600)]
    assert list(scratch.iterdir()) == []


def test_client_certificate_files_relative_to_the_kubeconfig(kube, pki_dir, mtls_server):
    config = kubeconfig(
        pki_dir / "kubeconfig",
        clusters={"prod": {"server": mtls_server[1], "certificate-authority": "ca.crt"}},
        users={"admin": {"client-certificate": "client.crt", "client-key": "client.key"}},
        contexts={"prod": {"cluster": "prod", "user": "admin"}},
        current="prod",
    )
    with kube.Client.from_kubeconfig(config) as client:
        assert client.create_token("builder").metadata.namespace == "default"


def test_tls_is_verified_by_default_and_a_client_certificate_is_required(
    kube, pki, mtls_server, tmp_path, caplog
):
    """And a failed handshake is not retried: a bad certificate stays bad."""
    caplog.set_level("INFO")
    unknown_ca = kubeconfig(
        tmp_path / "a",
        clusters={"c": {"server": mtls_server[1]}},
        users={},
        contexts={"c": {"cluster": "c"}},
        current="c",
    )
    with (
        kube.Client.from_kubeconfig(unknown_ca) as client,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        client.create_token("builder")
    without_cert = kubeconfig(
        tmp_path / "b",
        clusters={"c": {"server": mtls_server[1], "certificate-authority-data": _b64(pki.ca.cert)}},
        users={},
        contexts={"c": {"cluster": "c"}},
        current="c",
    )
    with (
        kube.Client.from_kubeconfig(without_cert) as client,
        pytest.raises(httpx.TransportError),
    ):
        client.create_token("builder")
    assert "retrying" not in caplog.text


def test_tls_server_name_and_insecure_skip_tls_verify(kube, pki, named_server, tmp_path):
    url = named_server[1]
    config = kubeconfig(
        tmp_path / "config",
        clusters={
            "named": {
                "server": url,
                "certificate-authority-data": _b64(pki.ca.cert),
                "tls-server-name": "kube.test",
            },
            "wrong-name": {"server": url, "certificate-authority-data": _b64(pki.ca.cert)},
            "insecure": {"server": url, "insecure-skip-tls-verify": True},
        },
        users={"u": {"token": "t"}},
        contexts={
            name: {"cluster": name, "user": "u"} for name in ("named", "wrong-name", "insecure")
        },
    )
    for context in ("named", "insecure"):
        with kube.Client.from_kubeconfig(config, context) as client:
            assert client.create_token("builder").status.token
    with (
        kube.Client.from_kubeconfig(config, "wrong-name") as client,
        pytest.raises(httpx.ConnectError, match="match"),
    ):
        client.create_token("builder")


def test_kubeconfig_files_merge_as_kubectl_merges_them(kube, tmp_path, monkeypatch):
    (tmp_path / "tokens").mkdir()
    (tmp_path / "tokens" / "dev").write_text("dev-token\n")
    first = kubeconfig(
        tmp_path / "first",
        clusters={"dev": {"server": "http://127.0.0.1:1"}},
        users={"dev": {"tokenFile": "tokens/dev", "token": "stale"}},  # the file wins
        contexts={"dev": {"cluster": "dev", "user": "dev", "namespace": "first"}},
        current="dev",
    )
    second = kubeconfig(
        tmp_path / "second",
        clusters={"dev": {"server": "http://ignored"}, "prod": {"server": "https://127.0.0.1:2"}},
        users={"prod": {"token": "prod-token"}},
        contexts={
            "dev": {"cluster": "prod", "namespace": "second"},
            "prod": {"cluster": "prod", "user": "prod"},
        },
        current="prod",
    )
    monkeypatch.setenv(
        "KUBECONFIG", os.pathsep.join([str(first), str(tmp_path / "missing"), str(second)])
    )
    dev = kube.load_kubeconfig()
    assert (dev.base_url, dev.namespace) == ("http://127.0.0.1:1", "first")
    assert (dev.token_file, dev.token) == (str(tmp_path / "tokens" / "dev"), None)
    prod = kube.load_kubeconfig(context="prod")
    assert (prod.base_url, prod.token, prod.namespace) == (
        "https://127.0.0.1:2",
        "prod-token",
        "default",
    )
    assert "prod-token" not in repr(prod)


@pytest.mark.parametrize(
    "plugin", [{"exec": {"command": "aws"}}, {"auth-provider": {"name": "oidc"}}]
)
def test_exec_and_auth_provider_users_are_a_clear_error(kube, tmp_path, plugin):
    config = kubeconfig(
        tmp_path / "config",
        clusters={"c": {"server": "https://127.0.0.1:1"}},
        users={"eks": plugin},
        contexts={"c": {"cluster": "c", "user": "eks"}},
        current="c",
    )
    with pytest.raises(
        kube.ConfigError, match=f'user "eks" authenticates with "{next(iter(plugin))}".*not support'
    ):
        kube.Client.from_kubeconfig(config)


def test_missing_files_and_unknown_contexts_are_clear_errors(kube, tmp_path):
    with pytest.raises(kube.ConfigError, match="no kubeconfig found"):
        kube.Client.from_kubeconfig(tmp_path / "nope")
    config = kubeconfig(tmp_path / "config", clusters={}, users={}, contexts={})
    with pytest.raises(kube.ConfigError, match="no current-context"):
        kube.Client.from_kubeconfig(config)
    with pytest.raises(kube.ConfigError, match='no context named "other"'):
        kube.Client.from_kubeconfig(config, "other")
    missing_ca = kubeconfig(
        tmp_path / "missing-ca",
        clusters={"c": {"server": "https://127.0.0.1:1", "certificate-authority": "gone.crt"}},
        users={},
        contexts={"c": {"cluster": "c"}},
        current="c",
    )
    with pytest.raises(kube.ConfigError, match="cannot read certificate-authority .*gone.crt"):
        kube.Client.from_kubeconfig(missing_ca)


# --- In cluster -----------------------------------------------------------------------


def test_in_cluster_reads_the_mount_and_rereads_a_rotated_token(
    kube, pki, mtls_server, tmp_path, monkeypatch
):
    """The pod's CA verifies the server; a rotated token is sent from the next request on."""
    fake, url = mtls_server
    host, port = url.removeprefix("https://").split(":")
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", host)
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", port)
    mount = tmp_path / "serviceaccount"
    mount.mkdir()
    (mount / "ca.crt").write_bytes(pki.ca.cert)
    (mount / "namespace").write_text("kube-system")
    (mount / "token").write_text("first-token")
    # The test server also wants a client certificate; a real API server takes the token alone.
    cert = pki.client.write(tmp_path, "client")
    with kube.Client.in_cluster(mount, cert=cert) as client:
        assert client.namespace == "kube-system"
        client.create_token("builder")
        (mount / "token").write_text("second-token-rotated")
        client.create_token("builder")
    assert [r.headers["authorization"] for r in fake.requests[-2:]] == [
        "Bearer first-token",
        "Bearer second-token-rotated",
    ]
    assert all(r.path.startswith("/api/v1/namespaces/kube-system/") for r in fake.requests[-2:])


def test_in_cluster_outside_a_cluster_is_a_clear_error(kube, tmp_path, monkeypatch):
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(kube.ConfigError, match="not in a cluster"):
        kube.Client.in_cluster(tmp_path)
