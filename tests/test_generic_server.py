"""The generated server of any kind, on its default in-memory store, against real clients.

Packages come from the v1.35 upstream document (tests/generic_support.py); every
server runs on uvicorn at 127.0.0.1 and is judged by the official `kubernetes`
client and plain httpx.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from generic_support import TOKEN, Package, generic_packages

from tests.loopback import serve
from tests.server_harness import _wait_for_url

__all__ = ["generic_packages"]  # the fixture, imported for pytest

pytestmark = pytest.mark.timeout(180)
kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client as k8s  # noqa: E402
from kubernetes import watch as k8s_watch  # noqa: E402

AUTH = {"authorization": f"Bearer {TOKEN}"}
CM_PATH = "/api/v1/namespaces/default/configmaps"


@pytest.fixture()
def cm_url(generic_packages: dict[str, Package]) -> Iterator[str]:
    with serve(generic_packages["cm_node_v1"].app()) as url:
        yield url


@pytest.fixture()
def core(cm_url: str) -> Iterator[Any]:
    configuration = k8s.Configuration()
    configuration.host = cm_url
    configuration.api_key = {"authorization": TOKEN}
    configuration.api_key_prefix = {"authorization": "Bearer"}
    with k8s.ApiClient(configuration) as api_client:
        yield k8s.CoreV1Api(api_client)


def manifest(name: str, **labels: str) -> Any:
    return k8s.V1ConfigMap(
        metadata=k8s.V1ObjectMeta(name=name, labels=labels or None), data={"k": "v"}
    )


def test_official_client_crud(core: Any) -> None:
    created = core.create_namespaced_config_map("default", manifest("a", app="web"))
    assert created.metadata.uid and created.metadata.resource_version
    core.create_namespaced_config_map("default", manifest("b", app="db"))
    with pytest.raises(k8s.ApiException) as info:
        core.create_namespaced_config_map("default", manifest("b"))
    assert info.value.status == 409 and json.loads(info.value.body)["reason"] == "AlreadyExists"
    assert core.read_namespaced_config_map("a", "default").data == {"k": "v"}
    selected = core.list_namespaced_config_map("default", label_selector="app=web")
    assert [i.metadata.name for i in selected.items] == ["a"]
    for i in range(3):
        core.create_namespaced_config_map("default", manifest(f"p{i}"))
    names, token = [], None
    for _ in range(10):
        page = core.list_namespaced_config_map("default", limit=2, _continue=token)
        names += [i.metadata.name for i in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert names == ["a", "b", "p0", "p1", "p2"]

    stale = core.read_namespaced_config_map("a", "default")
    core.patch_namespaced_config_map("a", "default", {"data": {"k": "merged"}})
    stale.data = {"k": "stale"}
    with pytest.raises(k8s.ApiException) as info:
        core.replace_namespaced_config_map("a", "default", stale)
    assert info.value.status == 409 and json.loads(info.value.body)["reason"] == "Conflict"
    patched = core.patch_namespaced_config_map(
        "a",
        "default",
        {"metadata": {"labels": {"x": "y"}}},
        _content_type="application/merge-patch+json",
    )
    assert patched.metadata.labels == {"app": "web", "x": "y"} and patched.data == {"k": "merged"}
    strategic = core.patch_namespaced_config_map(
        "a",
        "default",
        {"metadata": {"finalizers": ["example.com/f"]}},
        _content_type="application/strategic-merge-patch+json",
    )
    assert strategic.metadata.finalizers == ["example.com/f"]
    with pytest.raises(k8s.ApiException) as info:  # the generated validators: 422
        core.patch_namespaced_config_map("a", "default", {"data": {"k": 1}})
    assert info.value.status == 422 and json.loads(info.value.body)["reason"] == "Invalid"
    status = core.delete_namespaced_config_map("b", "default")
    assert status["status"] == "Success" and status["details"]["name"] == "b"
    with pytest.raises(k8s.ApiException) as info:
        core.read_namespaced_config_map("b", "default")
    assert info.value.status == 404
    assert json.loads(info.value.body)["message"] == 'configmaps "b" not found'


def test_official_client_watch_in_order(core: Any) -> None:
    core.create_namespaced_config_map("default", manifest("first"))  # a resourceVersion above 0
    start = core.list_namespaced_config_map("default").metadata.resource_version
    core.create_namespaced_config_map("default", manifest("w"))
    core.patch_namespaced_config_map("w", "default", {"data": {"k": "2"}})
    core.delete_namespaced_config_map("w", "default")
    stream = k8s_watch.Watch().stream(
        core.list_namespaced_config_map, "default", resource_version=start, timeout_seconds=2
    )
    seen = []
    for event in stream:
        seen.append((event["type"], event["object"].metadata.name))
        if len(seen) == 3:
            break
    assert seen == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]


def test_watch_wire_bookmarks_timeout_and_410(cm_url: str) -> None:
    with httpx.Client(base_url=cm_url, headers=AUTH, timeout=10) as http:
        http.post(CM_PATH, json={"metadata": {"name": "x"}, "data": {}}).raise_for_status()
        query = {"watch": "true", "timeoutSeconds": "1", "allowWatchBookmarks": "true"}
        lines = http.get(CM_PATH, params=query).text.splitlines()  # ends after timeoutSeconds
        events = [json.loads(line) for line in lines]
        assert events[0]["type"] == "ADDED" and events[0]["object"]["metadata"]["name"] == "x"
        gone = http.get(CM_PATH, params={"watch": "true", "resourceVersion": "-5"})
        error = json.loads(gone.text.splitlines()[0])  # older than the kept history
        assert error["type"] == "ERROR" and error["object"]["code"] == 410
        table = http.get(
            CM_PATH,
            params={"watch": "true", "timeoutSeconds": "1"},
            headers={"accept": "application/json;as=Table;v=v1;g=meta.k8s.io"},
        )
        event = json.loads(table.text.splitlines()[0])
        assert event["object"]["kind"] == "Table"
        assert event["object"]["rows"][0]["cells"][0] == "x"


def test_openapi_v2_is_the_served_document_as_swagger_2(cm_url: str) -> None:
    """`/openapi/v2`, as kube-apiserver serves it: one Swagger 2.0 document of every route,
    valid for openapi-spec-validator, its operations carrying Kubernetes' extensions."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV2SpecValidator

    assert httpx.get(cm_url + "/openapi/v2").status_code == 401
    answer = httpx.get(cm_url + "/openapi/v2", headers=AUTH)
    assert answer.status_code == 200, answer.text
    document = answer.json()
    validate(document, cls=OpenAPIV2SpecValidator)
    assert document["swagger"] == "2.0"
    assert {"ConfigMap", "ConfigMapList", "Node", "Status"} <= set(document["definitions"])
    create = document["paths"]["/api/v1/namespaces/{namespace}/configmaps"]["post"]
    assert create["x-kubernetes-action"] == "post"
    assert create["x-kubernetes-group-version-kind"] == {
        "group": "",
        "version": "v1",
        "kind": "ConfigMap",
    }
    (body,) = [p for p in create["parameters"] if p["in"] == "body"]
    assert body["schema"] == {"$ref": "#/definitions/ConfigMap"}
    assert "#/components/" not in answer.text


def test_status_of_bad_requests_never_a_5xx(cm_url: str) -> None:
    with httpx.Client(base_url=cm_url, headers=AUTH, timeout=10) as http:
        for method, path, body in [
            ("POST", CM_PATH, b"{nope"),
            ("POST", CM_PATH, b"[]"),
            ("PATCH", CM_PATH + "/none", b"{}"),
            ("GET", CM_PATH + "?labelSelector=a%3D%3D%3D", b""),
            ("GET", CM_PATH + "?limit=x", b""),
            ("GET", "/api/v1/nothing", b""),
        ]:
            answer = http.request(
                method, path, content=body, headers={"content-type": "application/json"}
            )
            assert 400 <= answer.status_code < 500, (path, answer.text)
            assert answer.json()["kind"] == "Status"


def test_cluster_scoped_node_and_state_file(
    generic_packages: dict[str, Package], tmp_path: Any
) -> None:
    state = tmp_path / "state.json"
    package = generic_packages["cm_node_v1"]
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}
    with serve(package.app(state=state)) as url, httpx.Client(base_url=url, headers=AUTH) as http:
        created = http.post("/api/v1/nodes", json=node)
        assert created.status_code == 201 and "namespace" not in created.json()["metadata"]
        status = http.patch(
            "/api/v1/nodes/n1/status",
            content=json.dumps({"status": {"phase": "Running"}}),
            headers={"content-type": "application/merge-patch+json"},
        )
        assert status.status_code == 200 and status.json()["status"]["phase"] == "Running"
        ignored = http.patch(  # the main resource ignores status
            "/api/v1/nodes/n1",
            content=json.dumps({"status": {"phase": "Terminated"}}),
            headers={"content-type": "application/merge-patch+json"},
        )
        assert ignored.json()["status"]["phase"] == "Running"
    assert json.loads(state.read_text())["kind"] == "StoreState"
    with serve(package.app(state=state)) as url, httpx.Client(base_url=url, headers=AUTH) as http:
        assert http.get("/api/v1/nodes/n1").json()["status"]["phase"] == "Running"


def test_crd_server_serves_customresourcedefinitions(generic_packages: dict[str, Package]) -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"plural": "widgets", "kind": "Widget"},
            "scope": "Namespaced",
            "versions": [
                {"name": "v1", "served": True, "storage": True,
                 "schema": {"openAPIV3Schema": {"type": "object"}}}
            ],
        },
    }  # fmt: skip
    path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
    app = generic_packages["crd_v1"].app()
    with serve(app) as url, httpx.Client(base_url=url, headers=AUTH) as http:
        assert http.post(path, json=crd).status_code == 201
        listed = http.get(path).json()
        assert [i["metadata"]["name"] for i in listed["items"]] == ["widgets.example.com"]
        discovery = http.get("/apis/apiextensions.k8s.io/v1").json()
        assert [r["name"] for r in discovery["resources"]][:1] == ["customresourcedefinitions"]


LOAD_REQUESTS = 2000
CONCURRENCY = 32


def test_load_mixed_requests(cm_url: str) -> None:
    """32 threads, 2,000 requests: creates, conflicting updates, lists, one watch throughout."""
    events: list[dict[str, Any]] = []
    started = threading.Event()

    def watch() -> None:
        """As a client does: resume from the last event's resourceVersion when a watch ends."""
        rv = "1"
        with httpx.Client(base_url=cm_url, headers=AUTH, timeout=60) as http:
            for _ in range(50):
                query = {"watch": "true", "resourceVersion": rv, "timeoutSeconds": "30"}
                with http.stream("GET", CM_PATH, params=query) as lines:
                    started.set()
                    for line in lines.iter_lines():
                        event = json.loads(line)
                        assert event["type"] != "ERROR", event
                        events.append(event)
                        rv = event["object"]["metadata"]["resourceVersion"]
                        if event["object"]["metadata"].get("name") == "done":
                            return

    with httpx.Client(base_url=cm_url, headers=AUTH, timeout=30) as setup:
        setup.post(CM_PATH, json={"metadata": {"name": "seed"}}).raise_for_status()
    watcher = threading.Thread(target=watch)
    watcher.start()
    assert started.wait(10)
    codes: list[int] = []
    versions: list[int] = []
    lock = threading.Lock()

    local = threading.local()

    def work(i: int) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(base_url=cm_url, headers=AUTH, timeout=30)
        http = local.http
        if True:
            kind = i % 4
            if kind == 0:
                answer = http.post(CM_PATH, json={"metadata": {"name": f"c{i}"}, "data": {}})
            elif kind == 1:  # a stale resourceVersion half the time: 409
                current = http.get(f"{CM_PATH}/seed").json()
                rv = current["metadata"]["resourceVersion"] if i % 8 == 1 else "1"
                body = {"metadata": {"name": "seed", "resourceVersion": rv}, "data": {"i": str(i)}}
                answer = http.put(f"{CM_PATH}/seed", json=body)
            elif kind == 2:
                answer = http.get(CM_PATH, params={"limit": "5"})
            else:
                answer = http.get(f"{CM_PATH}/c{i - 3}")
            with lock:
                codes.append(answer.status_code)
                if answer.status_code in (200, 201) and kind in (0, 1):
                    versions.append(int(answer.json()["metadata"]["resourceVersion"]))

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(work, range(LOAD_REQUESTS)))
    with httpx.Client(base_url=cm_url, headers=AUTH, timeout=30) as http:
        http.post(CM_PATH, json={"metadata": {"name": "done"}}).raise_for_status()
        final = http.get(CM_PATH).json()
    watcher.join(30)
    assert not [c for c in codes if c >= 500]
    assert 409 in codes and len(versions) == len(set(versions))  # every write its own version
    seen = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert seen == sorted(seen) and len(seen) == len(set(seen))  # strictly increasing, no dups
    last: dict[str, str] = {}
    for event in events:
        last[event["object"]["metadata"]["name"]] = event["object"]["metadata"]["resourceVersion"]
    stored = {i["metadata"]["name"]: i["metadata"]["resourceVersion"] for i in final["items"]}
    assert last == stored  # nothing lost: the events replay to the final state


FUZZ_EXAMPLES = 15


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/namespaces/{namespace}/configmaps", "POST"),
        ("/api/v1/namespaces/{namespace}/configmaps/{name}", "PUT"),
        ("/api/v1/namespaces/{namespace}/configmaps/{name}", "PATCH"),
        ("/api/v1/namespaces/{namespace}/configmaps", "GET"),
        ("/api/v1/namespaces/{namespace}/configmaps/{name}", "DELETE"),
    ],
)
def test_fuzzed_requests_never_fail_the_server(cm_url: str, path: str, method: str) -> None:
    """Whatever schemathesis sends from the server's `/openapi/v3/api/v1`, the answer is
    below 500 and every error is a Status."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    with httpx.Client(base_url=cm_url, headers=AUTH) as http:
        document = http.get("/openapi/v3/api/v1").json()
        http.post(CM_PATH, json={"metadata": {"name": "fuzzed"}}).raise_for_status()
    operation = schemathesis.openapi.from_dict(document)[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def answer_is_never_a_server_error(case: Any) -> None:
        parameters = {"namespace": "default"}
        if "{name}" in path:
            parameters["name"] = "fuzzed"  # reach past the 404
        case.path_parameters = parameters
        response = case.call(base_url=cm_url, headers=AUTH, timeout=30)
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            status = json.loads(response.content)
            assert status["kind"] == "Status" and status["code"] == response.status_code

    answer_is_never_a_server_error()


@contextmanager
def command_line(package: Package, *arguments: str) -> Iterator[str]:
    """`python -m PKG.server` in a subprocess on 127.0.0.1, port 0; its URL."""
    env = {**os.environ, "PYTHONPATH": str(package.folder.parent)}
    process = subprocess.Popen(
        [sys.executable, "-m", f"{package.root.__name__}.server", "--host", "127.0.0.1"]
        + ["--port", "0", *arguments],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield _wait_for_url(process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


def test_command_line_objects_and_state(
    generic_packages: dict[str, Package], tmp_path: Path
) -> None:
    package = generic_packages["cm_node_v1"]
    tokens = tmp_path / "tokens.csv"
    tokens.write_text(f'{TOKEN},admin,admin-uid,"system:masters"\n', encoding="utf-8")
    objects = tmp_path / "objects.yaml"
    objects.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: preloaded, namespace: team}\n"
        "data: {k: v}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n0}\n",
        encoding="utf-8",
    )
    state = tmp_path / "state.json"
    common = ["--token-auth-file", str(tokens), "--state", str(state)]
    with command_line(package, *common, "--objects", str(objects)) as url:
        with httpx.Client(base_url=url, headers=AUTH, timeout=10) as http:
            found = http.get("/api/v1/namespaces/team/configmaps/preloaded")
            assert found.status_code == 200 and found.json()["data"] == {"k": "v"}
            assert http.get("/api/v1/nodes/n0").status_code == 200
            http.delete("/api/v1/nodes/n0").raise_for_status()
            assert http.get("/version").json()["gitVersion"].startswith("v1.")
            assert httpx.get(url + "/api/v1/nodes").status_code == 401  # no token
    with command_line(package, *common) as url:  # restarted: the state, not the objects
        with httpx.Client(base_url=url, headers=AUTH, timeout=10) as http:
            assert http.get("/api/v1/namespaces/team/configmaps/preloaded").status_code == 200
            assert http.get("/api/v1/nodes/n0").status_code == 404


def test_deployment_scale_subresource(generic_packages: dict[str, Package]) -> None:
    path = "/apis/apps/v1/namespaces/default/deployments"
    deployment = {
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1"}]},
            },
        },
    }
    app = generic_packages["apps_v1"].app()
    with serve(app) as url, httpx.Client(base_url=url, headers=AUTH) as http:
        assert http.post(path, json=deployment).status_code == 201
        scale = http.get(f"{path}/web/scale").json()
        assert scale["kind"] == "Scale" and scale["spec"]["replicas"] == 1
        assert scale["status"]["selector"] == "app=web"
        scale["spec"]["replicas"] = 4
        assert http.put(f"{path}/web/scale", json=scale).json()["spec"]["replicas"] == 4
        stale = http.put(f"{path}/web/scale", json=scale)  # the old resourceVersion
        assert stale.status_code == 409 and stale.json()["reason"] == "Conflict"
        patched = http.patch(
            f"{path}/web/scale",
            content=json.dumps({"spec": {"replicas": 2}}),
            headers={"content-type": "application/merge-patch+json"},
        )
        assert patched.status_code == 200 and patched.json()["spec"]["replicas"] == 2
        assert http.get(f"{path}/web").json()["spec"]["replicas"] == 2


def test_the_store_ships_only_with_packages_that_store_objects(
    generic_packages: dict[str, Package],
) -> None:
    """ConfigMap's package serves objects from the store; the TokenRequest package serves only
    a subresource, so it carries none of the store's modules (nothing of it would import them)."""
    from conftest import GENERATED

    store_modules = {"_store.py", "_persist.py", "_apply.py", "_watch.py", "_selectors.py"}
    configmaps = {p.name for p in generic_packages["cm_node_v1"].folder.iterdir()}
    assert store_modules <= configmaps
    committed = {p.name for p in (GENERATED / "authentication_k8s_io_v1").iterdir()}
    assert not store_modules & committed
    assert {"_patch.py", "_table.py", "_kubectl.py"} <= committed  # for a backend a user passes
