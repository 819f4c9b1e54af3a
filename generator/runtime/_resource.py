"""What the runtime knows of one Kubernetes resource: data, generated per package.

The generated package describes each of its resources (and subresources) with a
`ResourceInfo`; the hand-written runtime (client verbs, server routes, the
in-memory store, discovery) reads only this, never path strings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import quote

__all__ = ["PrinterColumn", "ResourceInfo", "VERBS"]

# The verbs of x-kubernetes-action, in the order kube-apiserver's discovery lists them.
VERBS = (
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
)


@functools.lru_cache(maxsize=1024)
def _segment(text: str) -> str:
    """One path segment, percent-encoded (`/` too); cached, as clients repeat names."""
    return quote(text, safe="")


@dataclass(frozen=True)
class PrinterColumn:
    """One of a CRD's additionalPrinterColumns: `json_path` as the CRD writes it
    (`.spec.replicas`); `type` integer, number, string, boolean or date."""

    name: str
    json_path: str
    type: str = "string"
    format: str = ""
    description: str = ""
    priority: int = 0


@dataclass(frozen=True)
class ResourceInfo:
    """One resource or subresource of a group-version.

    `plural` is the resource's path segment (`configmaps`); a subresource has
    `subresource` set (`status`, `scale`, `token`, `eviction`) and `kind` is the
    kind its operations send and answer (`Scale`, `TokenRequest`), while
    `parent_kind` is the kind of the object it belongs to.
    """

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    verbs: tuple[str, ...]
    singular: str = ""
    list_kind: str = ""
    subresource: str = ""
    parent_kind: str = ""
    short_names: tuple[str, ...] = ()
    printer_columns: tuple[PrinterColumn, ...] = ()  # the Table's columns after Name (else Age)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def name(self) -> str:
        """The discovery name: `configmaps`, or `deployments/scale` for a subresource."""
        return f"{self.plural}/{self.subresource}" if self.subresource else self.plural

    @property
    def prefix(self) -> str:
        """`/api/v1` for the core group, else `/apis/GROUP/VERSION`."""
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """The URL path of the collection (no name) or of one object, quoted.

        A namespaced resource without a namespace is the all-namespaces collection.
        """
        parts = [self.prefix]
        if self.namespaced and namespace is not None:
            parts += ["namespaces", _segment(namespace)]
        parts.append(self.plural)
        if name is not None:
            parts.append(_segment(name))
            if self.subresource:
                parts.append(self.subresource)
        return "/".join(parts)
