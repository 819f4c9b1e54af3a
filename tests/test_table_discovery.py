"""The Table form of kubectl get (generator/runtime/_table.py) and the discovery
documents (generator/runtime/_discovery.py)."""

from __future__ import annotations

import datetime

import pytest

from generator.runtime._discovery import (
    aggregated_discovery,
    api_group_list,
    api_resource_list,
    api_versions,
    version_info,
    wants_aggregated,
)
from generator.runtime._resource import VERBS, ResourceInfo
from generator.runtime._status import ApiError
from generator.runtime._table import PrinterColumn, human_duration, to_table, wants_table
from tests.test_store import CM, DEPLOY, DEPLOY_STATUS, NODE, configmap, make_store

CRONTAB = ResourceInfo(
    "stable.example.com", "v1", "CronTab", "crontabs", True, VERBS, "crontab", short_names=("ct",)
)
NOW = datetime.datetime(2026, 1, 1, 0, 5, 2, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (5, "5s"),
        (119, "119s"),
        (120, "2m"),
        (182, "3m2s"),
        (600, "10m"),
        (3 * 3600 - 1, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 60 * 5, "3h5m"),
        (8 * 3600, "8h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (50 * 3600, "2d2h"),
        (8 * 86400, "8d"),
        (729 * 86400, "729d"),
        (730 * 86400, "2y"),
        (731 * 86400, "2y1d"),
        (8 * 365 * 86400, "8y"),
    ],
)
def test_human_duration(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def test_wants_table() -> None:
    assert wants_table("application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
    assert wants_table("application/json; as=Table; g=meta.k8s.io; v=v1beta1")
    assert not wants_table("application/json")
    assert not wants_table("application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io")


def test_table_of_a_list() -> None:
    store = make_store()
    store.create(CM, "default", configmap("a"))
    store.create(CM, "default", configmap("b"))
    table = to_table(CM, store.list(CM, "default"), now=NOW)
    assert table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    assert table["metadata"] == {"resourceVersion": "2"}
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Age"]
    assert table["columnDefinitions"][0]["format"] == "name"
    assert [r["cells"] for r in table["rows"]] == [["a", "5m2s"], ["b", "5m2s"]]
    partial = table["rows"][0]["object"]
    assert partial["kind"] == "PartialObjectMetadata"
    assert partial["apiVersion"] == "meta.k8s.io/v1"
    assert partial["metadata"]["name"] == "a" and partial["metadata"]["uid"] == "uid-1"


def test_table_include_object() -> None:
    store = make_store()
    obj = store.create(CM, "default", configmap("a"))
    full = to_table(CM, obj, include_object="Object", now=NOW)
    assert full["rows"][0]["object"] == obj
    assert full["metadata"] == {"resourceVersion": "1"}
    assert "object" not in to_table(CM, obj, include_object="None", now=NOW)["rows"][0]
    with pytest.raises(ApiError) as info:
        to_table(CM, obj, include_object="All")
    assert info.value.code == 400


def test_table_with_printer_columns() -> None:
    store = make_store(custom=[("stable.example.com", "crontabs")])
    store.resources.append(CRONTAB)
    body = {
        "apiVersion": "stable.example.com/v1",
        "kind": "CronTab",
        "metadata": {"name": "ct1"},
        "spec": {"cronSpec": "* * * * */5", "replicas": 2, "image": "img"},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }
    created = store.create(CRONTAB, "default", body)
    columns = [
        PrinterColumn("Spec", ".spec.cronSpec"),
        PrinterColumn("Replicas", ".spec.replicas", type="integer"),
        PrinterColumn("Ready", '.status.conditions[?(@.type=="Ready")].status'),
        PrinterColumn("Missing", ".spec.nothing"),
        PrinterColumn("Age", ".metadata.creationTimestamp", type="date"),
    ]
    table = to_table(CRONTAB, created, columns=columns, now=NOW)
    assert [c["name"] for c in table["columnDefinitions"]] == [
        "Name",
        "Spec",
        "Replicas",
        "Ready",
        "Missing",
        "Age",
    ]
    assert table["columnDefinitions"][2]["type"] == "integer"
    assert table["rows"][0]["cells"] == [
        "ct1",
        "* * * * */5",
        2,
        "True",
        None,
        "2026-01-01T00:00:00Z",
    ]


RESOURCES = [
    CM,
    NODE,
    DEPLOY,
    DEPLOY_STATUS,
    ResourceInfo(
        "apps",
        "v1",
        "Scale",
        "deployments",
        True,
        ("get", "patch", "update"),
        subresource="scale",
        parent_kind="Deployment",
    ),
    CRONTAB,
]


def test_api_versions_and_groups() -> None:
    assert api_versions() == {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [],
    }
    assert api_versions("127.0.0.1:6443")["serverAddressByClientCIDRs"] == [
        {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}
    ]
    groups = api_group_list(RESOURCES)
    assert groups["kind"] == "APIGroupList"
    assert groups["groups"] == [
        {
            "name": "apps",
            "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
            "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"},
        },
        {
            "name": "stable.example.com",
            "versions": [{"groupVersion": "stable.example.com/v1", "version": "v1"}],
            "preferredVersion": {"groupVersion": "stable.example.com/v1", "version": "v1"},
        },
    ]


def test_api_resource_lists() -> None:
    core = api_resource_list(RESOURCES, "v1")
    assert core["groupVersion"] == "v1" and core["kind"] == "APIResourceList"
    assert core["resources"] == [
        {
            "name": "configmaps",
            "singularName": "configmap",
            "namespaced": True,
            "kind": "ConfigMap",
            "verbs": list(VERBS),
        },
        {
            "name": "nodes",
            "singularName": "node",
            "namespaced": False,
            "kind": "Node",
            "verbs": list(VERBS),
        },
    ]
    apps = api_resource_list(RESOURCES, "apps/v1")
    assert [(r["name"], r["kind"], r["verbs"]) for r in apps["resources"]] == [
        ("deployments", "Deployment", list(VERBS)),
        ("deployments/scale", "Scale", ["get", "patch", "update"]),
        ("deployments/status", "Deployment", ["get", "patch", "update"]),
    ]
    crd = api_resource_list(RESOURCES, "stable.example.com/v1")
    assert crd["resources"][0]["shortNames"] == ["ct"]


def test_version_info() -> None:
    info = version_info()
    assert (info["major"], info["minor"], info["gitVersion"]) == ("1", "35", "v1.35.0")
    assert info["platform"] == "linux/amd64" and info["compiler"] == "gc"


def test_aggregated_discovery() -> None:
    accept = (
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
    )
    assert wants_aggregated(accept) and not wants_aggregated("application/json")
    core = aggregated_discovery(RESOURCES, core=True)
    assert core["kind"] == "APIGroupDiscoveryList"
    assert core["apiVersion"] == "apidiscovery.k8s.io/v2"
    assert [i["metadata"]["name"] for i in core["items"]] == [""]
    assert [r["resource"] for r in core["items"][0]["versions"][0]["resources"]] == [
        "configmaps",
        "nodes",
    ]
    groups = aggregated_discovery(RESOURCES, core=False)
    apps = groups["items"][0]
    assert apps["metadata"] == {"name": "apps"}
    deployments = apps["versions"][0]["resources"][0]
    assert deployments["scope"] == "Namespaced"
    assert deployments["responseKind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert [s["subresource"] for s in deployments["subresources"]] == ["status", "scale"]
    assert deployments["subresources"][1]["responseKind"]["kind"] == "Scale"
    assert apps["versions"][0]["freshness"] == "Current"
