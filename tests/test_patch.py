"""Merge, JSON and strategic merge patch, and server-side apply (generator/runtime/_patch.py,
_apply.py) on realistic Deployments and ConfigMaps."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime._apply import field_set, from_fields_v1, path_string, to_fields_v1
from generator.runtime._patch import MergeSchema, merge_patch, strategic_merge_patch
from generator.runtime._status import ApiError
from tests.test_store import CM, DEPLOY, DEPLOYMENT_SCHEMA, configmap, deployment, make_store

MERGE = "application/merge-patch+json"
JSON = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"


def rich_deployment() -> dict[str, Any]:
    body = deployment()
    body["metadata"]["finalizers"] = ["a.example.com/f"]
    body["spec"]["template"]["spec"]["containers"] = [
        {
            "name": "nginx",
            "image": "nginx:1",
            "ports": [{"containerPort": 80}, {"containerPort": 443}],
            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "args": ["--one", "--two"],
        },
        {"name": "sidecar", "image": "busybox"},
    ]
    return body


def smp(patch: dict[str, Any]) -> dict[str, Any]:
    return strategic_merge_patch(rich_deployment(), patch, DEPLOYMENT_SCHEMA)


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = obj["spec"]["template"]["spec"]["containers"]
    return result


def test_merge_patch_rfc7386() -> None:
    target = {"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]}
    patch = {"a": "z", "c": {"f": None}, "l": [3], "n": {"x": None, "y": 1}}
    assert merge_patch(target, patch) == {"a": "z", "c": {"d": "e"}, "l": [3], "n": {"y": 1}}
    assert target == {"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]}  # not changed in place


def test_smp_merges_containers_by_name_and_keeps_others() -> None:
    result = smp(
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "nginx",
                                "image": "nginx:2",
                                "env": [{"name": "B", "value": "3"}],
                            },
                            {"name": "new", "image": "redis"},
                        ]
                    }
                }
            }
        }
    )
    names = [c["name"] for c in containers(result)]
    assert names == ["nginx", "sidecar", "new"]
    nginx = containers(result)[0]
    assert nginx["image"] == "nginx:2"
    assert nginx["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "3"}]
    assert nginx["ports"] == [{"containerPort": 80}, {"containerPort": 443}]


def test_smp_ports_by_container_port_and_delete_directive() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "ports": [
                                {"containerPort": 443, "$patch": "delete"},
                                {"containerPort": 8080, "name": "alt"},
                            ],
                        },
                        {"name": "sidecar", "$patch": "delete"},
                    ]
                }
            }
        }
    }
    result = smp(patch)
    assert [c["name"] for c in containers(result)] == ["nginx"]
    assert containers(result)[0]["ports"] == [
        {"containerPort": 80},
        {"containerPort": 8080, "name": "alt"},
    ]


def test_smp_atomic_lists_are_replaced() -> None:
    result = smp(
        {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "args": ["--x"]}]}}}}
    )
    assert containers(result)[0]["args"] == ["--x"]


def test_smp_finalizers_are_a_set_and_delete_from_primitive_list() -> None:
    result = smp({"metadata": {"finalizers": ["b.example.com/f", "a.example.com/f"]}})
    assert result["metadata"]["finalizers"] == ["a.example.com/f", "b.example.com/f"]
    result = smp({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a.example.com/f"]}})
    assert result["metadata"]["finalizers"] == []


def test_smp_replace_directives_and_null() -> None:
    result = smp(
        {"spec": {"template": {"spec": {"containers": [{"$patch": "replace"}, {"name": "only"}]}}}}
    )
    assert containers(result) == [{"name": "only"}]
    result = smp({"spec": {"selector": {"$patch": "replace", "matchLabels": {"x": "y"}}}})
    assert result["spec"]["selector"] == {"matchLabels": {"x": "y"}}
    result = smp({"spec": {"replicas": None}, "metadata": {"labels": {"a": "b"}}})
    assert "replicas" not in result["spec"] and result["metadata"]["labels"] == {"a": "b"}


def test_smp_set_element_order_and_retain_keys() -> None:
    result = smp(
        {
            "spec": {
                "template": {
                    "spec": {
                        "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "nginx"}],
                        "containers": [{"name": "nginx", "image": "nginx:3"}],
                    }
                }
            }
        }
    )
    assert [c["name"] for c in containers(result)] == ["sidecar", "nginx"]
    result = smp({"spec": {"$retainKeys": ["replicas", "template"], "replicas": 2}})
    assert sorted(result["spec"]) == ["replicas", "template"]


def test_store_patch_types_on_a_configmap() -> None:
    store = make_store()
    store.create(CM, "default", configmap("a", app="x"))
    merged = store.patch(CM, "default", "a", {"data": {"k2": "v2"}}, MERGE)
    assert merged["data"] == {"k": "v", "k2": "v2"}
    patched = store.patch(
        CM, "default", "a", '[{"op": "replace", "path": "/data/k", "value": "w"}]', JSON
    )
    assert patched["data"] == {"k": "w", "k2": "v2"}
    strategic = store.patch(CM, "default", "a", {"metadata": {"labels": {"b": "c"}}}, STRATEGIC)
    assert strategic["metadata"]["labels"] == {"app": "x", "b": "c"}
    assert strategic["metadata"]["resourceVersion"] == "4"


@pytest.mark.parametrize(
    ("patch", "code", "start"),
    [
        ('[{"op": "test", "path": "/data/k", "value": "nope"}]', 422, ""),
        ('[{"op": "remove", "path": "/data/missing"}]', 422, ""),
        ('{"op": "add"}', 400, ""),
        ("[{", 400, "the body of the request could not be decoded"),
    ],
)
def test_json_patch_errors(patch: str, code: int, start: str) -> None:
    store = make_store()
    store.create(CM, "default", configmap("a"))
    with pytest.raises(ApiError) as info:
        store.patch(CM, "default", "a", patch, JSON)
    assert info.value.code == code and info.value.message.startswith(start)
    assert store.get(CM, "default", "a")["data"] == {"k": "v"}


def test_apply_creates_then_is_a_noop() -> None:
    store = make_store()
    created = store.patch(DEPLOY, "default", "web", deployment(), APPLY, field_manager="kubectl")
    managed = created["metadata"]["managedFields"]
    assert [(m["manager"], m["operation"]) for m in managed] == [("kubectl", "Apply")]
    fields = from_fields_v1(managed[0]["fieldsV1"])
    assert ("f:spec", "f:replicas") in fields
    assert (
        "f:spec",
        "f:template",
        "f:spec",
        "f:containers",
        'k:{"name":"nginx"}',
        "f:image",
    ) in fields
    assert ("f:spec", "f:selector") in fields  # an atomic map is one leaf
    again = store.patch(DEPLOY, "default", "web", deployment(), APPLY, field_manager="kubectl")
    assert again == created  # nothing changed: same resourceVersion, no event
    assert store.resource_version == 1


def test_apply_yaml_body() -> None:
    store = make_store()
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n"
    created = store.patch(CM, "default", "a", text.encode(), APPLY, field_manager="me")
    assert created["data"] == {"k": "v"} and created["metadata"]["namespace"] == "default"


def test_apply_requires_field_manager() -> None:
    store = make_store()
    with pytest.raises(ApiError) as info:
        store.patch(CM, "default", "a", configmap("a"), APPLY)
    assert info.value.code == 400
    assert "requires fieldManager" in info.value.message


def test_apply_conflict_and_force() -> None:
    store = make_store()
    store.patch(DEPLOY, "default", "web", deployment(), APPLY, field_manager="kubectl")
    store.patch(DEPLOY, "default", "web", {"spec": {"replicas": 2}}, MERGE, field_manager="hpa")
    wanted = deployment(replicas=5)
    with pytest.raises(ApiError) as info:
        store.patch(DEPLOY, "default", "web", wanted, APPLY, field_manager="kubectl")
    status = info.value.status()
    assert (status["code"], status["reason"]) == (409, "Conflict")
    assert status["message"] == (
        'Apply failed with 1 conflict: conflict with "hpa" using apps/v1: .spec.replicas'
    )
    assert status["details"] == {
        "causes": [
            {
                "reason": "FieldManagerConflict",
                "message": 'conflict with "hpa" using apps/v1',
                "field": ".spec.replicas",
            }
        ]
    }
    # the same value is no conflict: both managers own the field
    same = store.patch(
        DEPLOY, "default", "web", deployment(replicas=2), APPLY, field_manager="kubectl"
    )
    assert same["spec"]["replicas"] == 2
    forced = store.patch(
        DEPLOY, "default", "web", wanted, APPLY, field_manager="kubectl", force=True
    )
    assert forced["spec"]["replicas"] == 5
    owners = {m["manager"] for m in forced["metadata"]["managedFields"]}
    assert owners == {"kubectl"}  # hpa owned only replicas, and lost it


def test_apply_conflicts_between_two_appliers() -> None:
    store = make_store()
    store.patch(DEPLOY, "default", "web", deployment(), APPLY, field_manager="a")
    other = deployment(replicas=3, image="nginx:2")
    with pytest.raises(ApiError) as info:
        store.patch(DEPLOY, "default", "web", other, APPLY, field_manager="b")
    assert info.value.message == (
        'Apply failed with 2 conflicts: conflicts with "a":\n'
        "- .spec.replicas\n"
        '- .spec.template.spec.containers[name="nginx"].image'
    )


def test_apply_removes_fields_no_longer_applied() -> None:
    store = make_store()
    first = deployment()
    first["metadata"]["labels"] = {"keep": "1", "drop": "1"}
    containers(first).append({"name": "sidecar", "image": "busybox"})
    store.patch(DEPLOY, "default", "web", first, APPLY, field_manager="kubectl")
    # another manager adds an env var to the sidecar: it must survive
    store.patch(
        DEPLOY,
        "default",
        "web",
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [{"name": "sidecar", "env": [{"name": "X", "value": "1"}]}]
                    }
                }
            }
        },
        STRATEGIC,
        field_manager="other",
    )
    second = deployment()
    second["metadata"]["labels"] = {"keep": "1"}
    result = store.patch(DEPLOY, "default", "web", second, APPLY, field_manager="kubectl")
    assert result["metadata"]["labels"] == {"keep": "1"}
    names = [c["name"] for c in containers(result)]
    assert names == ["nginx", "sidecar"]  # kept: "other" still owns a field inside it
    assert containers(result)[1] == {"name": "sidecar", "env": [{"name": "X", "value": "1"}]}


def test_apply_merges_into_an_object_edited_by_others() -> None:
    store = make_store()
    store.create(CM, "default", configmap("a"), field_manager="kubectl-create")
    applied = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "a"},
        "data": {"x": "y"},
    }
    result = store.patch(CM, "default", "a", applied, APPLY, field_manager="kubectl")
    assert result["data"] == {"k": "v", "x": "y"}
    managers = [(m["manager"], m["operation"]) for m in result["metadata"]["managedFields"]]
    assert managers == [("kubectl-create", "Update"), ("kubectl", "Apply")]


def test_fields_v1_round_trip_and_paths() -> None:
    obj = rich_deployment()
    fields = field_set(obj, DEPLOYMENT_SCHEMA, status_subresource=True)
    assert from_fields_v1(to_fields_v1(fields)) == set(fields)
    assert ("f:metadata", "f:finalizers", 'v:"a.example.com/f"') in fields
    assert ("f:metadata", "f:name") not in fields
    port = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:ports")
    assert (*port, 'k:{"containerPort":443}', ".") in fields
    assert path_string((*port, 'k:{"containerPort":443}', "f:containerPort")) == (
        '.spec.template.spec.containers[name="nginx"].ports[containerPort=443].containerPort'
    )
    assert path_string(("f:metadata", "f:finalizers", 'v:"x"')) == '.metadata.finalizers[="x"]'


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text("ab", max_size=2),
    lambda inner: st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(_json, _json)
def test_merge_patch_is_idempotent(target: Any, patch: Any) -> None:
    once = merge_patch(target, patch)
    assert merge_patch(once, patch) == once


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from("abc"), _json, max_size=3))
def test_strategic_merge_without_lists_is_merge_patch(patch: dict[str, Any]) -> None:
    target = {"a": {"b": 1}, "c": "x"}
    assert strategic_merge_patch(copy.deepcopy(target), patch, MergeSchema()) == merge_patch(
        target, patch
    )


def test_apply_to_the_status_subresource() -> None:
    store = make_store()
    store.patch(DEPLOY, "default", "web", deployment(), APPLY, field_manager="kubectl")
    status_config = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "status": {"replicas": 1, "conditions": [{"type": "Available", "status": "True"}]},
    }
    applied = store.patch_status(
        DEPLOY, "default", "web", status_config, APPLY, field_manager="ctrl"
    )
    assert applied["status"]["replicas"] == 1 and applied["metadata"]["generation"] == 1
    entries = {
        (m["manager"], m.get("subresource", "")) for m in applied["metadata"]["managedFields"]
    }
    assert entries == {("kubectl", ""), ("ctrl", "status")}
    # the main resource ignores status, even in an apply
    again = store.patch(
        DEPLOY,
        "default",
        "web",
        {**deployment(), "status": {"replicas": 7}},
        APPLY,
        field_manager="kubectl",
    )
    assert again["status"]["replicas"] == 1
    # a field the status manager no longer applies is removed
    status_config["status"] = {"replicas": 2}
    final = store.patch_status(DEPLOY, "default", "web", status_config, APPLY, field_manager="ctrl")
    assert final["status"] == {"replicas": 2}


def test_smp_element_without_its_merge_key_is_422() -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}
    with pytest.raises(ApiError) as info:
        smp(patch)
    assert info.value.code == 422
    assert info.value.message == 'map: {"image":"x"} does not contain declared merge key: name'
