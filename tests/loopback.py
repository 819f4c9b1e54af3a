"""Servers on loopback for the tests: uvicorn in a thread on 127.0.0.1, and TLS material.

Every test that needs a real HTTP server goes through `serve`, so there is one
way to start one, one bounded wait for it, and one way to stop it.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

START_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Tls:
    """Server-side TLS: its certificate and key, and the CA whose client certificates it requires."""

    certfile: str
    keyfile: str
    client_ca: str | None = None


@contextmanager
def serve(app: Any, tls: Tls | None = None, **config: Any) -> Iterator[str]:
    """Run `app` on uvicorn at 127.0.0.1 on an ephemeral port, in a thread; yield its URL.
    `config`: more options of `uvicorn.Config` (such as `timeout_keep_alive`)."""
    # IPPROTO_TCP named, so asyncio sets TCP_NODELAY on accepted connections (it checks proto).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    options: dict[str, Any] = {}
    if tls is not None:
        options = {"ssl_certfile": tls.certfile, "ssl_keyfile": tls.keyfile}
        if tls.client_ca:
            options |= {"ssl_ca_certs": tls.client_ca, "ssl_cert_reqs": ssl.CERT_REQUIRED}
    settings = uvicorn.Config(
        app, log_level="warning", lifespan="off", access_log=False, **options, **config
    )
    server = uvicorn.Server(settings)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)
        sock.close()


def self_signed_certificate(cert_path: Path, key_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that is its own CA, and its key, written as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
