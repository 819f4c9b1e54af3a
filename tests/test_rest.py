"""The per-verb client of a golden package (ConfigMap, Pod and Node from the upstream
v1.35 document, generated into a temporary folder) against the recording fake API
server: real uvicorn on 127.0.0.1, real HTTP, sync and async."""

from __future__ import annotations

import asyncio
import gzip
import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs

import pytest
from conftest import ROOT, import_package, upstream_path
from fake_apiserver import FakeApiServer, Reply, Stream, status_body

from generator.config import Target
from generator.render.output import write_package
from generator.render.pipeline import generate
from generator.render.tools.format import ruff_binary

RELEASE = "1.35"
KINDS = ("ConfigMap", "Pod", "Node")
PLURALS = ("configmaps", "pods", "nodes")


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = upstream_path(RELEASE)
    package_dir = tmp_path_factory.mktemp("golden") / "core_v1"
    target = Target(
        name="core", spec=spec, kinds=KINDS, group_version="v1", package_dir=package_dir
    )
    write_package(generate(target), package_dir)
    return package_dir


@pytest.fixture(scope="module")
def core(golden: Path) -> ModuleType:
    package = import_package(golden)
    return importlib.import_module(f"{package.__name__}.client")


@pytest.fixture(scope="module")
def core_models(core: ModuleType) -> ModuleType:
    return importlib.import_module(core.__name__.rsplit(".", 1)[0] + ".models")


@pytest.fixture
def client(core: ModuleType, running: tuple[FakeApiServer, str]) -> Iterator[object]:
    fast = core.Retry(attempts=1, backoff=0.01, max_delay=0.05)
    with core.Client(running[1], token="t", namespace="team-a", retry=fast) as made:
        yield made


def _query(recorded: object) -> dict[str, list[str]]:
    return parse_qs(recorded.query, keep_blank_values=True)


def _configmap(name: str, version: str = "1") -> dict[str, object]:
    return {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": name, "namespace": "team-a", "resourceVersion": version},
        "data": {"k": "v"},
    }


def _page(names: list[str], token: str) -> Reply:
    metadata = {"resourceVersion": "10", **({"continue": token} if token else {})}
    items = [_configmap(n) for n in names]
    return Reply.json(
        200, {"kind": "ConfigMapList", "apiVersion": "v1", "metadata": metadata, "items": items}
    )


# --- One method per operation, as the document offers them ---------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _expected_methods() -> set[str]:
    """From the upstream document: each operation on the three resources with a JSON
    answer, named as the official client names it; a watch twin for each list."""
    document = json.loads(gzip.decompress(upstream_path(RELEASE).read_bytes()))
    names: set[str] = set()
    for path, item in document["paths"].items():
        parts = path.split("/")
        if not path.startswith("/api/v1/") or "watch" in parts[:4]:
            continue
        if not any(plural in parts for plural in PLURALS):
            continue
        if parts[-1] in ("log", "proxy", "{path}") or parts[-1] not in PLURALS + (
            "{name}",
            "status",
            "ephemeralcontainers",
            "resize",
            "binding",
            "eviction",
        ):
            continue
        for method, op in item.items():
            if method == "parameters" or op.get("x-kubernetes-action") == "connect":
                continue
            name = _snake(op["operationId"].replace("CoreV1", ""))
            names.add(name)
            if op.get("x-kubernetes-action") == "list":
                names.add("watch_" + name.removeprefix("list_"))
    return names


def test_the_client_has_one_method_per_operation_of_the_document(core):
    expected = _expected_methods()
    assert {
        "list_namespaced_config_map",
        "list_config_map_for_all_namespaces",
        "read_namespaced_config_map",
        "create_namespaced_config_map",
        "replace_namespaced_config_map",
        "patch_namespaced_config_map",
        "delete_namespaced_config_map",
        "delete_collection_namespaced_config_map",
        "watch_namespaced_config_map",
        "read_namespaced_pod_status",
        "create_namespaced_pod_eviction",
        "list_node",
        "read_node",
        "watch_node",
    } <= expected
    for cls in (core.Client, core.AsyncClient):
        generated = {n for n in vars(cls) if not n.startswith("_")}
        assert expected <= generated, expected - generated
        assert "create_token" not in generated  # no tokenrequest extension here


def test_the_golden_client_is_mypy_strict_and_ruff_clean(golden):
    files = [str(golden / name) for name in ("client.py", "__main__.py")]
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=golden.parent,
    )
    assert mypy.returncode == 0, mypy.stdout[-3000:]
    ruff = subprocess.run(
        [ruff_binary(), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), *files],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout[-3000:]


# --- Verbs over HTTP ---------------------------------------------------------------------


def test_read_list_and_cluster_scoped_paths(client, fake, core_models):
    fake.replies.extend(
        [
            Reply.json(200, _configmap("a b")),
            _page(["x"], ""),
            Reply.json(200, {"kind": "NodeList", "apiVersion": "v1", "metadata": {}, "items": []}),
            Reply.json(200, {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p"},
                             "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}}),
        ]
    )  # fmt: skip
    read = client.read_namespaced_config_map("a b", "team-a")
    listed = client.list_config_map_for_all_namespaces(label_selector="app=web", limit=5)
    nodes = client.list_node(watch=False)
    pod = client.read_namespaced_pod_status("p", "team-a")
    assert isinstance(read, core_models.ConfigMap) and read.data == {"k": "v"}
    assert isinstance(listed, core_models.ConfigMapList) and listed.items[0].metadata.name == "x"
    assert isinstance(nodes, core_models.NodeList)
    assert pod.spec.containers[0].ports[0].container_port == 80
    paths = [(r.method, r.path) for r in fake.requests]
    assert paths == [
        ("GET", "/api/v1/namespaces/team-a/configmaps/a%20b"),
        ("GET", "/api/v1/configmaps"),
        ("GET", "/api/v1/nodes"),
        ("GET", "/api/v1/namespaces/team-a/pods/p/status"),
    ]
    assert _query(fake.requests[1]) == {"labelSelector": ["app=web"], "limit": ["5"]}
    assert _query(fake.requests[2]) == {"watch": ["false"]}


def test_create_and_replace_fill_in_kind_and_validate(client, fake, core, core_models):
    fake.replies.extend([Reply.json(201, _configmap("c")), Reply.json(200, _configmap("c", "2"))])
    body = core_models.ConfigMap.model_validate({"metadata": {"name": "c"}, "data": {"a": "1"}})
    created = client.create_namespaced_config_map("team-a", body, dry_run="All")
    replaced = client.replace_namespaced_config_map("c", "team-a", {"metadata": {"name": "c"}})
    assert created.metadata.name == "c" and replaced.metadata.resource_version == "2"
    sent = fake.requests
    assert (sent[0].method, sent[0].path) == ("POST", "/api/v1/namespaces/team-a/configmaps")
    assert sent[0].body == {
        "metadata": {"name": "c"},
        "data": {"a": "1"},
        "apiVersion": "v1",
        "kind": "ConfigMap",
    }
    assert _query(sent[0]) == {"dryRun": ["All"]}
    assert (sent[1].method, sent[1].path) == ("PUT", "/api/v1/namespaces/team-a/configmaps/c")
    with pytest.raises(core.Invalid):  # data values must be strings: refused before sending
        client.create_namespaced_config_map("team-a", {"metadata": {"name": "c"}, "data": {"a": 1}})
    assert len(fake.requests) == 2


def test_a_subresource_create_sends_its_own_kind(client, fake):
    fake.replies.append(
        Reply.json(201, {"kind": "Eviction", "apiVersion": "policy/v1", "metadata": {"name": "p"}})
    )
    client.create_namespaced_pod_eviction("p", "team-a", {"metadata": {"name": "p"}})
    [sent] = fake.requests
    assert sent.path == "/api/v1/namespaces/team-a/pods/p/eviction"
    assert (sent.body["apiVersion"], sent.body["kind"]) == ("policy/v1", "Eviction")


@pytest.mark.parametrize(
    ("patch_type", "body", "content_type"),
    [
        ("merge", {"data": {"a": None}}, "application/merge-patch+json"),
        (
            "json",
            [{"op": "replace", "path": "/data/a", "value": "2"}],
            "application/json-patch+json",
        ),
        ("strategic", {"data": {"a": "2"}}, "application/strategic-merge-patch+json"),
        (None, [{"op": "remove", "path": "/data/a"}], "application/json-patch+json"),
        (None, {"data": {"b": "3"}}, "application/merge-patch+json"),
    ],
)
def test_every_patch_type_sends_its_content_type_and_body(
    client, fake, patch_type, body, content_type
):
    fake.replies.append(Reply.json(200, _configmap("c")))
    client.patch_namespaced_config_map("c", "team-a", body, patch_type=patch_type)
    [sent] = fake.requests
    assert (sent.method, sent.path) == ("PATCH", "/api/v1/namespaces/team-a/configmaps/c")
    assert sent.headers["content-type"] == content_type
    assert sent.body == body


def test_server_side_apply_sends_field_manager_force_and_a_whole_object(client, fake, core):
    fake.replies.append(Reply.json(200, _configmap("c")))
    client.patch_namespaced_config_map(
        "c", "team-a", {"metadata": {"name": "c"}, "data": {"a": "1"}},
        patch_type="apply", field_manager="ci", force=True,
    )  # fmt: skip
    [sent] = fake.requests
    assert sent.headers["content-type"] == "application/apply-patch+yaml"
    assert _query(sent) == {"fieldManager": ["ci"], "force": ["true"]}
    assert sent.body == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {"a": "1"},
    }
    with pytest.raises(ValueError, match="field_manager"):
        client.patch_namespaced_config_map("c", "team-a", {}, patch_type="apply")
    with pytest.raises(ValueError, match="force is for server-side apply"):
        client.patch_namespaced_config_map("c", "team-a", {}, force=True)
    with pytest.raises(ValueError, match="list of operations"):
        client.patch_namespaced_config_map("c", "team-a", {}, patch_type="json")
    assert len(fake.requests) == 1


def test_delete_with_options_and_delete_collection(client, fake, core, running, core_models):
    done = status_body(200, "", "")
    done.update(status="Success", details={"name": "c", "kind": "configmaps"})
    fake.replies.extend(
        [Reply.json(200, done), Reply.json(200, _configmap("c")), Reply.json(200, done)]
    )
    answer = client.delete_namespaced_config_map(
        "c", "team-a", {"preconditions": {"uid": "u1"}},
        grace_period_seconds=0, propagation_policy="Foreground", dry_run="All",
    )  # fmt: skip
    assert answer.status == "Success"
    resource = core._CONFIGMAPS
    terminating = client.delete(
        resource, "c", core_models.ConfigMap, propagation_policy="Orphan", grace_period_seconds=5
    )
    assert isinstance(terminating, core_models.ConfigMap)
    client.delete_collection_namespaced_config_map("team-a", label_selector="app=old")
    first, second, third = fake.requests
    assert (first.method, first.path) == ("DELETE", "/api/v1/namespaces/team-a/configmaps/c")
    assert _query(first) == {
        "gracePeriodSeconds": ["0"],
        "propagationPolicy": ["Foreground"],
        "dryRun": ["All"],
    }
    assert first.body == {
        "preconditions": {"uid": "u1"},
        "apiVersion": "v1",
        "kind": "DeleteOptions",
    }
    assert second.body == {
        "propagationPolicy": "Orphan",
        "gracePeriodSeconds": 5,
        "apiVersion": "v1",
        "kind": "DeleteOptions",
    }
    assert (third.method, third.path) == ("DELETE", "/api/v1/namespaces/team-a/configmaps")
    assert _query(third) == {"labelSelector": ["app=old"]}


# --- Paging ------------------------------------------------------------------------------


def test_the_pager_follows_continue_tokens(client, fake, core, core_models):
    fake.replies.extend([_page(["a", "b"], "t1"), _page(["c", "d"], "t2"), _page(["e"], "")])
    names = [
        item.metadata.name
        for item in client.items(
            core._CONFIGMAPS, core_models.ConfigMapList, namespace="team-a", limit=2,
            query={"labelSelector": "app=web"},
        )
    ]  # fmt: skip
    assert names == ["a", "b", "c", "d", "e"]
    assert [_query(r).get("continue") for r in fake.requests] == [None, ["t1"], ["t2"]]
    assert all(_query(r)["limit"] == ["2"] for r in fake.requests)
    assert all(_query(r)["labelSelector"] == ["app=web"] for r in fake.requests)


def test_an_expired_continue_token_is_gone_and_a_repeated_one_stops(client, fake, core):
    gone = status_body(410, "Expired", "The provided continue parameter is too old")
    fake.replies.extend([_page(["a"], "t1"), Reply.json(410, gone)])
    pages = client.pages(core._CONFIGMAPS, core._m.ConfigMapList, namespace="team-a")
    assert next(pages).items[0].metadata.name == "a"
    with pytest.raises(core.Gone) as caught:
        next(pages)
    assert caught.value.code == 410 and isinstance(caught.value, core.ApiError)
    fake.replies.extend([_page(["a"], "same"), _page(["b"], "same")])
    with pytest.raises(Exception, match="same continue token twice"):
        list(client.pages(core._CONFIGMAPS, core._m.ConfigMapList, namespace="team-a"))


# --- Watch -------------------------------------------------------------------------------


def _watch_stream() -> Stream:
    return Stream.events(
        ("ADDED", _configmap("a", "11")),
        ("BOOKMARK", {"kind": "ConfigMap", "apiVersion": "v1",
                      "metadata": {"resourceVersion": "12"}}),
        ("MODIFIED", _configmap("a", "13")),
        ("DELETED", _configmap("a", "14")),
    )  # fmt: skip


def test_watch_streams_typed_events_and_ends_when_the_server_does(client, fake, core_models):
    fake.replies.append(_watch_stream())
    events = list(
        client.watch_namespaced_config_map(
            "team-a", resource_version="10", allow_watch_bookmarks=True, timeout_seconds=5
        )
    )
    assert [e.type for e in events] == ["ADDED", "BOOKMARK", "MODIFIED", "DELETED"]
    assert [e.resource_version for e in events] == ["11", "12", "13", "14"]
    assert isinstance(events[0].object, core_models.ConfigMap)
    assert events[2].object.metadata.name == "a"
    [sent] = fake.requests
    assert sent.path == "/api/v1/namespaces/team-a/configmaps"
    assert _query(sent) == {
        "watch": ["true"],
        "resourceVersion": ["10"],
        "allowWatchBookmarks": ["true"],
        "timeoutSeconds": ["5"],
    }


def test_a_watch_error_event_raises_gone(client, fake, core):
    expired = status_body(410, "Expired", "too old resource version: 10 (20)")
    fake.replies.append(Stream.events(("ADDED", _configmap("a", "21")), ("ERROR", expired)))
    stream = client.watch_config_map_for_all_namespaces(resource_version="10")
    assert next(stream).type == "ADDED"
    with pytest.raises(core.Gone) as caught:
        next(stream)
    assert caught.value.code == 410 and "too old resource version" in str(caught.value)
    assert fake.requests[0].path == "/api/v1/configmaps"


def test_async_client_pages_watches_patches_and_deletes(core, running, fake, core_models):
    fake.replies.extend(
        [
            _page(["a"], "t1"),
            _page(["b"], ""),
            _watch_stream(),
            Reply.json(200, _configmap("a")),
            Reply.json(200, status_body(200, "", "")),
        ]
    )

    async def scenario() -> tuple[list[str], list[str]]:
        async with core.AsyncClient(running[1], namespace="team-a") as client:
            names = [
                item.metadata.name
                async for item in client.items(core._CONFIGMAPS, core_models.ConfigMapList, limit=1)
            ]
            stream = await client.watch_namespaced_config_map("team-a", resource_version="1")
            kinds = [event.type async for event in stream]
            await client.patch_namespaced_config_map(
                "a", "team-a", {"data": {}}, patch_type="strategic"
            )
            await client.delete_namespaced_config_map(
                "a", "team-a", propagation_policy="Background"
            )
            return names, kinds

    names, kinds = asyncio.run(scenario())
    assert names == ["a", "b"]
    assert kinds == ["ADDED", "BOOKMARK", "MODIFIED", "DELETED"]
    patch, delete = fake.requests[3:]
    assert patch.headers["content-type"] == "application/strategic-merge-patch+json"
    assert (delete.method, _query(delete)) == ("DELETE", {"propagationPolicy": ["Background"]})
