"""The server framework (generator/runtime/_server.py, _verbs.py) is generic: routes registered
from data, for any kind, over a `Backend` with one method per verb.

A ConfigMap API described by hand (as a generated `_api.py` would) and a small dict backend
are served by real uvicorn on 127.0.0.1; requests go over real HTTP. The package without the
TokenRequest extension carries no token machinery at all."""

from __future__ import annotations

import asyncio
import importlib
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from conftest import ROOT, SPEC, UPSTREAM, import_package
from loopback import serve

from generator.config import Target
from generator.render import pipeline
from generator.render.output import write_package

pytestmark = pytest.mark.timeout(120)

TOKEN = "t0ken"
CONFIGMAPS = "/api/v1/namespaces/{namespace}/configmaps"


def runtime(generated_package: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{generated_package.__name__}.{name}")


class DictBackend:
    """Just enough of a store to show which arguments each verb's handler passes on."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls: list[tuple[str, Any]] = []
        self.version = 0

    def _bump(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.version += 1
        obj.setdefault("metadata", {})["resourceVersion"] = str(self.version)
        return obj

    def _found(self, resource: Any, namespace: str, name: str) -> dict[str, Any]:
        if (namespace, name) not in self.objects:
            raise self.errors.not_found(resource.plural, name)
        return self.objects[(namespace, name)]

    def get(self, resource: Any, namespace: str, name: str) -> dict[str, Any]:
        self.calls.append(("get", (namespace, name)))
        return self._found(resource, namespace, name)

    def list(self, resource: Any, namespace: str | None, options: Any) -> dict[str, Any]:
        self.calls.append(("list", (namespace, options)))
        items = [o for (ns, _), o in sorted(self.objects.items()) if namespace in (None, ns)]
        return {"kind": "ConfigMapList", "apiVersion": "v1", "metadata": {}, "items": items}

    def create(
        self, resource: Any, namespace: str, body: dict[str, Any], options: Any, name: str = ""
    ) -> dict[str, Any]:
        self.calls.append(("create", (namespace, options)))
        key = (namespace, body["metadata"]["name"])
        if key in self.objects:
            raise self.errors.ApiError(409, f'configmaps "{key[1]}" already exists')
        body["metadata"]["namespace"] = namespace
        created = self._bump(body)
        if not options.dry_run:
            self.objects[key] = created
        return created

    def update(
        self, resource: Any, namespace: str, name: str, body: dict[str, Any], options: Any
    ) -> dict[str, Any]:
        self._found(resource, namespace, name)
        self.objects[(namespace, name)] = self._bump(body)
        return body

    def patch(
        self,
        resource: Any,
        namespace: str,
        name: str,
        patch: Any,
        patch_type: str,
        options: Any,
    ) -> dict[str, Any]:
        self.calls.append(("patch", (patch_type, options.field_manager)))
        found = self._found(resource, namespace, name)
        found.setdefault("data", {}).update(patch.get("data", {}))
        return self._bump(found)

    def delete(self, resource: Any, namespace: str, name: str, options: Any) -> dict[str, Any]:
        self.calls.append(("delete", options))
        return self.objects.pop((namespace, self._found(resource, namespace, name) and name))

    def deletecollection(
        self, resource: Any, namespace: str | None, options: Any, delete_options: Any
    ) -> dict[str, Any]:
        gone = [self.objects.pop(key) for key in list(self.objects) if key[0] == namespace]
        return {"kind": "ConfigMapList", "apiVersion": "v1", "metadata": {}, "items": gone}

    async def watch(
        self, resource: Any, namespace: str | None, options: Any
    ) -> AsyncIterator[dict[str, Any]]:
        self.calls.append(("watch", options))
        for obj in list(self.objects.values()):
            yield {"type": "ADDED", "object": obj}
            await asyncio.sleep(0)
        yield {"type": "BOOKMARK", "object": {"metadata": {"resourceVersion": str(self.version)}}}


def configmap_api(generated_package: ModuleType) -> Any:
    """What a generated `_api.py` holds for ConfigMap, written out by hand."""
    server = runtime(generated_package, "_server")
    resource = runtime(generated_package, "_resource").ResourceInfo(
        group="", version="v1", kind="ConfigMap", plural="configmaps", namespaced=True,
        verbs=("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
    )  # fmt: skip
    one = CONFIGMAPS + "/{name}"

    def op(verb: str, method: str, path: str, body: str = "", success: int = 200) -> Any:
        return server.OperationInfo(
            f"{verb}ConfigMap", method, path, verb, resource, body_kind=body,
            response_kind="ConfigMap", success=success,
        )  # fmt: skip

    operations = (
        op("list", "GET", CONFIGMAPS),
        op("create", "POST", CONFIGMAPS, "ConfigMap", 201),
        op("deletecollection", "DELETE", CONFIGMAPS),
        op("get", "GET", one),
        op("update", "PUT", one, "ConfigMap"),
        op("patch", "PATCH", one),
        op("delete", "DELETE", one),
        op("watch", "GET", "/api/v1/watch/namespaces/{namespace}/configmaps"),
    )
    wire = runtime(generated_package, "_wire").Wire(("application/json", "application/yaml"))
    return server.ApiSpec("ConfigMap", (resource,), operations, wire)


@pytest.fixture(scope="module")
def configmaps(generated_package: ModuleType) -> Iterator[tuple[httpx.Client, DictBackend]]:
    backend = DictBackend()
    backend.errors = runtime(generated_package, "_status")  # type: ignore[attr-defined]
    auth = runtime(generated_package, "_auth")
    users = {TOKEN: auth.User("alice"), "viewer": auth.User("bob")}
    app = runtime(generated_package, "_server").build_app(
        configmap_api(generated_package),
        authenticator=users.get,
        authorizer=lambda user, attributes: user.name == "alice" or attributes.verb == "get",
        backend=backend,
    )
    with serve(app) as url:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            yield http, backend


def status_of(response: httpx.Response, code: int) -> dict[str, Any]:
    assert response.status_code == code, response.text
    status = response.json()
    assert status["kind"] == "Status" and status["code"] == code
    return dict(status)


def configmap(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def test_every_verb_reaches_the_backend(configmaps: tuple[httpx.Client, DictBackend]) -> None:
    http, backend = configmaps
    base = "/api/v1/namespaces/ns/configmaps"
    created = http.post(base, json=configmap("a", x="1"), params={"fieldManager": "me"})
    assert created.status_code == 201, created.text
    assert created.json()["metadata"]["namespace"] == "ns"
    status_of(http.post(base, json=configmap("a")), 409)
    dry = http.post(base, json=configmap("b"), params={"dryRun": "All"})
    assert dry.status_code == 201 and backend.calls[-1][1][1].dry_run is True
    assert http.get(f"{base}/a").json()["data"] == {"x": "1"}
    listed = http.get(base, params={"labelSelector": "app=x", "limit": "5", "continue": "c"})
    assert [i["metadata"]["name"] for i in listed.json()["items"]] == ["a"]
    options = backend.calls[-1][1][1]
    assert (options.label_selector, options.limit, options.continue_token) == ("app=x", 5, "c")
    replaced = http.put(f"{base}/a", json=configmap("a", x="2"))
    assert replaced.status_code == 200 and replaced.json()["data"] == {"x": "2"}
    patched = http.patch(
        f"{base}/a",
        content=json.dumps({"data": {"y": "3"}}),
        headers={"Content-Type": "application/merge-patch+json"},
        params={"fieldManager": "kubectl"},
    )
    assert patched.json()["data"] == {"x": "2", "y": "3"}
    assert backend.calls[-1] == ("patch", ("application/merge-patch+json", "kubectl"))
    with http.stream("GET", base, params={"watch": "true", "allowWatchBookmarks": "true"}) as w:
        events = [json.loads(line) for line in w.iter_lines() if line]
    assert [e["type"] for e in events] == ["ADDED", "BOOKMARK"]
    assert backend.calls[-1][1].allow_watch_bookmarks is True
    deleted = http.request(
        "DELETE", f"{base}/a", json={"propagationPolicy": "Foreground", "gracePeriodSeconds": 0}
    )
    assert deleted.status_code == 200 and deleted.json()["metadata"]["name"] == "a"
    assert backend.calls[-1][1].propagation_policy == "Foreground"
    assert backend.calls[-1][1].grace_period_seconds == 0
    assert status_of(http.get(f"{base}/a"), 404)["message"] == 'configmaps "a" not found'


def test_pretty_json_on_every_route(configmaps: tuple[httpx.Client, DictBackend]) -> None:
    """apiserver's `isPrettyPrint`: `?pretty=true` or a curl User-Agent indents JSON by two
    spaces, objects and Statuses alike; other clients get compact JSON."""
    http, _ = configmaps
    base = "/api/v1/namespaces/ns/configmaps"
    assert http.post(base, json=configmap("p", x="1")).status_code == 201
    compact = http.get(f"{base}/p")
    assert "\n" not in compact.text.strip()
    pretty = http.get(f"{base}/p", params={"pretty": "true"})
    assert pretty.text == json.dumps(compact.json(), indent=2)
    by_agent = http.get(f"{base}/p", headers={"User-Agent": "curl/8.5.0"})
    assert by_agent.text == pretty.text
    assert http.get(
        f"{base}/p", params={"pretty": "false"}, headers={"User-Agent": "curl/8"}
    ).text == (compact.text)
    missing = http.get(f"{base}/nope", params={"pretty": "1"})
    assert missing.status_code == 404 and missing.text.startswith('{\n  "kind": "Status"')


def test_errors_are_statuses_whatever_the_route(
    configmaps: tuple[httpx.Client, DictBackend],
) -> None:
    http, _ = configmaps
    base = "/api/v1/namespaces/ns/configmaps"
    status_of(http.get("/api/v1/nodes"), 404)
    status_of(http.post(f"{base}/a"), 405)
    bad_patch = http.patch(f"{base}/a", content=b"{}", headers={"Content-Type": "text/plain"})
    assert "application/merge-patch+json" in status_of(bad_patch, 415)["message"]
    assert (
        "Strict"
        in status_of(http.post(base, params={"fieldValidation": "x"}, json={}), 400)["message"]
    )
    status_of(http.get(base, params={"limit": "many"}), 400)
    status_of(http.post(base, content=b"{", headers={"Content-Type": "application/json"}), 400)
    status_of(http.get(base, headers={"Accept": "text/html"}), 406)
    with httpx.Client(base_url=str(http.base_url)) as anonymous:
        status_of(anonymous.get(base), 401)
    with httpx.Client(
        base_url=str(http.base_url), headers={"Authorization": "Bearer viewer"}
    ) as bob:
        forbidden = status_of(bob.post(base, json=configmap("c")), 403)
        assert forbidden["message"] == (
            'configmaps is forbidden: User "bob" cannot create resource "configmaps" '
            'in API group "" in the namespace "ns"'
        )


def test_a_plugin_adds_routes_and_plain_paths(generated_package: ModuleType) -> None:
    """A plug-in's routes go through the same steps; its plain paths may require a token."""
    server = runtime(generated_package, "_server")
    api = configmap_api(generated_package)

    class Plugin:
        name = "demo"

        def routes(self, api: Any, options: dict[str, Any]) -> list[Any]:
            greeting = options.pop("greeting")

            async def get(call: Any) -> Any:
                data = {"hello": greeting, "as": call.conversion}
                return server.Reply({"kind": "ConfigMap", "data": data})

            get_op = next(op for op in api.operations if op.verb == "get")
            return [
                server.Route(get_op, get),
                server.PlainRoute("/version", lambda: {"major": "1"}, authenticated=True),
                server.PlainRoute("/public", lambda: {"open": True}),
            ]

    users = {TOKEN: runtime(generated_package, "_auth").User("alice")}
    with pytest.raises(TypeError, match="unexpected options: extra"):
        server.build_app(
            api, [Plugin()], authenticator=users.get, options={"greeting": 1, "extra": 2}
        )
    app = server.build_app(api, [Plugin()], authenticator=users.get, options={"greeting": "hi"})
    with serve(app) as url, httpx.Client(base_url=url) as http:
        status_of(http.get("/version"), 401)
        assert http.get("/public").json() == {"open": True}
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert http.get("/version", headers=auth).json() == {"major": "1"}
        got = http.get(
            "/api/v1/namespaces/ns/configmaps/x", headers={**auth, "Accept": "application/yaml"}
        )
        assert got.headers["content-type"] == "application/yaml" and "hello: hi" in got.text
        table = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
        got = http.get("/api/v1/namespaces/ns/configmaps/x", headers={**auth, "Accept": table})
        assert got.json()["data"] == {"hello": "hi", "as": "Table"}
        status_of(http.get("/api/v1/namespaces/ns/configmaps/x"), 401)
        status_of(http.get("/api/v1/namespaces/ns/configmaps", headers=auth), 404)  # no backend


def test_the_openapi_document_lists_the_served_routes(
    configmaps: tuple[httpx.Client, DictBackend],
) -> None:
    http, _ = configmaps
    document = http.get("/openapi.json").json()
    assert set(document["paths"][CONFIGMAPS]) == {"get", "post", "delete"}
    assert document["paths"][CONFIGMAPS]["post"]["operationId"] == "createConfigMap"


@pytest.fixture(scope="module")
def plain_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TokenRequest spec generated without the tokenrequest extension."""
    folder = tmp_path_factory.mktemp("plain") / "tokenrequest_plain"
    target = Target("plain", SPEC, ("TokenRequest",), folder, "authentication.k8s.io/v1")
    write_package(pipeline.generate(target), folder)
    return folder


def test_a_package_without_the_extension_has_no_token_machinery(plain_package: Path) -> None:
    names = {p.name for p in plain_package.iterdir()}
    assert not names & {"_tokens.py", "_token_backend.py", "_token_service.py", "_tokenrequest.py"}
    assert "_protobuf.py" not in names  # no .proto without the extension
    for path in plain_package.glob("*.py"):
        text = path.read_text()
        assert "import jwt" not in text and "TokenSigner" not in text, path
    assert (
        "PLUGINS: tuple[_server.ServerPlugin, ...] = ()"
        in (plain_package / "server.py").read_text()
    )
    # It imports in a fresh interpreter, and its server has no token route and no OIDC paths.
    script = (
        "import json, sys; from starlette.testclient import TestClient;"
        "from tokenrequest_plain.server import create_app;"
        "client = TestClient(create_app(authenticator={'t': object()}.get));"
        "h = {'Authorization': 'Bearer t'};"
        "r = client.post('/api/v1/namespaces/ns/serviceaccounts/sa/token', json={}, headers=h);"
        "j = client.get('/openid/v1/jwks', headers=h);"  # without credentials: 401 first
        "print(json.dumps([r.status_code, r.json()['reason'], j.status_code, 'jwt' in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=plain_package.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [404, "NotFound", 404, False]


def test_without_the_extension_the_create_goes_to_the_backend(plain_package: Path) -> None:
    package = import_package(plain_package)
    server = importlib.import_module(f"{package.__name__}.server")
    auth = importlib.import_module(f"{package.__name__}._auth")
    backend = DictBackend()
    backend.errors = importlib.import_module(f"{package.__name__}._status")  # type: ignore[attr-defined]
    seen: list[tuple[str, str]] = []

    def create(resource: Any, namespace: str, body: Any, options: Any, name: str = "") -> Any:
        seen.append((resource.name, name))
        return {**body, "status": {"token": ""}}

    backend.create = create  # type: ignore[method-assign]
    app = server.create_app(authenticator={TOKEN: auth.User("a")}.get, backend=backend)
    with serve(app) as url, httpx.Client(base_url=url) as http:
        answer = http.post(
            "/api/v1/namespaces/ns/serviceaccounts/sa/token",
            json={"spec": {"audiences": ["x"]}},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert answer.status_code == 201, answer.text
        invalid = http.post(
            "/api/v1/namespaces/ns/serviceaccounts/sa/token",
            json={"spec": {"expirationSeconds": "soon"}},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert seen == [("serviceaccounts/token", "sa")]
    assert invalid.status_code == 422 and invalid.json()["reason"] == "Invalid"


def test_the_framework_modules_are_in_generator_runtime() -> None:
    for name in (
        "_server.py",
        "_verbs.py",
        "_wire.py",
        "_openapi.py",
        "_protobuf.py",
        "_backend.py",
    ):
        assert (ROOT / "generator" / "runtime" / name).is_file()
    assert not list((ROOT / "templates" / "server").glob("_wire*"))


def test_evictions_server_mints_no_token(tmp_path: Path) -> None:
    """Eviction (policy/v1, `POST .../pods/{name}/eviction`) from the upstream 1.35 document: its
    server routes the eviction as a generic create, and carries no token machinery."""
    upstream = UPSTREAM / "swagger-v1.35.json.gz"
    if not upstream.is_file():
        pytest.skip(f"{upstream} is absent (../shared is not part of the repository)")
    folder = tmp_path / "policy_v1"
    target = Target("eviction", upstream, ("Eviction",), folder, "policy/v1")
    write_package(pipeline.generate(target), folder)
    names = {p.name for p in folder.iterdir()}
    assert not names & {"_tokens.py", "_token_backend.py", "_token_service.py", "_tokenrequest.py"}
    assert not any("jwt" in p.read_text() for p in folder.glob("*.py"))
    package = import_package(folder)
    api = importlib.import_module(f"{package.__name__}._api").API
    [operation] = api.operations
    assert (operation.verb, operation.resource.name, operation.body_kind) == (
        "create",
        "pods/eviction",
        "Eviction",
    )
    server = importlib.import_module(f"{package.__name__}.server")
    auth = importlib.import_module(f"{package.__name__}._auth")
    backend = DictBackend()
    backend.errors = importlib.import_module(f"{package.__name__}._status")  # type: ignore[attr-defined]
    app = server.create_app(authenticator={TOKEN: auth.User("a")}.get, backend=backend)
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "p"}}
    with serve(app) as url, httpx.Client(base_url=url) as http:
        answer = http.post(
            "/api/v1/namespaces/ns/pods/p/eviction",
            json=eviction,
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        # authenticated, as kube-apiserver authenticates before it routes (else a 401)
        jwks = http.get("/openid/v1/jwks", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 201, answer.text
    assert "token" not in json.dumps(answer.json())
    assert backend.calls[-1][0] == "create"
    assert jwks.status_code == 404


def test_every_status_body_matches_the_one_status_schema(generated_package: ModuleType) -> None:
    """The Status shape is defined once (_status.py): what status_body writes is what the
    OpenAPI document's Status schema says."""
    import jsonschema

    status = runtime(generated_package, "_status")
    for code in status.REASONS:
        body = status.status_body(code, "m", {"name": "x"} if code == 404 else None)
        jsonschema.validate(body, status.STATUS_SCHEMA)
        assert body["reason"] == status.REASONS[code]
    openapi = runtime(generated_package, "_openapi")
    assert openapi.STATUS_SCHEMA is status.STATUS_SCHEMA
