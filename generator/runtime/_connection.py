"""Where an API server is and how to trust and authenticate to it.

`load_kubeconfig` reads kubeconfig files as kubectl does, `in_cluster_connection`
a pod's service-account mount; both give a `Connection`, the keyword arguments
of the clients in `client`. TLS contexts and the bearer token live here too.
"""

from __future__ import annotations

import base64
import importlib
import os
import ssl
import tempfile
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
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
