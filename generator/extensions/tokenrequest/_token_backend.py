"""Where the TokenRequest service finds service accounts and bound objects, and how it signs.

`TokenBackend` is the protocol `create_app(tokens=...)` takes; `InMemoryTokenBackend` is the default:
objects loaded from ordinary Kubernetes manifests, tokens signed by a
`TokenSigner`. A backend of your own may look objects up in a real cluster or
issue tokens from a KMS.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import yaml

from ._tokens import TokenGrant, TokenSigner

BINDABLE_KINDS = ("Pod", "Secret", "Node")
CLUSTER_SCOPED_KINDS = ("Node",)
KNOWN_KINDS = ("ServiceAccount", *BINDABLE_KINDS)


@dataclass(frozen=True)
class KubeObject:
    """The parts of a ServiceAccount, Pod, Secret or Node that a token needs."""

    kind: str
    name: str
    uid: str
    namespace: str = ""  # empty for cluster-scoped kinds (Node)
    service_account_name: str = ""  # a Pod's spec.serviceAccountName
    node_name: str = ""  # a Pod's spec.nodeName

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> KubeObject:
        metadata = manifest.get("metadata") or {}
        spec = manifest.get("spec") or {}
        return cls(
            kind=manifest["kind"],
            name=metadata["name"],
            uid=str(metadata.get("uid") or ""),
            namespace=metadata.get("namespace")
            or ("" if manifest["kind"] in CLUSTER_SCOPED_KINDS else "default"),
            service_account_name=spec.get("serviceAccountName") or "",
            node_name=spec.get("nodeName") or "",
        )


class TokenBackend(Protocol):
    """What the TokenRequest service asks of its storage and its signer."""

    @property
    def issuer(self) -> str:
        """The `iss` of the tokens, and the base of the OIDC discovery URLs."""
        ...

    def get(self, kind: str, namespace: str, name: str) -> KubeObject | None:
        """The object, or None. `namespace` is empty for cluster-scoped kinds (Node)."""
        ...

    def issue_token(self, grant: TokenGrant) -> str:
        """A signed JWT for `grant`."""
        ...

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set that verifies the tokens."""
        ...


class InMemoryTokenBackend:
    """Objects held in memory, tokens signed with one key."""

    def __init__(self, signer: TokenSigner, objects: Iterable[KubeObject] = ()) -> None:
        self.signer = signer
        self._objects = {(obj.kind, obj.namespace, obj.name): obj for obj in objects}

    @property
    def issuer(self) -> str:
        return self.signer.issuer

    def get(self, kind: str, namespace: str, name: str) -> KubeObject | None:
        return self._objects.get((kind, namespace, name))

    def issue_token(self, grant: TokenGrant) -> str:
        return self.signer.sign(grant)

    def jwks(self) -> dict[str, Any]:
        return self.signer.jwks()


def load_objects(text: str) -> list[KubeObject]:
    """The ServiceAccounts, Pods, Secrets and Nodes of a YAML stream.

    Documents are manifests as `kubectl get -o yaml` prints them, one object
    each or a `List` of them; other kinds are skipped.
    """
    return [
        KubeObject.from_manifest(manifest)
        for document in yaml.safe_load_all(text)
        for manifest in _items(document)
        if manifest.get("kind") in KNOWN_KINDS
    ]


def _items(document: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(document, dict):
        return
    if document.get("kind", "").endswith("List") and isinstance(document.get("items"), list):
        yield from (item for item in document["items"] if isinstance(item, dict))
    else:
        yield document
