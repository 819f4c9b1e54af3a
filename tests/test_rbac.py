"""Authorization of the generated server's command line (issue 15, item 9), both ways.

`--authorization-mode RBAC` (the default) with `--rbac-file` of standard Roles,
ClusterRoles and bindings; `ABAC` with `--authorization-policy-file`; `AlwaysAllow`. Every
case goes through real HTTP to the real command line (uvicorn on 127.0.0.1, TLS): an
allowed TokenRequest is a 201, a denied one kube-apiserver's 403 Status; `system:masters`
is always allowed.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from conftest import GENERATED, ROOT
from server_harness import NAMESPACE, PACKAGE, ServerFiles, write_server_files
from test_server_hostile import Server, cli_server

pytestmark = pytest.mark.timeout(180)

TOKENS = {
    "admin-token": ("admin", '"system:masters"'),
    "alice-token": ("alice", '"dev"'),
    "bob-token": ("bob", '"dev"'),
    "carol-token": ("carol", '"ops"'),
    "robot-token": (f"system:serviceaccount:{NAMESPACE}:robot", '"system:serviceaccounts"'),
}

RBAC_YAML = f"""\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: mint-builder, namespace: {NAMESPACE}}}
rules:
- apiGroups: [""]
  resources: [serviceaccounts/token]
  verbs: [create]
  resourceNames: [builder]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: alice-mints-builder, namespace: {NAMESPACE}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: mint-builder}}
subjects:
- {{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}}
- {{kind: ServiceAccount, name: robot}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: token-minter}}
rules:
- apiGroups: [""]
  resources: [serviceaccounts]  # not the subresource: grants no token
  verbs: ["*"]
- apiGroups: [""]
  resources: ["*/token"]
  verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: ops-mint-everywhere}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: token-minter}}
subjects:
- {{kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}}
"""


def _url(name: str) -> str:
    return f"/api/v1/namespaces/{NAMESPACE}/serviceaccounts/{name}/token"


BODY = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}}


def _files(folder: Path) -> ServerFiles:
    files = write_server_files(folder)
    files.token_auth_file.write_text(
        "".join(f"{token},{user},{index},{groups}\n" for index, (token, (user, groups)) in
                enumerate(TOKENS.items()))
    )  # fmt: skip
    return files


def _create(server: Server, token: str, name: str = "builder") -> tuple[int, dict[str, object]]:
    with server.running.client(token) as client:
        response = client.post(_url(name), json=BODY)
    return response.status_code, response.json()


@pytest.fixture(scope="module", name="rbac_server")
def rbac_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("rbac")
    files = _files(folder)
    (folder / "rbac.yaml").write_text(RBAC_YAML)
    with cli_server(files, "--rbac-file", str(folder / "rbac.yaml")) as server:
        yield server


@pytest.mark.parametrize(
    ("token", "name"),
    [
        ("alice-token", "builder"),  # a RoleBinding to a Role, by resourceName
        ("robot-token", "builder"),  # a ServiceAccount subject, namespace from the binding
        ("carol-token", "builder"),  # a ClusterRoleBinding for a group, "*/token"
        ("carol-token", "other"),
        ("admin-token", "other"),  # system:masters, bound to nothing
    ],
)
def test_rbac_allows_what_the_bindings_grant(rbac_server: Server, token: str, name: str) -> None:
    code, body = _create(rbac_server, token, name)
    assert code == 201, body
    assert body["kind"] == "TokenRequest"


def test_rbac_denies_the_rest_with_kube_apiservers_403(rbac_server: Server) -> None:
    code, body = _create(rbac_server, "bob-token")
    assert code == 403
    assert body["kind"] == "Status" and body["reason"] == "Forbidden"
    assert body["message"] == (
        f'serviceaccounts "builder" is forbidden: User "bob" cannot create resource '
        f'"serviceaccounts/token" in API group "" in the namespace "{NAMESPACE}"'
    )
    code, body = _create(rbac_server, "alice-token", "other")  # not her resourceName
    assert code == 403
    assert 'User "alice" cannot create resource "serviceaccounts/token"' in str(body["message"])


def test_rbac_without_a_file_allows_only_system_masters(tmp_path: Path) -> None:
    with cli_server(_files(tmp_path)) as server:  # the default mode: RBAC, nothing bound
        assert _create(server, "admin-token")[0] == 201
        assert _create(server, "alice-token")[0] == 403


def test_always_allow_allows_every_authenticated_user(tmp_path: Path) -> None:
    with cli_server(_files(tmp_path), "--authorization-mode", "AlwaysAllow") as server:
        assert _create(server, "bob-token")[0] == 201
        with server.running.client("no-such-token") as client:
            assert client.post(_url("builder"), json=BODY).status_code == 401


def test_abac_policy_file_both_ways(tmp_path: Path) -> None:
    policies = [
        {"user": "alice", "namespace": NAMESPACE, "resource": "serviceaccounts", "apiGroup": "*"},
        {"group": "ops", "namespace": "*", "resource": "*", "apiGroup": "*", "readonly": True},
    ]
    policy_file = tmp_path / "abac.jsonl"
    policy_file.write_text(
        "".join(
            json.dumps(
                {"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy",
                 "spec": spec}
            ) + "\n"
            for spec in policies
        )
    )  # fmt: skip
    extra = ("--authorization-mode", "ABAC", "--authorization-policy-file", str(policy_file))
    with cli_server(_files(tmp_path / "files"), *extra) as server:
        assert _create(server, "alice-token")[0] == 201
        code, body = _create(server, "carol-token")  # read-only: create is denied
        assert code == 403 and 'User "carol" cannot create' in str(body["message"])
        assert _create(server, "bob-token")[0] == 403


@pytest.mark.parametrize(
    ("content", "extra", "problem"),
    [
        ("kind: Role\napiVersion: v1\nmetadata: {name: r, namespace: n}\n", (), "#/0/apiVersion"),
        ("a: [\n", (), "rbac.yaml"),
        ("", ("--authorization-mode", "Magic"), "--authorization-mode: Magic"),
        ("", ("--authorization-mode", "ABAC"), "needs --authorization-policy-file"),
    ],
)
def test_a_bad_policy_is_one_line_at_startup(
    tmp_path: Path, content: str, extra: tuple[str, ...], problem: str
) -> None:
    files = _files(tmp_path)
    rbac = tmp_path / "rbac.yaml"
    rbac.write_text(content)
    arguments = ["--rbac-file", str(rbac)] if content else []
    result = subprocess.run(
        [sys.executable, "-m", f"{PACKAGE}.server", "--port", "0", *files.arguments(),
         *arguments, *extra],
        cwd=ROOT, env={"PYTHONPATH": str(GENERATED), "PATH": ""}, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and problem in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def _rbac_module() -> ModuleType:
    sys.path.insert(0, str(GENERATED))
    return importlib.import_module(f"{PACKAGE}._rbac")


def test_rbac_rules_match_as_kubernetes_matches_them() -> None:
    """Wildcards, subresources and resourceNames, straight on the authorizer."""
    rbac = _rbac_module()
    auth = importlib.import_module(f"{PACKAGE}._auth")
    objects = [
        ("x", {"apiVersion": rbac.RBAC_API_VERSION, "kind": "ClusterRole",
               "metadata": {"name": "reader"},
               "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list"]}]}),
        ("y", {"apiVersion": rbac.RBAC_API_VERSION, "kind": "RoleBinding",
               "metadata": {"name": "b", "namespace": "team"},
               "roleRef": {"kind": "ClusterRole", "name": "reader"},
               "subjects": [{"kind": "Group", "name": "system:authenticated"}]}),
    ]  # fmt: skip
    authorize = rbac.RbacAuthorizer.from_objects(objects)
    user = auth.User("dave")

    def attributes(verb: str, namespace: str, sub: str = "") -> object:
        return auth.RequestAttributes(verb, namespace, "serviceaccounts", sub, "x", "")

    assert authorize(user, attributes("get", "team"))
    assert authorize(user, attributes("get", "team", "token"))  # "*" covers subresources
    assert not authorize(user, attributes("create", "team", "token"))
    assert not authorize(user, attributes("get", "elsewhere"))  # a RoleBinding stays home


def test_rbac_authorizes_discovery_paths_and_tokenreviews_as_kube_apiservers_defaults(
    rbac_server: Server,
) -> None:
    """kube-apiserver's bootstrap bindings: service accounts may read the OIDC documents
    (system:service-account-issuer-discovery), other users may not; nobody but
    system:masters may create a TokenReview (system:auth-delegator is bound to no one)."""
    with rbac_server.running.client("robot-token") as robot:
        assert robot.get("/openid/v1/jwks").status_code == 200
        assert robot.get("/.well-known/openid-configuration").status_code == 200
        review = robot.post(
            "/apis/authentication.k8s.io/v1/tokenreviews",
            json={"kind": "TokenReview", "spec": {"token": "bob-token"}},
        )
    assert review.status_code == 403
    assert review.json()["message"] == (
        f'tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:'
        f'{NAMESPACE}:robot" cannot create resource "tokenreviews" in API group '
        '"authentication.k8s.io" at the cluster scope'
    )
    assert review.json()["details"] == {"group": "authentication.k8s.io", "kind": "tokenreviews"}
    with rbac_server.running.client("bob-token") as bob:
        denied = bob.get("/openid/v1/jwks")
        assert bob.get("/openapi.json").status_code == 200  # system:discovery: authenticated
        unknown = bob.get("/no/such/path")
    assert denied.status_code == 403
    assert denied.json()["message"] == 'forbidden: User "bob" cannot get path "/openid/v1/jwks"'
    assert denied.json()["details"] == {}
    assert unknown.status_code == 403  # the authorizer runs before the 404, as in kube-apiserver
    with rbac_server.running.client("admin-token") as admin:
        assert admin.get("/no/such/path").status_code == 404
        granted = admin.post(
            "/apis/authentication.k8s.io/v1/tokenreviews",
            json={"kind": "TokenReview", "spec": {"token": "bob-token"}},
        )
    assert granted.status_code == 201
    assert granted.json()["status"]["user"]["username"] == "bob"
    with rbac_server.running.client(None) as nobody:
        assert nobody.get("/no/such/path").status_code == 401


def test_rbac_non_resource_rules_match_as_kubernetes_matches_them() -> None:
    """`nonResourceURLs` with exact paths and a trailing `*`; a resource rule grants no path;
    system:anonymous is not system:authenticated."""
    rbac = _rbac_module()
    auth = importlib.import_module(f"{PACKAGE}._auth")
    objects = [
        ("x", {"apiVersion": rbac.RBAC_API_VERSION, "kind": "ClusterRole",
               "metadata": {"name": "metrics"},
               "rules": [{"nonResourceURLs": ["/metrics", "/logs/*"], "verbs": ["get"]},
                         {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}),
        ("y", {"apiVersion": rbac.RBAC_API_VERSION, "kind": "ClusterRoleBinding",
               "metadata": {"name": "b"},
               "roleRef": {"kind": "ClusterRole", "name": "metrics"},
               "subjects": [{"kind": "User", "name": "dave"}]}),
    ]  # fmt: skip
    authorize = rbac.RbacAuthorizer.from_objects(objects)

    def path(verb: str, url: str) -> object:
        return auth.RequestAttributes(verb, "", "", "", "", "", path=url)

    dave, erin = auth.User("dave"), auth.User("erin")
    anonymous = auth.User("system:anonymous", groups=("system:unauthenticated",))
    assert authorize(dave, path("get", "/metrics"))
    assert authorize(dave, path("get", "/logs/kube.log"))
    assert not authorize(dave, path("post", "/metrics"))
    assert not authorize(dave, path("get", "/metricsz"))
    assert not authorize(erin, path("get", "/metrics"))
    assert authorize(erin, path("get", "/openapi.json"))  # system:discovery
    assert not authorize(anonymous, path("get", "/openapi.json"))
    assert authorize(anonymous, path("get", "/version"))  # system:public-info-viewer
    sa = auth.User("system:serviceaccount:ci:x", groups=("system:serviceaccounts",))
    assert authorize(sa, path("get", "/openid/v1/jwks"))
    assert not authorize(erin, path("get", "/openid/v1/jwks"))
