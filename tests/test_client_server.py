"""The generated client against the generated server, both as users run them.

The server is its own command line in a subprocess (tests/server_harness.py), over
TLS with its self-signed certificate; the client connects through a kubeconfig.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from server_harness import (
    ADMIN_TOKEN,
    MAX_EXPIRATION,
    NAMESPACE,
    POD_UID,
    RunningServer,
    server_process,
    verify_token,
    write_server_files,
)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with server_process(write_server_files(tmp_path_factory.mktemp("server"))) as running:
        yield running


@pytest.fixture(scope="module")
def kubeconfig(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kube") / "config"
    cluster = {"server": server.url, "certificate-authority": str(server.ca)}
    path.write_text(
        yaml.safe_dump(
            {
                "clusters": [{"name": "generated", "cluster": cluster}],
                "users": [{"name": "admin", "user": {"token": ADMIN_TOKEN}}],
                "contexts": [
                    {
                        "name": "ci",
                        "context": {
                            "cluster": "generated",
                            "user": "admin",
                            "namespace": NAMESPACE,
                        },
                    },
                    {"name": "stranger", "context": {"cluster": "generated"}},
                ],
                "current-context": "ci",
            }
        )
    )
    return path


def test_pod_bound_token_and_the_shortened_expiration_warning(kube, server, kubeconfig, models):
    pod = models.BoundObjectReference.model_validate(
        {"kind": "Pod", "apiVersion": "v1", "name": "p1"}
    )
    with kube.Client.from_kubeconfig(kubeconfig) as client:
        with pytest.warns(kube.ApiWarning, match=f"shortened to {MAX_EXPIRATION} seconds"):
            created = client.create_token(
                "builder", audiences=["vault"], duration=timedelta(days=2), bound_object=pod
            )
    assert created.spec.expiration_seconds == MAX_EXPIRATION
    claims = verify_token(created.status.token, server.jwks(), audience="vault")
    assert claims["kubernetes.io"]["pod"] == {"name": "p1", "uid": POD_UID}


def test_server_errors_arrive_typed(kube, kubeconfig):
    with kube.Client.from_kubeconfig(kubeconfig, validate=False) as client:
        with pytest.raises(kube.Invalid) as invalid:
            client.create_token("builder", duration=60)
        assert [cause.field for cause in invalid.value.causes] == ["spec.expirationSeconds"]
        with pytest.raises(kube.NotFound) as missing:
            client.create_token("nobody")
        assert missing.value.status.details.kind == "serviceaccounts"
    with (
        kube.Client.from_kubeconfig(kubeconfig, "stranger") as anonymous,
        pytest.raises(kube.Unauthorized),
    ):
        anonymous.create_token("builder", NAMESPACE)


def test_async_client(kube, server, kubeconfig):
    async def two_tokens() -> list[str]:
        async with kube.AsyncClient.from_kubeconfig(kubeconfig) as client:
            made = await asyncio.gather(
                *(client.create_token("builder", audiences=[a]) for a in ("x", "y"))
            )
        return [m.status.token for m in made]

    first, second = asyncio.run(two_tokens())
    assert verify_token(first, server.jwks(), audience="x")
    assert verify_token(second, server.jwks(), audience="y")


@pytest.fixture(scope="module")
def models(generated_package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{generated_package.__name__}.models")
