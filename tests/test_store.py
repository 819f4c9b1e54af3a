"""The in-memory store (generator/runtime/_store.py) answers as kube-apiserver does."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.runtime._patch import FieldInfo, MergeSchema
from generator.runtime._persist import (
    StateError,
    attach_state,
    load_objects,
    load_state,
    save_state,
)
from generator.runtime._resource import VERBS, ResourceInfo
from generator.runtime._selectors import parse_field_selector, parse_label_selector
from generator.runtime._status import ApiError
from generator.runtime._store import Store

CM = ResourceInfo("", "v1", "ConfigMap", "configmaps", True, VERBS, "configmap", "ConfigMapList")
DEPLOY = ResourceInfo("apps", "v1", "Deployment", "deployments", True, VERBS, "deployment")
DEPLOY_STATUS = ResourceInfo(
    "apps",
    "v1",
    "Deployment",
    "deployments",
    True,
    ("get", "patch", "update"),
    subresource="status",
)
NODE = ResourceInfo("", "v1", "Node", "nodes", False, VERBS, "node")
POD = ResourceInfo("", "v1", "Pod", "pods", True, VERBS, "pod")
DEPLOYMENT_SCHEMA = MergeSchema(
    {
        ("spec", "template", "spec", "containers"): FieldInfo(
            list_type="map", map_keys=("name",), merge_key="name", strategy="merge"
        ),
        ("spec", "template", "spec", "containers", "ports"): FieldInfo(
            list_type="map",
            map_keys=("containerPort", "protocol"),
            merge_key="containerPort",
            strategy="merge",
        ),
        ("spec", "template", "spec", "containers", "env"): FieldInfo(
            list_type="map", map_keys=("name",), merge_key="name", strategy="merge"
        ),
        ("spec", "selector"): FieldInfo(map_type="atomic"),
    }
)


def make_store(**kwargs: Any) -> Store:
    counter = iter(range(1, 10_000))
    return Store(
        [CM, DEPLOY, DEPLOY_STATUS, NODE, POD],
        schemas={"Deployment": DEPLOYMENT_SCHEMA},
        clock=lambda: "2026-01-01T00:00:00Z",
        uid=lambda: f"uid-{next(counter)}",
        **kwargs,
    )


def configmap(name: str, **labels: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}}


def deployment(name: str = "web", replicas: int = 1, image: str = "nginx:1") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "nginx", "image": image}]},
            },
        },
    }


def error_of(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ApiError) as info:
        call(*args, **kwargs)
    status: dict[str, Any] = info.value.status()
    assert status["code"] == info.value.code
    return status


def test_create_fills_server_fields() -> None:
    store = make_store()
    created = store.create(CM, "default", configmap("a"))
    meta = created["metadata"]
    assert (created["apiVersion"], created["kind"]) == ("v1", "ConfigMap")
    assert meta["uid"] == "uid-1" and meta["creationTimestamp"] == "2026-01-01T00:00:00Z"
    assert meta["namespace"] == "default" and meta["resourceVersion"] == "1"
    assert "generation" not in meta  # a ConfigMap has no spec
    assert store.create(DEPLOY, "default", deployment())["metadata"]["generation"] == 1
    assert store.get(CM, "default", "a") == created


def test_resource_version_is_cluster_wide_and_increasing() -> None:
    store = make_store()
    versions = [
        store.create(CM, "default", configmap("a"))["metadata"]["resourceVersion"],
        store.create(DEPLOY, "default", deployment())["metadata"]["resourceVersion"],
        store.create(NODE, "", {"metadata": {"name": "n1"}})["metadata"]["resourceVersion"],
        store.update(CM, "default", "a", configmap("a", x="1"))["metadata"]["resourceVersion"],
    ]
    assert versions == ["1", "2", "3", "4"]


def test_generate_name() -> None:
    store = make_store()
    created = store.create(CM, "default", {"metadata": {"generateName": "cm-"}})
    name = created["metadata"]["name"]
    assert name.startswith("cm-") and len(name) == 8
    assert store.get(CM, "default", name)["metadata"]["uid"] == created["metadata"]["uid"]


def test_create_without_name_is_invalid() -> None:
    status = error_of(make_store().create, CM, "default", {"metadata": {}})
    assert status["reason"] == "Invalid"
    assert status["message"] == (
        'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required'
    )


def test_already_exists() -> None:
    store = make_store()
    store.create(CM, "default", configmap("a"))
    store.create(CM, "other", configmap("a"))  # another namespace is another object
    status = error_of(store.create, CM, "default", configmap("a"))
    assert status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'configmaps "a" already exists',
        "reason": "AlreadyExists",
        "details": {"name": "a", "kind": "configmaps"},
        "code": 409,
    }
    store.create(DEPLOY, "default", deployment())
    status = error_of(store.create, DEPLOY, "default", deployment())
    assert status["message"] == 'deployments.apps "web" already exists'
    assert status["details"] == {"name": "web", "group": "apps", "kind": "deployments"}


def test_not_found_message_shape() -> None:
    store = make_store()
    status = error_of(store.get, CM, "default", "x")
    assert (status["code"], status["reason"], status["message"]) == (
        404,
        "NotFound",
        'configmaps "x" not found',
    )
    assert status["details"] == {"name": "x", "kind": "configmaps"}
    status = error_of(store.delete, DEPLOY, "default", "x")
    assert status["message"] == 'deployments.apps "x" not found'
    assert status["details"] == {"name": "x", "group": "apps", "kind": "deployments"}
    assert error_of(store.update, CM, "default", "x", configmap("x"))["code"] == 404
    assert (
        error_of(store.patch, CM, "default", "x", {}, "application/merge-patch+json")["code"] == 404
    )


def test_stale_resource_version_conflicts() -> None:
    store = make_store()
    first = store.create(CM, "default", configmap("a"))
    store.update(CM, "default", "a", configmap("a", v="2"))
    stale = copy.deepcopy(first)
    stale["data"] = {"k": "stale"}
    status = error_of(store.update, CM, "default", "a", stale)
    assert (status["code"], status["reason"]) == (409, "Conflict")
    assert status["message"] == (
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    assert status["details"] == {"name": "a", "kind": "configmaps"}
    patch = {"metadata": {"resourceVersion": "1"}, "data": {"k": "x"}}
    status = error_of(store.patch, CM, "default", "a", patch, "application/merge-patch+json")
    assert status["reason"] == "Conflict"
    assert store.get(CM, "default", "a")["data"] == {"k": "v"}


def test_update_checks_name_and_namespace() -> None:
    store = make_store()
    store.create(CM, "default", configmap("a"))
    status = error_of(store.update, CM, "default", "a", configmap("b"))
    assert status["message"] == "the name of the object (b) does not match the name on the URL (a)"
    body = configmap("a")
    body["metadata"]["namespace"] = "other"
    status = error_of(store.update, CM, "default", "a", body)
    assert status["code"] == 400 and "namespace of the provided object" in status["message"]
    status = error_of(store.create, CM, "default", {"kind": "Secret", "metadata": {"name": "s"}})
    assert status["code"] == 400


def test_generation_bumps_on_spec_only() -> None:
    store = make_store()
    store.create(DEPLOY, "default", deployment())
    labelled = store.patch(
        DEPLOY,
        "default",
        "web",
        {"metadata": {"labels": {"x": "y"}}},
        "application/merge-patch+json",
    )
    assert labelled["metadata"]["generation"] == 1
    scaled = store.patch(
        DEPLOY, "default", "web", {"spec": {"replicas": 3}}, "application/merge-patch+json"
    )
    assert scaled["metadata"]["generation"] == 2
    status = store.patch_status(
        DEPLOY, "default", "web", {"status": {"replicas": 3}}, "application/merge-patch+json"
    )
    assert status["metadata"]["generation"] == 2 and status["status"] == {"replicas": 3}


def test_status_subresource_separation() -> None:
    store = make_store()
    body = deployment()
    body["status"] = {"replicas": 9}
    created = store.create(DEPLOY, "default", body)
    assert "status" not in created  # create drops the status of a status subresource
    with_status = copy.deepcopy(created)
    with_status["status"] = {"replicas": 1}
    with_status["spec"]["replicas"] = 5
    updated = store.update_status(DEPLOY, "default", "web", with_status)
    assert updated["status"] == {"replicas": 1} and updated["spec"]["replicas"] == 1
    main = copy.deepcopy(updated)
    main["status"] = {"replicas": 42}
    main["spec"]["replicas"] = 2
    updated = store.update(DEPLOY, "default", "web", main)
    assert updated["status"] == {"replicas": 1} and updated["spec"]["replicas"] == 2


def test_noop_update_stores_nothing() -> None:
    store = make_store()
    created = store.create(CM, "default", configmap("a"))
    again = store.update(CM, "default", "a", configmap("a"))
    assert again["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    assert store.resource_version == 1


def test_dry_run_persists_nothing() -> None:
    store = make_store()
    created = store.create(CM, "default", configmap("a"), dry_run=True)
    assert created["metadata"]["name"] == "a"
    assert error_of(store.get, CM, "default", "a")["code"] == 404
    store.create(CM, "default", configmap("a"))
    store.update(CM, "default", "a", configmap("a", x="1"), dry_run=True)
    store.patch(CM, "default", "a", {"data": None}, "application/merge-patch+json", dry_run=True)
    store.delete(CM, "default", "a", dry_run=True)
    store.deletecollection(CM, "default", dry_run=True)
    assert store.get(CM, "default", "a")["data"] == {"k": "v"}
    assert store.resource_version == 1 and len(store.log.since(0)) == 1


def test_delete_answers_status_or_object() -> None:
    store = make_store()
    store.create(CM, "default", configmap("a"))
    assert store.delete(CM, "default", "a") == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": "a", "kind": "configmaps", "uid": "uid-1"},
    }
    store.create(DEPLOY, "default", deployment())
    assert store.delete(DEPLOY, "default", "web")["details"] == {
        "name": "web",
        "group": "apps",
        "kind": "deployments",
        "uid": "uid-2",
    }
    store.create(POD, "default", {"metadata": {"name": "p"}, "spec": {}})
    deleted = store.delete(POD, "default", "p")
    assert deleted["kind"] == "Pod" and deleted["metadata"]["resourceVersion"] == "6"
    assert error_of(store.get, POD, "default", "p")["code"] == 404


def test_delete_preconditions() -> None:
    store = make_store()
    store.create(CM, "default", configmap("a"))
    status = error_of(store.delete, CM, "default", "a", uid="other")
    assert status["message"] == (
        'Operation cannot be fulfilled on configmaps "a": Precondition failed: '
        "UID in precondition: other, UID in object meta: uid-1"
    )
    status = error_of(store.delete, CM, "default", "a", resource_version="7")
    assert status["reason"] == "Conflict"


def test_finalizers_block_deletion() -> None:
    store = make_store()
    body = configmap("a")
    body["metadata"]["finalizers"] = ["example.com/one", "example.com/two"]
    store.create(CM, "default", body)
    marked = store.delete(CM, "default", "a")
    assert marked["kind"] == "ConfigMap"
    assert marked["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:00Z"
    assert marked["metadata"]["deletionGracePeriodSeconds"] == 0
    assert store.get(CM, "default", "a")["metadata"]["deletionTimestamp"]
    assert store.delete(CM, "default", "a") == marked  # a second delete changes nothing
    patch = [{"op": "remove", "path": "/metadata/finalizers/0"}]
    left = store.patch(CM, "default", "a", patch, "application/json-patch+json")
    assert left["metadata"]["finalizers"] == ["example.com/two"]
    assert store.get(CM, "default", "a")["metadata"]["deletionTimestamp"]
    final = store.patch(
        CM, "default", "a", {"metadata": {"finalizers": None}}, "application/merge-patch+json"
    )
    assert "finalizers" not in final["metadata"]
    assert error_of(store.get, CM, "default", "a")["code"] == 404
    assert [e.type for e in store.log.since(0)] == ["ADDED", "MODIFIED", "MODIFIED", "DELETED"]


def test_deletecollection_answers_the_list() -> None:
    store = make_store()
    for name, tier in [("a", "web"), ("b", "db"), ("c", "web")]:
        store.create(CM, "default", configmap(name, tier=tier))
    store.create(CM, "other", configmap("d", tier="web"))
    deleted = store.deletecollection(CM, "default", label_selector="tier=web")
    assert deleted["kind"] == "ConfigMapList"
    assert [i["metadata"]["name"] for i in deleted["items"]] == ["a", "c"]
    left = store.list(CM, "")
    assert [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in left["items"]] == [
        ("default", "b"),
        ("other", "d"),
    ]


def test_cluster_scoped_resources_ignore_namespaces() -> None:
    store = make_store()
    created = store.create(NODE, "", {"metadata": {"name": "n1", "namespace": "x"}})
    assert "namespace" not in created["metadata"]
    assert [i["metadata"]["name"] for i in store.list(NODE, "")["items"]] == ["n1"]


def test_list_with_selectors() -> None:
    store = make_store()
    store.create(CM, "default", configmap("a", app="web", tier="front"))
    store.create(CM, "default", configmap("b", app="web"))
    store.create(CM, "default", configmap("c", app="db"))
    store.create(CM, "kube-system", configmap("d", app="web"))

    def names(**query: Any) -> list[str]:
        return [
            i["metadata"]["name"] for i in store.list(CM, query.pop("ns", ""), **query)["items"]
        ]

    assert names(label_selector="app=web") == ["a", "b", "d"]
    assert names(label_selector="app==web,tier") == ["a"]
    assert names(label_selector="app!=web") == ["c"]
    assert names(label_selector="app in (db, web),!tier") == ["b", "c", "d"]
    assert names(label_selector="app notin (web)") == ["c"]
    assert names(label_selector="tier!=front") == ["b", "c", "d"]  # lacking the label matches
    assert names(field_selector="metadata.name=b") == ["b"]
    assert names(field_selector="metadata.namespace!=default") == ["d"]
    assert names(ns="default", field_selector="metadata.name==c") == ["c"]
    listed = store.list(CM, "default")
    assert listed["kind"] == "ConfigMapList" and listed["apiVersion"] == "v1"
    assert listed["metadata"] == {"resourceVersion": "4"}


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ("a in (b", "unable to parse requirement"),
        ("=x", "unable to parse requirement"),
        ("a=b c", "unable to parse requirement"),
    ],
)
def test_bad_label_selector_is_400(selector: str, message: str) -> None:
    status = error_of(parse_label_selector, selector)
    assert status["code"] == 400 and status["reason"] == "BadRequest"
    assert status["message"].startswith(message)


def test_unknown_field_selector_is_400() -> None:
    status = error_of(parse_field_selector, "spec.x=1")
    assert (status["code"], status["message"]) == (400, "field label not supported: spec.x")
    assert parse_field_selector("status.phase=Running", ["status.phase"]).terms


def test_paging_is_a_consistent_snapshot() -> None:
    store = make_store()
    for i in range(7):
        store.create(CM, "default", configmap(f"cm-{i}"))
    first = store.list(CM, "default", limit=3)
    assert [i["metadata"]["name"] for i in first["items"]] == ["cm-0", "cm-1", "cm-2"]
    assert first["metadata"]["remainingItemCount"] == 4
    # changes after the first page do not show in the next ones
    store.delete(CM, "default", "cm-4")
    store.create(CM, "default", configmap("cm-3a"))
    store.update(CM, "default", "cm-5", configmap("cm-5", changed="yes"))
    second = store.list(CM, "default", limit=3, continue_=first["metadata"]["continue"])
    assert [i["metadata"]["name"] for i in second["items"]] == ["cm-3", "cm-4", "cm-5"]
    assert second["items"][2]["metadata"]["labels"] == {}
    assert second["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
    third = store.list(CM, "default", limit=3, continue_=second["metadata"]["continue"])
    assert [i["metadata"]["name"] for i in third["items"]] == ["cm-6"]
    assert "continue" not in third["metadata"]
    fresh = store.list(CM, "default")
    assert [i["metadata"]["name"] for i in fresh["items"]] == [
        "cm-0",
        "cm-1",
        "cm-2",
        "cm-3",
        "cm-3a",
        "cm-5",
        "cm-6",
    ]


def test_expired_continue_is_410() -> None:
    store = make_store(history=3)
    for i in range(4):
        store.create(CM, "default", configmap(f"cm-{i}"))
    page = store.list(CM, "default", limit=2)
    for i in range(4):
        store.update(CM, "default", f"cm-{i}", configmap(f"cm-{i}", n="1"))
    status = error_of(store.list, CM, "default", limit=2, continue_=page["metadata"]["continue"])
    assert (status["code"], status["reason"]) == (410, "Expired")
    assert status["message"].startswith("The provided continue parameter is too old")
    status = error_of(store.list, CM, "default", continue_="not-a-token")
    assert status["code"] == 400 and status["message"].startswith("continue key is not valid")


def test_validate_callable_answers_422() -> None:
    def validate(resource: ResourceInfo, obj: dict[str, Any]) -> dict[str, Any] | None:
        if obj.get("data", {}).get("k") == "bad":
            return ApiError(422, 'ConfigMap "a" is invalid: data.k: Invalid value: "bad"').status()
        return None

    store = make_store(validate=validate)
    store.create(CM, "default", configmap("a"))
    bad = configmap("a")
    bad["data"]["k"] = "bad"
    status = error_of(store.update, CM, "default", "a", bad)
    assert (status["code"], status["reason"]) == (422, "Invalid")
    assert error_of(store.create, CM, "default", {**bad, "metadata": {"name": "b"}})["code"] == 422
    assert store.get(CM, "default", "a")["data"] == {"k": "v"}


def test_unsupported_patch_type_is_415() -> None:
    store = make_store(custom=[("apps", "deployments")])
    store.create(DEPLOY, "default", deployment())
    status = error_of(
        store.patch, DEPLOY, "default", "web", {}, "application/strategic-merge-patch+json"
    )
    assert (status["code"], status["reason"]) == (415, "UnsupportedMediaType")
    assert status["message"] == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    )


def test_state_round_trips_atomically(tmp_path: Any) -> None:
    store = make_store()
    store.create(CM, "default", configmap("a"))
    store.create(NODE, "", {"metadata": {"name": "n1"}})
    path = tmp_path / "state.json"
    save_state(path, store)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temporary left
    again = make_store()
    assert load_state(path, again) is True
    assert again.get(CM, "default", "a") == store.get(CM, "default", "a")
    assert again.resource_version == 2
    created = again.create(CM, "default", configmap("b"))
    assert created["metadata"]["resourceVersion"] == "3"
    assert load_state(tmp_path / "missing.json", make_store()) is False
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(StateError, match="bad.json: not a state file"):
        load_state(tmp_path / "bad.json", make_store())


def test_attach_state_saves_every_change(tmp_path: Any) -> None:
    store = make_store()
    path = tmp_path / "state.json"
    attach_state(store, path)
    store.create(CM, "default", configmap("a"))
    store.delete(CM, "default", "a")
    store.create(CM, "default", configmap("b"))
    again = make_store()
    load_state(path, again)
    assert [i["metadata"]["name"] for i in again.list(CM, "")["items"]] == ["b"]


def test_load_objects_from_yaml(tmp_path: Any) -> None:
    path = tmp_path / "objects.yaml"
    path.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ns1}\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n"
        "- {apiVersion: v1, kind: Node, metadata: {name: n1}}\n",
        encoding="utf-8",
    )
    store = make_store()
    assert load_objects(path, store) == 3
    assert store.get(CM, "ns1", "a")["metadata"]["uid"]
    assert store.get(CM, "default", "b")
    assert store.get(NODE, "", "n1")
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v9\nkind: Nope\nmetadata: {name: x}\n", encoding="utf-8")
    with pytest.raises(StateError, match=r"bad.yaml#/0: the store serves no Nope of v9"):
        load_objects(bad, store)


_KEYS = [
    "metadata",
    "name",
    "spec",
    "template",
    "containers",
    "ports",
    "containerPort",
    "finalizers",
    "labels",
    "selector",
    "replicas",
    "status",
    "$patch",
    "$retainKeys",
    "op",
    "path",
    "value",
    "$setElementOrder/containers",
    "$deleteFromPrimitiveList/finalizers",
    "apiVersion",
    "kind",
]
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from(["", "a", "delete", "replace", "/spec", "add", "remove", "nginx"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)
PATCH_CONTENT = [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
    "text/plain",
]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_json, st.sampled_from(PATCH_CONTENT), st.sampled_from(["create", "update", "patch"]))
def test_any_body_is_stored_or_a_4xx(body: Any, patch_type: str, verb: str) -> None:
    """Never an exception other than an ApiError below 500: the server never answers a 5xx."""
    store = make_store()
    store.create(DEPLOY, "default", deployment())
    try:
        if verb == "create":
            store.create(DEPLOY, "default", body)
        elif verb == "update":
            store.update(DEPLOY, "default", "web", body)
        else:
            store.patch(DEPLOY, "default", "web", body, patch_type, field_manager="fuzz")
    except ApiError as error:
        assert 400 <= error.code < 500
        assert error.status()["reason"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_json, st.sampled_from(PATCH_CONTENT[:4]), st.booleans()), max_size=4))
def test_any_patch_sequence_is_stored_or_a_4xx(steps: list[tuple[Any, str, bool]]) -> None:
    store = make_store()
    store.create(DEPLOY, "default", deployment())
    for i, (body, patch_type, force) in enumerate(steps):
        if isinstance(body, dict) and patch_type.endswith("yaml"):
            body = {**deployment(), **body, "metadata": {"name": "web"}}
        try:
            store.patch(
                DEPLOY, "default", "web", body, patch_type, field_manager=f"m{i % 2}", force=force
            )
        except ApiError as error:
            assert 400 <= error.code < 500


def test_update_checks_uid_and_finalizers_during_deletion() -> None:
    store = make_store()
    body = configmap("a")
    body["metadata"]["finalizers"] = ["example.com/one"]
    store.create(CM, "default", body)
    other = configmap("a")
    other["metadata"]["uid"] = "someone-else"
    status = error_of(store.update, CM, "default", "a", other)
    assert status["message"] == (
        'Operation cannot be fulfilled on configmaps "a": Precondition failed: '
        "UID in precondition: someone-else, UID in object meta: uid-1"
    )
    store.delete(CM, "default", "a")
    more = {"metadata": {"finalizers": ["example.com/one", "example.com/two"]}}
    status = error_of(store.patch, CM, "default", "a", more, "application/merge-patch+json")
    assert (status["code"], status["reason"]) == (422, "Invalid")
    assert status["message"] == (
        'ConfigMap "a" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added '
        'if the object is being deleted, found new finalizers []string{"example.com/two"}'
    )


def test_a_namespaced_object_needs_a_namespace() -> None:
    status = error_of(make_store().create, CM, "", configmap("a"))
    assert status["code"] == 400
