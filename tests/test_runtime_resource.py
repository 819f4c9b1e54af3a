"""ResourceInfo, the data the runtime reads about a resource."""

from __future__ import annotations

from generator.runtime._resource import ResourceInfo

CONFIGMAPS = ResourceInfo("", "v1", "ConfigMap", "configmaps", True, ("get", "list"))
SCALE = ResourceInfo(
    "apps",
    "v1",
    "Scale",
    "deployments",
    True,
    ("get", "patch", "update"),
    subresource="scale",
    parent_kind="Deployment",
)
NODES = ResourceInfo("", "v1", "Node", "nodes", False, ("get",))


def test_paths_of_core_namespaced_collection_and_object() -> None:
    assert CONFIGMAPS.path("default") == "/api/v1/namespaces/default/configmaps"
    assert CONFIGMAPS.path() == "/api/v1/configmaps"
    assert CONFIGMAPS.path("ns", "a b/c") == "/api/v1/namespaces/ns/configmaps/a%20b%2Fc"


def test_subresource_and_cluster_scoped_paths() -> None:
    assert SCALE.path("ns", "web") == "/apis/apps/v1/namespaces/ns/deployments/web/scale"
    assert SCALE.name == "deployments/scale" and SCALE.api_version == "apps/v1"
    assert NODES.path("ignored", "n1") == "/api/v1/nodes/n1"
