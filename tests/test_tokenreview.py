"""TokenReview in the same server: it verifies the tokens it issued, as kube-apiserver does.

Checked through raw HTTP, the generated client (`create_token_review`), the
official `kubernetes` client (`AuthenticationV1Api.create_token_review`) and
the generated command line (`review-token`).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import kubernetes
import pytest
import yaml
from conftest import GENERATED
from cryptography.hazmat.primitives.asymmetric import ec
from server_harness import (
    ADMIN_TOKEN,
    API_AUDIENCES,
    ISSUER,
    NAMESPACE,
    NODE_UID,
    POD_UID,
    SA_UID,
    RunningServer,
    ServerFiles,
    files_fixture,  # noqa: F401 - the `files` fixture
    server_fixture,  # noqa: F401 - the `server` fixture
)

pytestmark = pytest.mark.timeout(120)

REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews"
TOKEN_PATH = f"/api/v1/namespaces/{NAMESPACE}/serviceaccounts/builder/token"
EXTRA = "authentication.kubernetes.io/"


@pytest.fixture(scope="module")
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture(scope="module")
def tokens(generated_package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{generated_package.__name__}._tokens")


def issue(http: httpx.Client, spec: dict[str, Any]) -> str:
    response = http.post(TOKEN_PATH, json={"kind": "TokenRequest", "spec": spec})
    assert response.status_code == 201, response.text
    return str(response.json()["status"]["token"])


def review(http: httpx.Client, token: str, audiences: list[str] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"token": token, **({"audiences": audiences} if audiences else {})}
    response = http.post(
        REVIEWS,
        json={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec},
    )
    assert response.status_code == 201, response.text
    answer = response.json()
    assert (answer["kind"], answer["apiVersion"]) == ("TokenReview", "authentication.k8s.io/v1")
    assert answer["spec"]["token"] == token
    return dict(answer["status"])


def signed(files: ServerFiles, tokens: ModuleType, *, key: Any = None, **grant: Any) -> str:
    """A token signed with the server's key (or `key`), for cases the API cannot issue."""
    signer = tokens.TokenSigner(tokens.load_key(files.signing_key), ISSUER)
    if key is not None:
        other = tokens.TokenSigner(key, ISSUER)
        other.kid = signer.kid  # the same kid: only the signature is wrong
        signer = other
    values = {
        "namespace": NAMESPACE,
        "service_account": tokens.ObjectRef("builder", SA_UID),
        "audiences": ("a",),
        "issued_at": int(time.time()),
        "expiration_seconds": 3600,
        **grant,
    }
    return str(signer.sign(tokens.TokenGrant(**values)))


def test_a_pod_bound_token_reviews_as_its_service_account(http: httpx.Client) -> None:
    pod = {"kind": "Pod", "apiVersion": "v1", "name": "p1"}
    token = issue(http, {"audiences": ["a", "b"], "boundObjectRef": pod})
    status = review(http, token, ["b", "c"])
    jti = json.loads(__import__("jwt").utils.base64url_decode(token.split(".")[1]))["jti"]
    assert status == {
        "authenticated": True,
        "user": {
            "username": f"system:serviceaccount:{NAMESPACE}:builder",
            "uid": SA_UID,
            "groups": [
                "system:serviceaccounts",
                f"system:serviceaccounts:{NAMESPACE}",
                "system:authenticated",
            ],
            "extra": {
                EXTRA + "credential-id": [f"JTI={jti}"],
                EXTRA + "node-name": ["n1"],
                EXTRA + "node-uid": [NODE_UID],
                EXTRA + "pod-name": ["p1"],
                EXTRA + "pod-uid": [POD_UID],
            },
        },
        "audiences": ["b"],
    }


def test_audiences_default_to_the_api_servers(http: httpx.Client) -> None:
    token = issue(http, {})
    assert review(http, token)["audiences"] == list(API_AUDIENCES)
    refused = review(http, token, ["vault"])
    assert refused == {
        "user": {},
        "error": f'token audiences ["{API_AUDIENCES[0]}" "{API_AUDIENCES[1]}"] is invalid for the target '
        'audiences ["vault"]',
    }


def test_token_file_users_review_as_themselves_for_the_api_audiences(http: httpx.Client) -> None:
    status = review(http, ADMIN_TOKEN)
    assert status == {
        "authenticated": True,
        "user": {
            "username": "admin",
            "uid": "1000",
            "groups": ["system:masters", "dev", "system:authenticated"],
        },
        "audiences": list(API_AUDIENCES),
    }
    assert review(http, ADMIN_TOKEN, ["vault"]) == {"user": {}}


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("expired", "service account token has expired"),
        ("not yet valid", "service account token is not valid yet"),
        ("wrong signature", "go-jose/go-jose: error in cryptographic primitive"),
        ("account uid changed", f"service account UID ({SA_UID}) does not match claim (old-uid)"),
        ("pod gone", "service account token has been invalidated"),
        (
            "pod recreated",
            f"pod UID ({POD_UID}) does not match service account pod ref claim (old-pod)",
        ),
        ("garbage", ""),
        ("another issuer", ""),
    ],
)
def test_bad_tokens_are_unauthenticated_with_kube_apiservers_error(
    http: httpx.Client, files: ServerFiles, tokens: ModuleType, case: str, error: str
) -> None:
    now = int(time.time())
    token = {
        "expired": lambda: signed(files, tokens, issued_at=now - 7200),
        "not yet valid": lambda: signed(files, tokens, issued_at=now + 3600),
        "wrong signature": lambda: signed(
            files, tokens, key=ec.generate_private_key(ec.SECP256R1())
        ),
        "account uid changed": lambda: signed(
            files, tokens, service_account=tokens.ObjectRef("builder", "old-uid")
        ),
        "pod gone": lambda: signed(files, tokens, pod=tokens.ObjectRef("gone", "x")),
        "pod recreated": lambda: signed(files, tokens, pod=tokens.ObjectRef("p1", "old-pod")),
        "garbage": lambda: "not-a-token",
        "another issuer": lambda: tokens.TokenSigner(
            tokens.load_key(files.signing_key), "https://elsewhere"
        ).sign(
            tokens.TokenGrant(NAMESPACE, tokens.ObjectRef("builder", SA_UID), ("a",), now, 3600)
        ),
    }[case]()
    assert review(http, token, ["a"]) == ({"user": {}, "error": error} if error else {"user": {}})


def test_an_empty_token_is_a_bad_request(http: httpx.Client) -> None:
    response = http.post(REVIEWS, json={"kind": "TokenReview", "spec": {}})
    assert response.status_code == 400
    assert response.json()["message"] == "token is required for TokenReview in authentication"


def test_the_servers_own_service_account_tokens_authenticate_to_it(
    server: RunningServer, http: httpx.Client
) -> None:
    token = issue(http, {"audiences": [API_AUDIENCES[0]]})
    with server.client(token) as as_account:
        answer = as_account.post(
            REVIEWS, json={"kind": "TokenReview", "spec": {"token": ADMIN_TOKEN}}
        )
    # Authenticated as the account (not 401); RBAC, the server's default, grants it no create
    # on tokenreviews (kube-apiserver's system:auth-delegator is bound to no one by default).
    assert answer.status_code == 403, answer.text
    assert answer.json()["message"] == (
        'tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:'
        f'{NAMESPACE}:builder" cannot create resource "tokenreviews" in API group '
        '"authentication.k8s.io" at the cluster scope'
    )


def test_generated_client_reviews(
    server: RunningServer, http: httpx.Client, generated_package: ModuleType
) -> None:
    kube = importlib.import_module(f"{generated_package.__name__}.client")
    models = importlib.import_module(f"{generated_package.__name__}.models")
    token = issue(http, {"audiences": ["a"]})
    with kube.Client(server.url, token=ADMIN_TOKEN, verify=server.ca) as client:
        reviewed = client.create_token_review(
            models.TokenReview(spec=models.TokenReviewSpec(token=token, audiences=["a"]))
        )
    assert reviewed.status.authenticated is True
    assert reviewed.status.user.username == f"system:serviceaccount:{NAMESPACE}:builder"
    assert reviewed.status.audiences == ["a"]


def test_official_client_reviews(server: RunningServer, http: httpx.Client) -> None:
    configuration = kubernetes.client.Configuration(host=server.url)
    configuration.api_key = {"authorization": ADMIN_TOKEN}
    configuration.api_key_prefix = {"authorization": "Bearer"}
    configuration.ssl_ca_cert = str(server.ca)
    token = issue(http, {"audiences": ["a"]})
    with kubernetes.client.ApiClient(configuration) as api_client:
        api = kubernetes.client.AuthenticationV1Api(api_client)
        body = kubernetes.client.V1TokenReview(
            spec=kubernetes.client.V1TokenReviewSpec(token=token, audiences=["a"])
        )
        reviewed = api.create_token_review(body)
        refused = api.create_token_review(
            kubernetes.client.V1TokenReview(spec=kubernetes.client.V1TokenReviewSpec(token="nope"))
        )
    assert reviewed.status.authenticated is True
    assert reviewed.status.user.uid == SA_UID
    assert "system:authenticated" in reviewed.status.user.groups
    assert not refused.status.authenticated


def test_review_token_command(server: RunningServer, http: httpx.Client, tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(
        yaml.safe_dump(
            {
                "clusters": [
                    {
                        "name": "c",
                        "cluster": {"server": server.url, "certificate-authority": str(server.ca)},
                    }
                ],
                "users": [{"name": "u", "user": {"token": ADMIN_TOKEN}}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "x",
            }
        )
    )
    token = issue(http, {"audiences": ["a"]})
    env = {**os.environ, "PYTHONPATH": str(GENERATED)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "authentication_k8s_io_v1",
                "review-token",
                *args,
                f"--kubeconfig={config}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )

    good = run(token, "--audience", "a")
    assert good.returncode == 0, good.stderr
    printed = json.loads(good.stdout)
    assert printed["status"]["authenticated"] is True
    assert printed["status"]["user"]["username"] == f"system:serviceaccount:{NAMESPACE}:builder"
    bad = run("nope")
    assert bad.returncode == 1
    assert json.loads(bad.stdout)["status"] == {"user": {}}
    assert bad.stderr == "error: the token is not authenticated\n"
