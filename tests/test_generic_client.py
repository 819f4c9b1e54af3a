"""The generated client's verbs against the generated server of the same package.

Both halves come from the v1.35 upstream document (tests/generic_support.py):
the ConfigMap/Node package's `Client` and `AsyncClient` talk over real HTTP on
127.0.0.1 to its own server on the in-memory store.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from generic_support import TOKEN, Package, generic_packages

from tests.loopback import serve

__all__ = ["generic_packages"]  # the fixture, imported for pytest

pytestmark = pytest.mark.timeout(180)
NS = "default"


@pytest.fixture()
def package(generic_packages: dict[str, Package]) -> Package:
    return generic_packages["cm_node_v1"]


@pytest.fixture()
def url(package: Package) -> Iterator[str]:
    with serve(package.app()) as address:
        yield address


def config_map(name: str, **labels: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}}


def test_every_verb_sync(package: Package, url: str) -> None:
    client_module, errors = package.module("client"), package.module("_errors")
    with client_module.Client(url, token=TOKEN) as client:
        created = client.create_namespaced_config_map(NS, config_map("a", app="x"))
        assert created.metadata.name == "a" and created.metadata.resource_version
        for name in ("b", "c", "d"):
            client.create_namespaced_config_map(NS, config_map(name, app="y"))
        with pytest.raises(errors.Conflict) as exists:
            client.create_namespaced_config_map(NS, config_map("a"))
        assert exists.value.code == 409 and exists.value.status.reason == "AlreadyExists"

        read = client.read_namespaced_config_map("a", NS)
        assert read.data == {"k": "v"} and read.metadata.uid == created.metadata.uid
        labelled = client.list_namespaced_config_map(NS, label_selector="app=y")
        assert sorted(cm.metadata.name for cm in labelled.items) == ["b", "c", "d"]

        names, token, pages = [], None, 0
        while pages < 10:  # limit/continue: 4 objects in pages of 3
            page = client.list_namespaced_config_map(NS, limit=3, continue_=token)
            names += [cm.metadata.name for cm in page.items]
            pages += 1
            token = page.metadata.continue_
            if not token:
                break
        assert (sorted(names), pages) == (["a", "b", "c", "d"], 2)
        everywhere = client.list_config_map_for_all_namespaces()
        assert len(everywhere.items) == 4

        stale = read.model_copy(deep=True)
        updated = client.replace_namespaced_config_map(
            "a", NS, {**read.to_dict(), "data": {"k": "2"}}
        )
        assert updated.data == {"k": "2"}
        with pytest.raises(errors.Conflict):  # the resourceVersion read before the update
            client.replace_namespaced_config_map("a", NS, stale.to_dict())

        merged = client.patch_namespaced_config_map("a", NS, {"data": {"m": "1"}})
        assert merged.data == {"k": "2", "m": "1"}
        strategic = client.patch_namespaced_config_map(
            "a", NS, {"metadata": {"labels": {"s": "1"}}}, patch_type="strategic"
        )
        assert strategic.metadata.labels == {"app": "x", "s": "1"}
        patched = client.patch_namespaced_config_map(
            "a", NS, [{"op": "remove", "path": "/data/m"}], patch_type="json"
        )
        assert patched.data == {"k": "2"}
        applied = client.patch_namespaced_config_map(
            "e", NS, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "e"},
                      "data": {"a": "1"}},
            patch_type="apply", field_manager="tests", force=True,
        )  # fmt: skip
        assert applied.data == {"a": "1"}
        assert [f.manager for f in applied.metadata.managed_fields] == ["tests"]

        client.delete_namespaced_config_map("e", NS)
        with pytest.raises(errors.NotFound) as gone:
            client.read_namespaced_config_map("e", NS)
        assert gone.value.status.message == 'configmaps "e" not found'
        client.delete_collection_namespaced_config_map(NS, label_selector="app=y")
        left = client.list_namespaced_config_map(NS)
        assert [cm.metadata.name for cm in left.items] == ["a"]


def test_watch_sync_sees_changes_in_order(package: Package, url: str) -> None:
    client_module = package.module("client")
    with client_module.Client(url, token=TOKEN) as client:
        start = client.list_namespaced_config_map(NS).metadata.resource_version

        def writes() -> None:
            with client_module.Client(url, token=TOKEN) as writer:
                writer.create_namespaced_config_map(NS, config_map("w"))
                writer.patch_namespaced_config_map("w", NS, {"data": {"k": "2"}})
                writer.delete_namespaced_config_map("w", NS)

        thread = threading.Thread(target=writes)
        thread.start()
        seen = []
        for event in client.watch_namespaced_config_map(
            NS, resource_version=start, timeout_seconds=5
        ):
            seen.append((event.type, event.object.metadata.name))
            if event.type == "DELETED":
                break
        thread.join(timeout=30)
    assert seen == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]


def test_every_verb_async(package: Package, url: str) -> None:
    client_module, errors = package.module("client"), package.module("_errors")

    async def run() -> list[str]:
        async with client_module.AsyncClient(url, token=TOKEN) as client:
            await client.create_namespaced_config_map(NS, config_map("x1", app="z"))
            await client.create_namespaced_config_map(NS, config_map("x2", app="z"))
            read = await client.read_namespaced_config_map("x1", NS)
            await client.replace_namespaced_config_map("x1", NS, {**read.to_dict(), "data": {}})
            await client.patch_namespaced_config_map("x2", NS, {"data": {"p": "1"}})
            await client.delete_namespaced_config_map("x1", NS)
            with pytest.raises(errors.NotFound):
                await client.read_namespaced_config_map("x1", NS)
            listed = await client.list_namespaced_config_map(NS, label_selector="app=z")
            events = []
            stream = await client.watch_namespaced_config_map(  # the documented `await` form
                NS, resource_version="0", timeout_seconds=1
            )
            async for event in stream:
                events.append(f"{event.type} {event.object.metadata.name}")
            await client.delete_collection_namespaced_config_map(NS, label_selector="app=z")
            assert (await client.list_namespaced_config_map(NS)).items == []
            return [cm.metadata.name for cm in listed.items] + events

    assert asyncio.run(run()) == ["x2", "ADDED x2"]


def test_unauthenticated_client_gets_the_typed_401(package: Package, url: str) -> None:
    client_module, errors = package.module("client"), package.module("_errors")
    with client_module.Client(url, token="wrong") as client:
        with pytest.raises(errors.Unauthorized) as denied:
            client.list_namespaced_config_map(NS)
    assert denied.value.code == 401
    assert httpx.get(url + "/api/v1/namespaces/default/configmaps").status_code == 401
