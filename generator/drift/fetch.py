"""Where a spec comes from: a file, an http(s) URL, or `cluster` (the live API server).

`read_source` turns any of them into a `LoadedSpec` in the internal OpenAPI 3.0
form. For `cluster` the server and credentials come from the kubeconfig the
way kubectl reads it (KUBECONFIG or ~/.kube/config, the current context or
`--context`). kube-apiserver publishes one OpenAPI v3 document per
group-version, listed by the `/openapi/v3` index; the kind is looked up in its
own group-version document first, then in `api/v1` (where subresources of core
objects such as `serviceaccounts/token` live), and in `/openapi/v2` last.
"""

from __future__ import annotations

import base64
import os
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import ApigenError
from generator.spec.load import (
    LoadedSpec,
    load_document,
    load_spec,
    max_bytes,
    parse_bytes,
    read_bytes,
    too_large,
)
from generator.spec.slice import slice_kind

if TYPE_CHECKING:  # httpx takes a while to import: only URL and cluster sources need it
    import httpx

CLUSTER = "cluster"
TIMEOUT_SECONDS = 30.0
FILE_KEYS = ("certificate-authority", "client-certificate", "client-key", "tokenFile")


def read_source(
    source: str,
    *,
    kind: str | None = None,
    group_version: str | None = None,
    context: str | None = None,
) -> LoadedSpec:
    """Load `source`: a path, an http(s) URL, or `cluster`."""
    if source == CLUSTER:
        return fetch_from_cluster(kind, group_version, context)
    if source.startswith(("http://", "https://")):
        import httpx

        with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True) as client:
            return load_document(get_bytes(client, source), source)
    return load_spec(Path(source))


def get_bytes(client: httpx.Client, url: str) -> bytes:
    """The body of a 200 answer, read no further than the spec size limit."""
    import httpx

    limit = max_bytes()
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise ApigenError(f"cannot fetch: HTTP {response.status_code}", source=url)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise too_large(url, limit)
    except httpx.HTTPError as exc:
        raise ApigenError(f"cannot fetch: {exc}", source=url) from None
    return bytes(body)


def server_relative(client: httpx.Client, server: str, url: Any) -> str:
    """An `/openapi/v3` index entry, checked to stay on the kubeconfig's server.

    The client carries the kubeconfig's credentials, and httpx sends an absolute
    (or protocol-relative `//host/...`) URL to the host it names: an entry that
    points elsewhere would hand the bearer token to that host. Only a path on
    the same scheme, host and port is followed."""
    import httpx

    where = f"{server}/openapi/v3"
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//") or "\\" in url:
        raise ApigenError(
            f"refusing index entry {str(url)[:100]!r}: not a path on the cluster's server",
            source=where,
        )
    try:
        full = client.build_request("GET", url).url
    except (httpx.InvalidURL, ValueError) as exc:
        raise ApigenError(f"refusing index entry {url[:100]!r}: {exc}", source=where) from None
    base = httpx.URL(server)
    if (full.scheme, full.host, full.port) != (base.scheme, base.host, base.port):
        raise ApigenError(
            f"refusing index entry {url[:100]!r}: it leaves the cluster's server",
            source=where,
        )
    return url


@dataclass(frozen=True)
class ClusterAccess:
    """What an httpx client needs to talk to the API server of one kubeconfig context."""

    server: str
    token: str | None
    verify: ssl.SSLContext | bool

    def client(self) -> httpx.Client:
        import httpx

        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return httpx.Client(
            base_url=self.server, headers=headers, verify=self.verify, timeout=TIMEOUT_SECONDS
        )


def kubeconfig_path() -> Path:
    """The first file of KUBECONFIG (a path list), else ~/.kube/config."""
    for entry in os.environ.get("KUBECONFIG", "").split(os.pathsep):
        if entry and Path(entry).is_file():
            return Path(entry)
    return Path.home() / ".kube" / "config"


def named(entries: Any, name: str, what: str, source: str) -> dict[str, Any]:
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("name") == name:
            value = entry.get(what)
            return value if isinstance(value, dict) else {}
    raise ApigenError(f"no {what} named {name!r}", source=source)


def cluster_access(context: str | None = None, path: Path | None = None) -> ClusterAccess:
    """Server URL, bearer token and TLS settings of a kubeconfig context."""
    path = path or kubeconfig_path()
    source = str(path)
    config = parse_bytes(read_bytes(path), source)  # kubeconfigs are YAML (or JSON)
    if not isinstance(config, dict):
        raise ApigenError("not a kubeconfig", source=source)
    context_name = context or config.get("current-context")
    if not context_name:
        raise ApigenError("no current-context; pass --context", source=source)
    ctx = named(config.get("contexts"), context_name, "context", source)
    cluster = named(config.get("clusters"), ctx.get("cluster", ""), "cluster", source)
    user = (
        named(config.get("users"), ctx.get("user", ""), "user", source) if ctx.get("user") else {}
    )
    cluster, user = files_beside(cluster, path.parent), files_beside(user, path.parent)
    if not cluster.get("server"):
        raise ApigenError(f"cluster of context {context_name!r} has no server", source=source)
    try:
        token = user.get("token")
        if not token and user.get("tokenFile"):
            token = Path(user["tokenFile"]).read_text(encoding="utf-8").strip()
        verify = tls_verification(cluster, user)
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError; bad base64 a ValueError
        raise ApigenError(
            f"cannot use the credentials of context {context_name!r}: {exc}", source=source
        ) from None
    return ClusterAccess(server=str(cluster["server"]).rstrip("/"), token=token, verify=verify)


def files_beside(entry: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Relative file names resolve against the kubeconfig's folder, as kubectl resolves them."""
    return {
        key: str(folder / value) if key in FILE_KEYS and isinstance(value, str) and value else value
        for key, value in entry.items()
    }


def tls_verification(cluster: dict[str, Any], user: dict[str, Any]) -> ssl.SSLContext | bool:
    if cluster.get("insecure-skip-tls-verify"):
        return False
    if cluster.get("certificate-authority-data"):
        pem = base64.b64decode(cluster["certificate-authority-data"]).decode("ascii")
        context = ssl.create_default_context(cadata=pem)
    elif cluster.get("certificate-authority"):
        context = ssl.create_default_context(cafile=cluster["certificate-authority"])
    else:
        context = ssl.create_default_context()
    load_client_certificate(context, user)
    return context


def load_client_certificate(context: ssl.SSLContext, user: dict[str, Any]) -> None:
    if user.get("client-certificate") and user.get("client-key"):
        context.load_cert_chain(user["client-certificate"], user["client-key"])
    elif user.get("client-certificate-data") and user.get("client-key-data"):
        # ssl reads key pairs only from files: hand it a private temporary folder.
        with tempfile.TemporaryDirectory() as folder:
            cert, key = Path(folder, "cert.pem"), Path(folder, "key.pem")
            cert.write_bytes(base64.b64decode(user["client-certificate-data"]))
            key.write_bytes(base64.b64decode(user["client-key-data"]))
            context.load_cert_chain(cert, key)


def group_version_documents(group_version: str | None) -> list[str]:
    """The /openapi/v3 index entries to try, in order, for a kind of `group_version`."""
    candidates = []
    if group_version and "/" in group_version:
        candidates.append(f"apis/{group_version}")
    candidates.append("api/v1")
    return candidates


def serves_kind(spec: LoadedSpec, kind: str | None, group_version: str | None) -> bool:
    """True when the document has the kind's schema and an operation on it."""
    if kind is None:
        return True
    try:
        sliced, _ = slice_kind(spec.document, kind, group_version, spec.source)
    except ApigenError:
        return False
    return bool(sliced["paths"])


def fetch_from_cluster(
    kind: str | None, group_version: str | None, context: str | None
) -> LoadedSpec:
    import httpx

    access = cluster_access(context)
    with access.client() as client:
        try:
            index = client.get("/openapi/v3")
        except httpx.HTTPError as exc:
            raise ApigenError(f"cannot reach the cluster: {exc}", source=access.server) from None
        if index.status_code == 200:  # older servers have no v3: go straight to v2
            listing = parse_bytes(index.content, f"{access.server}/openapi/v3")
            entries = listing.get("paths", {}) if isinstance(listing, dict) else {}
            for name in group_version_documents(group_version):
                entry = entries.get(name)
                url = entry.get("serverRelativeURL") if isinstance(entry, dict) else None
                if not url:
                    continue
                url = server_relative(client, access.server, url)
                spec = load_document(get_bytes(client, url), f"{access.server}{url}")
                if serves_kind(spec, kind, group_version):
                    return spec
        url = "/openapi/v2"
        return load_document(get_bytes(client, url), f"{access.server}{url}")
