"""Discovery documents, from `ResourceInfo` data: what kubectl reads first.

Legacy discovery: `/api` (APIVersions), `/api/v1` and `/apis/GROUP/VERSION`
(APIResourceList), `/apis` (APIGroupList), and `/version` (version.Info).
Aggregated discovery (`apidiscovery.k8s.io/v2` APIGroupDiscoveryList), which
kubectl asks for first with `Accept: application/json;g=apidiscovery.k8s.io;v=v2;
as=APIGroupDiscoveryList,...,application/json`; client-go reads a plain JSON
answer as the legacy form, so serving only the legacy documents also works.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ._resource import VERBS, ResourceInfo

__all__ = [
    "AGGREGATED_MEDIA_TYPE",
    "aggregated_discovery",
    "api_group_list",
    "api_resource_list",
    "api_versions",
    "version_info",
    "wants_aggregated",
]

AGGREGATED_MEDIA_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
_VERB_ORDER = {verb: i for i, verb in enumerate(VERBS)}


def _verbs(resource: ResourceInfo) -> list[str]:
    return sorted(set(resource.verbs), key=lambda v: (_VERB_ORDER.get(v, len(VERBS)), v))


def _singular(resource: ResourceInfo) -> str:
    return resource.singular or resource.kind.lower()


def api_versions(server_address: str = "") -> dict[str, Any]:
    """`/api`: the core group's versions."""
    body: dict[str, Any] = {"kind": "APIVersions", "versions": ["v1"]}
    body["serverAddressByClientCIDRs"] = (
        [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}] if server_address else []
    )
    return body


def _group_versions(resources: Iterable[ResourceInfo]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for resource in resources:
        versions = groups.setdefault(resource.group, [])
        if resource.version not in versions:
            versions.append(resource.version)
    return groups


def api_group_list(resources: Iterable[ResourceInfo]) -> dict[str, Any]:
    """`/apis`: the named groups (the core group is under `/api`); the first version
    of a group is its preferred version."""
    groups = []
    for group, versions in sorted(_group_versions(resources).items()):
        if not group:
            continue
        listed = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        groups.append({"name": group, "versions": listed, "preferredVersion": listed[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_resource_list(resources: Iterable[ResourceInfo], group_version: str) -> dict[str, Any]:
    """`/api/v1` or `/apis/GROUP/VERSION`: resources and subresources (`deployments/status`)."""
    entries = []
    for resource in resources:
        if resource.api_version != group_version:
            continue
        entry: dict[str, Any] = {
            "name": resource.name,
            "singularName": "" if resource.subresource else _singular(resource),
            "namespaced": resource.namespaced,
            "kind": resource.kind,
            "verbs": _verbs(resource),
        }
        if resource.short_names and not resource.subresource:
            entry["shortNames"] = list(resource.short_names)
        entries.append(entry)
    entries.sort(key=lambda e: str(e["name"]))
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": entries,
    }


def version_info(
    git_version: str = "v1.35.0", git_commit: str = "0000000000000000000000000000000000000000"
) -> dict[str, Any]:
    """`/version`."""
    major, minor = git_version.lstrip("v").split(".")[:2]
    return {
        "major": major,
        "minor": minor,
        "emulationMajor": major,
        "emulationMinor": minor,
        "minCompatibilityMajor": major,
        "minCompatibilityMinor": str(max(int(minor) - 1, 0)),
        "gitVersion": git_version,
        "gitCommit": git_commit,
        "gitTreeState": "clean",
        "buildDate": "2025-12-17T00:00:00Z",
        "goVersion": "go1.25.5",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def wants_aggregated(accept: str) -> bool:
    """Whether an Accept header lists the v2 aggregated discovery type."""
    for media in accept.split(","):
        params = {
            k.strip(): v.strip() for k, _, v in (p.partition("=") for p in media.split(";")[1:])
        }
        if (
            params.get("g") == "apidiscovery.k8s.io"
            and params.get("v") == "v2"
            and params.get("as") == "APIGroupDiscoveryList"
        ):
            return True
    return False


def aggregated_discovery(resources: Sequence[ResourceInfo], *, core: bool) -> dict[str, Any]:
    """The APIGroupDiscoveryList of `/api` (`core=True`) or of `/apis`."""
    items = []
    for group, versions in sorted(_group_versions(resources).items()):
        if (group == "") != core:
            continue
        version_items = []
        for version in versions:
            mains = [
                r
                for r in resources
                if r.group == group and r.version == version and not r.subresource
            ]
            listed = []
            for main in sorted(mains, key=lambda r: r.plural):
                subs = [
                    {
                        "subresource": s.subresource,
                        "responseKind": {"group": s.group, "version": s.version, "kind": s.kind},
                        "verbs": _verbs(s),
                    }
                    for s in resources
                    if s.subresource
                    and s.plural == main.plural
                    and s.group == group
                    and s.version == version
                ]
                entry: dict[str, Any] = {
                    "resource": main.plural,
                    "responseKind": {"group": group, "version": version, "kind": main.kind},
                    "scope": "Namespaced" if main.namespaced else "Cluster",
                    "singularResource": _singular(main),
                    "verbs": _verbs(main),
                }
                if main.short_names:
                    entry["shortNames"] = list(main.short_names)
                if subs:
                    entry["subresources"] = subs
                listed.append(entry)
            version_items.append({"version": version, "resources": listed, "freshness": "Current"})
        items.append({"metadata": {"name": group}, "versions": version_items})
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }
