"""Real servers for the server tests, on 127.0.0.1 with an ephemeral port, over TLS.

TLS because kubectl sends a bearer token only over TLS (client-go drops the
credentials of a plain-HTTP server). A server is either the generated
server's command line in a subprocess, exactly as a user starts it, or an app
built in the test and served by uvicorn on a thread.

The server test modules import its module-scoped `files` and `server` fixtures
(as `files_fixture` and `server_fixture`, so that test parameters named `files`
and `server` shadow no import): one running server per module.
"""

from __future__ import annotations

import os
import re
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from conftest import GENERATED, ROOT
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from loopback import Tls, self_signed_certificate, serve

PACKAGE = "authentication_k8s_io_v1"
ADMIN_TOKEN = "admin-token"
ISSUER = "https://issuer.test"
API_AUDIENCES = ("https://kubernetes.default.svc", "api")
MAX_EXPIRATION = 86400
NAMESPACE = "ci"
SA_UID = "5a000000-0000-4000-8000-000000000001"
POD_UID = "123"  # as in KUBERNETES.md's sample protobuf body
NODE_UID = "40de0000-0000-4000-8000-000000000003"
SECRET_UID = "5ec00000-0000-4000-8000-000000000004"
STARTUP_SECONDS = 30

OBJECTS_YAML = f"""\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ServiceAccount
  metadata: {{name: builder, namespace: {NAMESPACE}, uid: {SA_UID}}}
- apiVersion: v1
  kind: ServiceAccount
  metadata: {{name: other, namespace: {NAMESPACE}, uid: 5a000000-0000-4000-8000-000000000009}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: p1, namespace: {NAMESPACE}, uid: "{POD_UID}"}}
  spec: {{serviceAccountName: builder, nodeName: n1, containers: [{{name: c, image: busybox}}]}}
- apiVersion: v1
  kind: Pod
  metadata: {{name: p-other, namespace: {NAMESPACE}, uid: 90d00000-0000-4000-8000-000000000005}}
  spec: {{serviceAccountName: other}}
---
apiVersion: v1
kind: Secret
metadata: {{name: s1, namespace: {NAMESPACE}, uid: {SECRET_UID}}}
type: Opaque
---
apiVersion: v1
kind: Node
metadata: {{name: n1, uid: {NODE_UID}}}
"""


@dataclass(frozen=True)
class ServerFiles:
    """What the server's command line reads: signing key, users, objects, TLS."""

    signing_key: Path
    token_auth_file: Path
    objects: Path
    tls_cert: Path
    tls_key: Path

    def arguments(self) -> list[str]:
        return [
            "--signing-key", str(self.signing_key),
            "--token-auth-file", str(self.token_auth_file),
            "--objects", str(self.objects),
            "--tls-cert", str(self.tls_cert),
            "--tls-key", str(self.tls_key),
            "--issuer", ISSUER,
            "--api-audiences", ",".join(API_AUDIENCES),
            "--max-token-expiration", str(MAX_EXPIRATION),
        ]  # fmt: skip


def write_server_files(folder: Path, algorithm: str = "ES256") -> ServerFiles:
    folder.mkdir(parents=True, exist_ok=True)
    key = (
        ec.generate_private_key(ec.SECP256R1())
        if algorithm == "ES256"
        else rsa.generate_private_key(65537, 2048)
    )
    files = ServerFiles(
        signing_key=folder / "signing.pem",
        token_auth_file=folder / "tokens.csv",
        objects=folder / "objects.yaml",
        tls_cert=folder / "tls.crt",
        tls_key=folder / "tls.key",
    )
    files.signing_key.write_bytes(_pem(key))
    files.token_auth_file.write_text(f'{ADMIN_TOKEN},admin,1000,"system:masters,dev"\n')
    files.objects.write_text(OBJECTS_YAML)
    self_signed_certificate(files.tls_cert, files.tls_key)
    return files


@dataclass(frozen=True)
class RunningServer:
    url: str
    ca: Path  # the self-signed certificate clients trust

    def client(self, token: str | None = ADMIN_TOKEN) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        trust = ssl.create_default_context(cafile=self.ca)
        return httpx.Client(base_url=self.url, verify=trust, headers=headers, timeout=30)

    def jwks(self) -> dict[str, Any]:
        # Discovery needs credentials, as kube-apiserver's does without anonymous access.
        with self.client() as client:
            return dict(client.get("/openid/v1/jwks").json())


@contextmanager
def server_process(
    files: ServerFiles, *command: str, extra: Sequence[str] = ()
) -> Iterator[RunningServer]:
    """The generated server's command line (or `command`, given the same options) in a subprocess."""
    argv = list(command) or [sys.executable, "-m", f"{PACKAGE}.server"]
    env = {**os.environ, "PYTHONPATH": str(GENERATED)}
    process = subprocess.Popen(
        [*argv, "--host", "127.0.0.1", "--port", "0", *files.arguments(), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        running = RunningServer(_wait_for_url(process), files.tls_cert)
        _wait_until_serving(running)
        yield running
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


@pytest.fixture(scope="module", name="files")
def files_fixture(tmp_path_factory: pytest.TempPathFactory) -> ServerFiles:
    """The signing key, users, objects and TLS material of the module's server."""
    return write_server_files(tmp_path_factory.mktemp("server"))


@pytest.fixture(scope="module", name="server")
def server_fixture(files: ServerFiles) -> Iterator[RunningServer]:
    """The generated server's command line with `files`, running for the whole module."""
    with server_process(files) as running:
        yield running


@contextmanager
def app_server(app: Any, files: ServerFiles) -> Iterator[RunningServer]:
    """`app` served by uvicorn on a thread."""
    with serve(app, Tls(str(files.tls_cert), str(files.tls_key))) as url:
        yield RunningServer(url, files.tls_cert)


def verify_token(token: str, jwks: dict[str, Any], audience: str) -> dict[str, Any]:
    """The claims of `token` once verified against `jwks` by PyJWT: signature, kid, iss, aud, times."""
    header = jwt.get_unverified_header(token)
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    return dict(
        jwt.decode(
            token,
            key,
            algorithms=[header["alg"]],
            audience=audience,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "nbf", "iss", "sub", "aud", "jti"]},
        )
    )


def _wait_for_url(process: subprocess.Popen[str]) -> str:
    """Read the server's log until uvicorn says where it listens (it logs the real port of port 0)."""
    assert process.stderr is not None
    lines: list[str] = []
    for _ in range(200):  # uvicorn logs a handful of lines before this one
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"running on (https?://127\.0\.0\.1:\d+)", line)
        if found:
            # Keep reading the log, so that a full pipe never blocks the server.
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return found.group(1)
    raise AssertionError("the server did not start:\n" + "".join(lines))


def _wait_until_serving(server: RunningServer) -> None:
    """With several workers uvicorn logs its address before they accept: ask until one answers."""
    with server.client() as client:
        for _ in range(STARTUP_SECONDS * 10):
            try:
                client.get("/openid/v1/jwks")
                return
            except httpx.TransportError:
                time.sleep(0.1)
    raise AssertionError(f"{server.url} never answered")


def _pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
