"""Where an API server is, how to trust and authenticate to it, and what one answer
may cost.

`load_kubeconfig` reads kubeconfig files as kubectl does, `in_cluster_connection`
a pod's service-account mount; both give a `Connection`, the keyword arguments
of the clients in `client`. TLS contexts and the bearer token live here too, and
the bounds of every request: `Retry` (how often, how long between tries),
`Limits` (how many bytes an answer may have) and `Deadline` (one wall-clock
budget for the whole request, not one per read).
"""

from __future__ import annotations

import base64
import importlib
import math
import os
import random
import re
import ssl
import tempfile
import time
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


class ConfigError(Exception):
    """A kubeconfig, or an in-cluster environment, that this client cannot use."""


# --- Credentials and TLS -------------------------------------------------------------


class BearerToken(httpx.Auth):
    """`Authorization: Bearer ...`, from a string or from a file re-read when it changes.

    Projected service-account tokens rotate on disk, so the file's identity
    (inode, size, modification time) is checked before each request.
    """

    def __init__(self, token: str | None, token_file: str | Path | None) -> None:
        self._token = token or ""
        self._file = Path(token_file) if token_file else None
        self._seen: tuple[int, int, int] | None = None

    def __repr__(self) -> str:
        return f"<bearer token from {self._file}>" if self._file else "<bearer token>"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._current()}"
        yield request

    def header(self) -> bytes:
        """The `Authorization` header's value."""
        return f"Bearer {self._current()}".encode("ascii")

    def _current(self) -> str:
        if self._file is not None:
            stat = self._file.stat()
            identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            if identity != self._seen:
                self._token, self._seen = self._file.read_text().strip(), identity
        return self._token


def ssl_context(
    verify: bool | str | Path | ssl.SSLContext = True,
    cert: str | Path | tuple[str | Path, str | Path] | None = None,
    *,
    ca_data: str | None = None,
) -> ssl.SSLContext:
    """An SSL context: `verify` False, True (system CAs), a CA file or a ready context;
    `cert` a PEM file holding certificate and key, or a (certificate, key) pair;
    `ca_data` PEM text of CAs to trust (instead of the system's)."""
    if isinstance(verify, ssl.SSLContext):
        context = verify
    elif verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif ca_data is not None:
        context = ssl.create_default_context(cadata=ca_data)
    else:
        context = ssl.create_default_context(cafile=None if verify is True else str(verify))
    if cert is not None:
        certfile, keyfile = cert if isinstance(cert, tuple) else (cert, None)
        context.load_cert_chain(str(certfile), str(keyfile) if keyfile else None)
    return context


def _load_cert_data(context: ssl.SSLContext, cert_pem: bytes, key_pem: bytes) -> None:
    """Load an in-memory certificate and key: `ssl` reads them only from a file, so
    they pass through a private (0600) temporary file that is removed at once."""
    with tempfile.TemporaryDirectory(prefix="kubeclient-") as folder:
        path = Path(folder) / "client.pem"
        path.touch(mode=0o600)
        path.write_bytes(cert_pem.rstrip(b"\n") + b"\n" + key_pem)
        context.load_cert_chain(str(path))


# --- Where to connect: kubeconfig and in-cluster ------------------------------------


@dataclass(frozen=True)
class Connection:
    """Where an API server is and how to authenticate to it: what a kubeconfig
    context or a pod's service-account mount says."""

    base_url: str
    namespace: str = "default"
    token: str | None = field(default=None, repr=False)
    token_file: str | None = None
    verify: bool | str | ssl.SSLContext = True
    tls_server_name: str | None = None

    def options(self) -> dict[str, Any]:
        """Keyword arguments of `Client` and `AsyncClient`."""
        return {
            "token": self.token,
            "token_file": self.token_file,
            "verify": self.verify,
            "namespace": self.namespace,
            "tls_server_name": self.tls_server_name,
        }


def kubeconfig_paths(path: str | Path | None = None) -> list[Path]:
    """The files kubectl would read: `path`, else each of `KUBECONFIG`, else ~/.kube/config."""
    if path is not None:
        return [Path(path).expanduser()]
    listed = [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    return [Path(p).expanduser() for p in listed] or [Path.home() / ".kube" / "config"]


def _yaml() -> Any:
    """PyYAML, imported only when a kubeconfig is read: the rest of the client needs only
    httpx. Imported by name, so that type-checking a project without PyYAML passes too."""
    try:
        return importlib.import_module("yaml")
    except ImportError:
        raise ConfigError("reading a kubeconfig needs PyYAML: pip install pyyaml") from None


@dataclass
class _Kubeconfig:
    """Several kubeconfig files merged as kubectl does: for each name the first
    definition wins, and so does the first `current-context`. Each entry keeps
    the folder of its file, against which its relative paths resolve."""

    current_context: str = ""
    sections: dict[str, dict[str, tuple[dict[str, Any], Path]]] = field(
        default_factory=lambda: {"clusters": {}, "users": {}, "contexts": {}}
    )

    def merge(self, path: Path) -> None:
        yaml = _yaml()
        try:
            document = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ConfigError(f"cannot read kubeconfig {path}: {error}") from error
        if not isinstance(document, dict):
            raise ConfigError(f"kubeconfig {path} is not a mapping")
        self.current_context = self.current_context or document.get("current-context") or ""
        for section, entries in self.sections.items():
            for entry in document.get(section) or []:
                body = entry.get(section[:-1]) or {}
                entries.setdefault(entry.get("name", ""), (body, path.parent))

    def entry(self, section: str, name: str) -> tuple[dict[str, Any], Path]:
        try:
            return self.sections[section][name]
        except KeyError:
            raise ConfigError(f'kubeconfig has no {section[:-1]} named "{name}"') from None


def load_kubeconfig(path: str | Path | None = None, context: str | None = None) -> Connection:
    """The connection of a kubeconfig context (by default the current one)."""
    config = _Kubeconfig()
    paths = kubeconfig_paths(path)
    existing = [p for p in paths if p.is_file()]
    if not existing or (path is not None and len(existing) < len(paths)):
        raise ConfigError(f"no kubeconfig found at {os.pathsep.join(map(str, paths))}")
    for each in existing:
        config.merge(each)
    name = context or config.current_context
    if not name:
        raise ConfigError("kubeconfig has no current-context; name a context")
    ctx, _ = config.entry("contexts", name)
    cluster, cluster_dir = config.entry("clusters", ctx.get("cluster", ""))
    user, user_dir = config.entry("users", ctx["user"]) if ctx.get("user") else ({}, Path())
    _reject_plugins(ctx.get("user", ""), user)
    if not cluster.get("server"):
        raise ConfigError(f'cluster "{ctx.get("cluster")}" has no server')
    return Connection(
        base_url=cluster["server"],
        namespace=ctx.get("namespace") or "default",
        # As in client-go, a tokenFile takes precedence over a token.
        token=None if user.get("tokenFile") else user.get("token"),
        token_file=_resolve(user.get("tokenFile"), user_dir),
        verify=_kubeconfig_tls(cluster, cluster_dir, user, user_dir),
        tls_server_name=cluster.get("tls-server-name"),
    )


def _reject_plugins(name: str, user: Mapping[str, Any]) -> None:
    for key in ("exec", "auth-provider"):
        if user.get(key):
            raise ConfigError(
                f'user "{name}" authenticates with "{key}", which this client does not '
                "support: use a token, a tokenFile or a client certificate"
            )


def _resolve(path: str | None, folder: Path) -> str | None:
    return str((folder / Path(path).expanduser()).resolve()) if path else None


def _file_or_data(entry: Mapping[str, Any], key: str, folder: Path) -> bytes | None:
    """`key-data` (base64) or the file `key` names, relative to its kubeconfig."""
    if entry.get(f"{key}-data"):
        return base64.b64decode(entry[f"{key}-data"])
    path = _resolve(entry.get(key), folder)
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {key} {path}: {error.strerror}") from error


def _kubeconfig_tls(
    cluster: Mapping[str, Any], cluster_dir: Path, user: Mapping[str, Any], user_dir: Path
) -> ssl.SSLContext:
    insecure = bool(cluster.get("insecure-skip-tls-verify"))
    ca = None if insecure else _file_or_data(cluster, "certificate-authority", cluster_dir)
    context = ssl_context(not insecure, ca_data=ca.decode() if ca else None)
    cert = _file_or_data(user, "client-certificate", user_dir)
    key = _file_or_data(user, "client-key", user_dir)
    if cert and key:
        _load_cert_data(context, cert, key)
    elif cert or key:
        raise ConfigError("a client certificate needs both client-certificate and client-key")
    return context


def in_cluster_connection(service_account_dir: str | Path = SERVICE_ACCOUNT_DIR) -> Connection:
    """The connection of a pod: `KUBERNETES_SERVICE_HOST`/`_PORT` and the mounted token,
    CA and namespace. The token file is kept as a file, so rotation is picked up."""
    host = os.environ.get("KUBERNETES_SERVICE_HOST", "")
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "")
    folder = Path(service_account_dir)
    if not host or not port:
        raise ConfigError("not in a cluster: KUBERNETES_SERVICE_HOST and _PORT are not set")
    if not (folder / "token").is_file():
        raise ConfigError(f"not in a cluster: no service-account token in {folder}")
    namespace_file = folder / "namespace"
    namespace = namespace_file.read_text().strip() if namespace_file.is_file() else ""
    return Connection(
        base_url=f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}",
        namespace=namespace or "default",
        token_file=str(folder / "token"),
        verify=str(folder / "ca.crt"),
    )


# --- What one request may cost: retries, sizes, a deadline -------------------------

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RETRY_STATUSES = frozenset({429, 503, 504})
# Raised before any byte of the request left: always safe to try again.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_SECONDS = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "²".isdigit() is True


def retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds, given as seconds or as an HTTP date; None if absent or
    unreadable. Never raises, whatever the header holds; a huge value stays finite."""
    value = (value or "").strip()
    if not value or len(value) > 64:
        return None
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
        seconds = moment.timestamp() - time.time()
    except (TypeError, ValueError, OverflowError, IndexError, OSError):
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


@dataclass(frozen=True)
class Retry:
    """How often, and after how long, a request is tried again.

    Only answers 429, 503 and 504 and connections that failed before sending
    are retried, at most `attempts` times. The wait doubles from `backoff`
    seconds with jitter, or is the answer's `Retry-After`; either way at most
    `max_delay` seconds, and never past the request's deadline.
    """

    attempts: int = 3
    backoff: float = 0.5
    max_delay: float = 10.0

    def delay(self, retry: int, response: httpx.Response | None = None) -> float | None:
        """Seconds to wait before retry number `retry` (from 0), or None: do not retry."""
        if retry >= self.attempts:
            return None
        if response is not None:
            if response.status_code not in RETRY_STATUSES:
                return None
            asked = retry_after(response.headers.get("retry-after"))
            if asked is not None:
                return min(asked, self.max_delay)
        ceiling = min(self.backoff * 2**retry, self.max_delay)
        return random.uniform(ceiling / 2, ceiling)


def tls_failure(error: Exception) -> bool:
    """Whether a connection failed its TLS handshake: a bad certificate stays bad, so
    that is not retried."""
    cause: BaseException | None = error
    while cause is not None:  # httpx and httpcore each wrap the ssl error once
        if isinstance(cause, ssl.SSLError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


@dataclass(frozen=True)
class Limits:
    """How many bytes of an answer are read: a success body (or one watch event) larger
    than `max_response_bytes` raises `ResponseTooLarge`; of an error body only the first
    `max_error_bytes` are read, enough for any `Status`."""

    max_response_bytes: int = 64 * 2**20
    max_error_bytes: int = 64 * 2**10


class ResponseTooLarge(httpx.DecodingError):
    """The answer is larger than `Limits.max_response_bytes`; it was not read whole."""


class Deadline:
    """One wall-clock budget for a request: connecting, every retry and wait, and
    reading the whole answer. `seconds=None` is no deadline (watches)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        return None if self._end is None else self._end - time.monotonic()

    def check(self, request: httpx.Request) -> None:
        """Raise `httpx.ReadTimeout` once the budget is spent."""
        left = self.remaining()
        if left is not None and left <= 0:
            raise httpx.ReadTimeout(
                f"no complete answer within the timeout of {self.seconds:g}s", request=request
            )

    def allows(self, delay: float) -> bool:
        left = self.remaining()
        return left is None or delay < left

    def timeouts(self, timeout: httpx.Timeout) -> dict[str, float | None]:
        """httpx's per-operation timeouts, none longer than what is left."""
        left = self.remaining()
        values = timeout.as_dict()
        if left is None:
            return values
        left = max(left, 0.001)
        return {key: left if value is None else min(value, left) for key, value in values.items()}


def total_seconds(timeout: float | httpx.Timeout | None) -> float | None:
    """The whole-request budget of a client's `timeout`: the number itself, or the
    largest of an `httpx.Timeout`'s parts (None: no deadline)."""
    if timeout is None or isinstance(timeout, (int, float)):
        return timeout
    parts = [v for v in timeout.as_dict().values() if v is not None]
    return max(parts) if parts else None


def _declared_length(headers: Any) -> int | None:
    value = headers.get("content-length") or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _too_large(request: httpx.Request, limit: int) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"the answer to {request.method} {request.url.path} is larger "
        f"than the limit of {limit} bytes (Limits.max_response_bytes)",
        request=request,
    )


def _collect(chunk: bytes, chunks: list[bytes], size: int, limit: int) -> tuple[int, bool]:
    """Add a chunk; the new size, and whether it is over the limit."""
    chunks.append(chunk)
    return size + len(chunk), size + len(chunk) > limit


def _read(
    chunks: Iterable[bytes],
    declared: int | None,
    request: httpx.Request,
    limit: int,
    deadline: Deadline,
    truncate: bool,
) -> bytes:
    if not truncate and declared is not None and declared > limit:
        raise _too_large(request, limit)
    read: list[bytes] = []
    size = 0
    for chunk in chunks:
        deadline.check(request)
        size, over = _collect(chunk, read, size, limit)
        if over:
            if not truncate:
                raise _too_large(request, limit)
            break
    return b"".join(read)[:limit]


def read_body(
    response: httpx.Response, limit: int, deadline: Deadline, *, truncate: bool = False
) -> bytes:
    """The (decoded) body of a streamed answer, read within the deadline and at most
    `limit` bytes: beyond it, the first `limit` bytes if `truncate`, else
    `ResponseTooLarge`. The response is closed either way."""
    try:
        declared = _declared_length(response.headers)
        return _read(response.iter_bytes(), declared, response.request, limit, deadline, truncate)
    finally:
        response.close()


def read_plain(answer: Any, request: httpx.Request, limit: int, deadline: Deadline) -> bytes:
    """`read_body` for an answer of `HTTPClientTransport.open` that has no content
    coding (its bytes are the body): an iterable of chunks with `headers` and `close`."""
    try:
        return _read(answer, answer.length, request, limit, deadline, False)
    finally:
        answer.close()


async def aread_body(
    response: httpx.Response, limit: int, deadline: Deadline, *, truncate: bool = False
) -> bytes:
    """`read_body` for an async answer."""
    try:
        declared = _declared_length(response.headers)
        if not truncate and declared is not None and declared > limit:
            raise _too_large(response.request, limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            deadline.check(response.request)
            size, over = _collect(chunk, chunks, size, limit)
            if over:
                if not truncate:
                    raise _too_large(response.request, limit)
                break
        return b"".join(chunks)[:limit]
    finally:
        await response.aclose()
