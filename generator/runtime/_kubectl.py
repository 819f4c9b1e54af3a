"""What a stand-in API server serves besides the verbs: discovery, `/version`, OpenAPI.

`kubectl_routes` gives the plain GET documents kubectl reads before it sends a
request: `/api` and `/apis` (aggregated discovery when Accept asks for it),
`/api/v1` and `/apis/GROUP/VERSION` (APIResourceList), `/version`, and the
OpenAPI v3 index `/openapi/v3` with one document per group-version
(`/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`), and all of them as one
Swagger 2.0 document at `/openapi/v2` (JSON). Every operation and kind
schema of those documents carries `x-kubernetes-group-version-kind` (and the
operations `x-kubernetes-action`), which is how kubectl finds that a PATCH
takes `fieldValidation` and leaves validation to the server. All of them need a
valid bearer token, as kube-apiserver's do.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from ._discovery import (
    AGGREGATED_MEDIA_TYPE,
    aggregated_discovery,
    api_group_list,
    api_resource_list,
    api_versions,
    version_info,
    wants_aggregated,
)
from ._resource import ResourceInfo
from ._server import ApiSpec, OperationInfo, PlainRoute

__all__ = ["kubectl_routes"]

ACTIONS = {"create": "post", "update": "put", "watch": "watch", "list": "list", "get": "get",
           "patch": "patch", "delete": "delete", "deletecollection": "deletecollection"}  # fmt: skip


def kubectl_routes(api: ApiSpec, operations: Sequence[OperationInfo]) -> list[PlainRoute]:
    resources = api.resources
    group_versions = sorted({r.api_version for r in resources})
    routes = [
        PlainRoute("/version", version_info, authenticated=True),
        PlainRoute("/api", api_versions, True, _aggregated(resources, core=True)),
        PlainRoute("/apis", lambda: api_group_list(resources), True, _aggregated(resources, False)),
    ]
    for group_version in group_versions:
        prefix = "/apis/" if "/" in group_version else "/api/"
        routes.append(
            PlainRoute(prefix + group_version, _resource_list(resources, group_version), True)
        )
    documents = _openapi_v3(api, operations, group_versions)
    index = {
        "paths": {
            key: {"serverRelativeURL": f"/openapi/v3/{key}"} for key in sorted(documents)
        }
    }  # fmt: skip
    routes.append(PlainRoute("/openapi/v3", lambda: index, True))
    swagger = _openapi_v2(api, operations)
    routes.append(PlainRoute("/openapi/v2", lambda: swagger, True))
    for key, document in sorted(documents.items()):
        routes.append(PlainRoute(f"/openapi/v3/{key}", _constant(document), True))
    return routes


def _aggregated(
    resources: Sequence[ResourceInfo], core: bool
) -> Callable[[str], tuple[dict[str, Any], str] | None]:
    def negotiate(accept: str) -> tuple[dict[str, Any], str] | None:
        if not wants_aggregated(accept):
            return None
        return aggregated_discovery(resources, core=core), AGGREGATED_MEDIA_TYPE

    return negotiate


def _resource_list(
    resources: Sequence[ResourceInfo], group_version: str
) -> Callable[[], dict[str, Any]]:
    return lambda: api_resource_list(resources, group_version)


def _constant(document: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: document


def _openapi_v3(
    api: ApiSpec, operations: Sequence[OperationInfo], group_versions: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """One document per group-version: `api/v1` or `apis/GROUP/VERSION` -> its document."""
    from ._openapi import openapi_document

    documents: dict[str, dict[str, Any]] = {}
    for group_version in group_versions:
        mine = [op for op in operations if op.resource.api_version == group_version]
        document = copy.deepcopy(openapi_document(api, mine))
        schemas = document["components"]["schemas"]
        for resource in api.resources:
            if resource.api_version == group_version and not resource.subresource:
                schema = schemas.get(resource.kind)
                if isinstance(schema, dict):
                    schema["x-kubernetes-group-version-kind"] = [_gvk(resource)]
        for op in mine:
            described = document["paths"][op.path][op.method.lower()]
            described["x-kubernetes-action"] = ACTIONS.get(op.verb, op.verb)
            described["x-kubernetes-group-version-kind"] = _gvk(op.resource)
        key = ("apis/" if "/" in group_version else "api/") + group_version
        documents[key] = document
    return documents


def _openapi_v2(api: ApiSpec, operations: Sequence[OperationInfo]) -> dict[str, Any]:
    """Every group-version in one Swagger 2.0 document, as kube-apiserver's `/openapi/v2`."""
    from ._openapi import swagger_document

    merged: dict[str, Any] = {"paths": {}, "components": {"schemas": {}}}
    for document in _openapi_v3(
        api, operations, sorted({r.api_version for r in api.resources})
    ).values():
        merged.setdefault("info", document["info"])
        merged["paths"].update(document["paths"])
        merged["components"]["schemas"].update(document["components"]["schemas"])
    merged.setdefault("info", {"title": api.title, "version": "0.1.0"})
    return swagger_document(merged)


def _gvk(resource: ResourceInfo) -> dict[str, str]:
    return {"group": resource.group, "version": resource.version, "kind": resource.kind}
