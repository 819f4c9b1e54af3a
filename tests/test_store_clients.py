"""The store's answers satisfy the official `kubernetes` client over real HTTP.

A minimal Starlette app (here, not the generated server: that wiring happens in
the server artifact) routes ConfigMap requests to `Store` methods, so this checks
the store's wire shapes — lists, continue tokens, Status errors, watch events —
against a real client, on uvicorn at 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from generator.runtime._status import ApiError
from generator.runtime._store import Store
from tests.loopback import serve
from tests.test_store import CM, make_store

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client as k8s  # noqa: E402
from kubernetes import watch as k8s_watch  # noqa: E402


def make_app(store: Store) -> Starlette:
    async def collection(request: Request) -> Response:
        namespace = request.path_params.get("namespace", "")
        query = request.query_params
        if request.method == "POST":
            created = store.create(CM, namespace, await request.json())
            return JSONResponse(created, status_code=201)
        if query.get("watch") in ("true", "1"):
            timeout = query.get("timeoutSeconds")
            watcher = store.watch(
                CM,
                namespace,
                resource_version=query.get("resourceVersion", ""),
                label_selector=query.get("labelSelector", ""),
                allow_bookmarks=query.get("allowWatchBookmarks") == "true",
                timeout_seconds=float(timeout) if timeout else None,
            )

            async def lines() -> AsyncIterator[str]:
                try:
                    async for event in watcher:
                        yield json.dumps(event) + "\n"
                finally:
                    watcher.close()

            return StreamingResponse(lines(), media_type="application/json")
        listed = store.list(
            CM,
            namespace,
            label_selector=query.get("labelSelector", ""),
            field_selector=query.get("fieldSelector", ""),
            limit=int(query.get("limit") or 0),
            continue_=query.get("continue", ""),
        )
        return JSONResponse(listed)

    async def item(request: Request) -> Response:
        namespace, name = request.path_params["namespace"], request.path_params["name"]
        if request.method == "GET":
            return JSONResponse(store.get(CM, namespace, name))
        if request.method == "PUT":
            return JSONResponse(store.update(CM, namespace, name, await request.json()))
        if request.method == "PATCH":
            kind = request.headers.get("content-type", "")
            body = await request.body()
            manager = request.query_params.get("fieldManager", "")
            return JSONResponse(store.patch(CM, namespace, name, body, kind, field_manager=manager))
        return JSONResponse(store.delete(CM, namespace, name))

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return JSONResponse(exc.status(), status_code=exc.code)

    routes = [
        Route("/api/v1/namespaces/{namespace}/configmaps", collection, methods=["GET", "POST"]),
        Route("/api/v1/configmaps", collection, methods=["GET"]),
        Route(
            "/api/v1/namespaces/{namespace}/configmaps/{name}",
            item,
            methods=["GET", "PUT", "PATCH", "DELETE"],
        ),
    ]
    return Starlette(routes=routes, exception_handlers={ApiError: api_error})


@pytest.fixture()
def api() -> Iterator[Any]:
    with serve(make_app(make_store())) as url:
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
    assert json.loads(info.value.body)["reason"] == "Conflict"
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
    assert json.loads(info.value.body)["message"] == 'configmaps "b" not found'


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
