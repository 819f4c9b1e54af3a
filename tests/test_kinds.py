"""Any Kubernetes kind: import, slice and lower by resource, checked against the upstream v1.35 document.

The golden packages (tests/kinds_support.py) are generated once per session
into a temporary folder; what each resource offers is computed here from the
raw document, not from a hand list.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_apigen, upstream_path
from kinds_support import KINDS, Golden, kind_goldens, package_name, upstream_document

from generator.config import Target
from generator.errors import ApigenError
from generator.ir.kubernetes import parse_path, patch_paths, resource_infos
from generator.ir.model import Api, Operation, PatchMeta
from generator.render import pipeline
from generator.spec.load import load_spec
from generator.spec.slice import slice_kinds

__all__ = ["kind_goldens"]  # the fixture, imported for pytest

ACTION_VERBS = {"post": "create", "put": "update", "watchlist": "watch"}


def gvk_of(group_version: str, kind: str) -> dict[str, str]:
    group, _, version = group_version.rpartition("/")
    return {"group": group, "kind": kind, "version": version}


def expected_operations(doc: dict[str, Any], kind: str, group_version: str) -> dict[str, str]:
    """operationId -> x-kubernetes-action of every operation the document offers for the kind:
    those carrying its group-version-kind, and every one under a path of its resource."""
    gvk = gvk_of(group_version, kind)
    group, version = gvk["group"], gvk["version"]
    prefix = f"/apis/{group}/{version}/" if group else f"/api/{version}/"
    plurals = set()
    for path, item in doc["paths"].items():
        carries = [op for m, op in item.items() if m != "parameters"]
        if not any(op.get("x-kubernetes-group-version-kind") == gvk for op in carries):
            continue
        match = re.fullmatch(r".*/([a-z0-9]+)(/\{name\})?", path)
        if match and path.startswith(prefix):
            plurals.add(match.group(1))
    under = [
        re.compile(rf"^{re.escape(prefix)}(watch/)?(namespaces/\{{namespace\}}/)?{p}(/|$)")
        for p in plurals
    ]
    found = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            if op.get("x-kubernetes-group-version-kind") == gvk or any(
                r.match(path) for r in under
            ):
                found[op["operationId"]] = op.get("x-kubernetes-action", "")
    return found


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_resource_has_every_operation_the_document_offers(
    kind_goldens: dict[str, Golden], kind: str
) -> None:
    api = kind_goldens[kind].api
    expected = expected_operations(upstream_document(), kind, KINDS[kind])
    assert expected, kind
    assert {op.operation_id: op.action for op in api.operations} == expected
    for op in api.operations:
        assert op.verb == ACTION_VERBS.get(op.action, op.action), op.operation_id
    grouped = [op for r in api.resources for op in r.operations] + [
        op for r in api.resources for s in r.subresources for op in s.operations
    ]
    assert sorted(op.operation_id for op in grouped) == sorted(expected)


def names(api: Api) -> set[str]:
    return {str(op.python_name) for op in api.operations}


def test_configmap_is_a_namespaced_core_resource_with_every_verb(
    kind_goldens: dict[str, Golden],
) -> None:
    api = kind_goldens["ConfigMap"].api
    (resource,) = api.resources
    assert (resource.group, resource.version, resource.kind) == ("", "v1", "ConfigMap")
    assert (resource.plural, resource.singular, resource.list_kind) == (
        "configmaps",
        "configmap",
        "ConfigMapList",
    )
    assert resource.namespaced and resource.subresources == ()
    assert resource.verbs == (
        "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
    )  # fmt: skip
    assert {
        "list_namespaced_config_map", "list_config_map_for_all_namespaces",
        "read_namespaced_config_map", "create_namespaced_config_map",
        "replace_namespaced_config_map", "patch_namespaced_config_map",
        "delete_namespaced_config_map", "delete_collection_namespaced_config_map",
        "watch_namespaced_config_map", "watch_namespaced_config_map_list",
        "watch_config_map_list_for_all_namespaces",
    } == names(api)  # fmt: skip
    everywhere = resource.operation("list", "all-namespaces")
    assert everywhere is not None and everywhere.path == "/api/v1/configmaps"
    in_one = resource.operation("list", "namespaced")
    assert in_one is not None and in_one.collection and not in_one.deprecated_watch
    old_watch = resource.operation("watch", "namespaced", deprecated_watch=True)
    assert old_watch is not None and old_watch.path.startswith("/api/v1/watch/")
    assert {m.name for m in api.models} >= {
        "ConfigMapList",
        "Status",
        "DeleteOptions",
        "WatchEvent",
    }


def test_query_parameters_are_typed_from_the_spec(kind_goldens: dict[str, Golden]) -> None:
    list_op = kind_goldens["ConfigMap"].api.resources[0].operation("list", "namespaced")
    assert list_op is not None
    kinds = {p.name: p.type.kind for p in list_op.query_params}
    assert kinds["limit"] == "integer" and kinds["timeoutSeconds"] == "integer"
    assert kinds["watch"] == "boolean" and kinds["allowWatchBookmarks"] == "boolean"
    assert kinds["labelSelector"] == "string" and kinds["continue"] == "string"
    limit = list_op.query("limit")
    assert limit is not None and limit.python_name == "limit" and not limit.required


def test_patch_and_delete_bodies(kind_goldens: dict[str, Golden]) -> None:
    resource = kind_goldens["ConfigMap"].api.resources[0]
    patch = resource.operation("patch")
    assert patch is not None and patch.body is not None
    assert patch.body.model is None and patch.body.type.kind == "object"  # a free-form Patch
    assert set(patch.body.media_types) >= {
        "application/json-patch+json",
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
        "application/apply-patch+yaml",
    }
    assert patch.query("fieldManager") is not None and patch.query("force") is not None
    delete = resource.operation("delete")
    assert delete is not None and delete.body is not None and delete.body.model == "DeleteOptions"
    assert {r.status for r in delete.responses} >= {200, 202}
    assert delete.response(200) is not None and delete.response(200).model == "Status"  # type: ignore[union-attr]


def test_node_is_cluster_scoped(kind_goldens: dict[str, Golden]) -> None:
    api = kind_goldens["Node"].api
    (resource,) = api.resources
    assert not resource.namespaced
    assert {op.scope for op in api.operations} == {"cluster"}
    assert [s.name for s in resource.subresources] == ["proxy", "status"]
    proxy = resource.subresource("proxy")
    assert proxy is not None and proxy.verbs == ("connect",)


def test_deployment_has_scale_and_status(kind_goldens: dict[str, Golden]) -> None:
    api = kind_goldens["Deployment"].api
    (resource,) = api.resources
    assert (resource.group, resource.version, resource.plural) == ("apps", "v1", "deployments")
    scale = resource.subresource("scale")
    status = resource.subresource("status")
    assert scale is not None and status is not None
    assert scale.kind is not None and (scale.kind.group, scale.kind.kind) == (
        "autoscaling",
        "Scale",
    )
    assert status.kind is not None and status.kind.kind == "Deployment"
    assert scale.verbs == status.verbs == ("get", "update", "patch")
    assert "read_namespaced_deployment_scale" in names(api)
    assert "Scale" in {m.name for m in api.models}
    infos = {info.name: info for info in resource_infos(api)}
    assert set(infos) == {"deployments", "deployments/scale", "deployments/status"}
    assert infos["deployments/scale"].kind == "Scale"
    assert infos["deployments/scale"].parent_kind == "Deployment"
    assert infos["deployments/scale"].path("ns", "web") == (
        "/apis/apps/v1/namespaces/ns/deployments/web/scale"
    )
    assert infos["deployments"].verbs == (
        "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch",
    )  # fmt: skip
    assert infos["deployments"].list_kind == "DeploymentList"


def test_eviction_is_a_subresource_of_pods(kind_goldens: dict[str, Golden]) -> None:
    api = kind_goldens["Eviction"].api
    (resource,) = api.resources
    assert (resource.plural, resource.operations) == ("pods", ())
    (sub,) = resource.subresources
    assert sub.name == "eviction" and sub.verbs == ("create",)
    assert sub.kind is not None and sub.kind.kind == "Eviction"
    (info,) = resource_infos(api)
    assert (info.kind, info.subresource, info.name) == ("Eviction", "eviction", "pods/eviction")


def test_event_of_events_k8s_io(kind_goldens: dict[str, Golden]) -> None:
    api = kind_goldens["Event"].api
    (resource,) = api.resources
    assert (resource.group, resource.version, resource.kind) == ("events.k8s.io", "v1", "Event")


def schema_of(doc: dict[str, Any], ref: str) -> dict[str, Any]:
    schema: dict[str, Any] = doc["definitions"][ref.rsplit("/", 1)[-1]]
    return schema


def test_strategic_merge_metadata_is_kept_per_field_path(kind_goldens: dict[str, Golden]) -> None:
    doc = upstream_document()
    paths = patch_paths(kind_goldens["Deployment"].api, "Deployment")
    containers = schema_of(doc, "io.k8s.api.core.v1.PodSpec")["properties"]["containers"]
    expected = PatchMeta(
        strategy=containers.get("x-kubernetes-patch-strategy", ""),
        merge_key=containers.get("x-kubernetes-patch-merge-key", ""),
        list_type=containers.get("x-kubernetes-list-type", ""),
        list_map_keys=tuple(containers.get("x-kubernetes-list-map-keys", ())),
    )
    assert expected.merge_key == "name"
    assert paths["spec.template.spec.containers"] == expected
    ports = schema_of(doc, "io.k8s.api.core.v1.Container")["properties"]["ports"]
    assert paths["spec.template.spec.containers.ports"].list_map_keys == tuple(
        ports["x-kubernetes-list-map-keys"]
    )
    # Recursive JSONSchemaProps: the walk ends, and nested merge metadata is there.
    crd = patch_paths(kind_goldens["CustomResourceDefinition"].api, "CustomResourceDefinition")
    versions = schema_of(
        doc, "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec"
    )["properties"]["versions"]
    assert crd["spec.versions"].list_type == versions["x-kubernetes-list-type"]
    props = schema_of(
        doc, "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"
    )["properties"]
    nested = crd["spec.versions.schema.openAPIV3Schema.allOf"]
    assert nested.list_type == props["allOf"]["x-kubernetes-list-type"]


def test_every_golden_passes_mypy_strict_and_ruff(kind_goldens: dict[str, Golden]) -> None:
    folders = [str(g.package_dir) for g in kind_goldens.values()]
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *folders],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"), *folders],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_every_golden_imports_in_a_fresh_interpreter(kind_goldens: dict[str, Golden]) -> None:
    parent = next(iter(kind_goldens.values())).package_dir.parent
    script = "; ".join(
        f"import {package_name(k)}.models, {package_name(k)}.validators" for k in kind_goldens
    )
    result = subprocess.run(
        [sys.executable, "-c", script + "; print('ok')"],
        cwd=parent, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_import_cli_takes_the_kind_that_failed_and_several_kinds(tmp_path: Path) -> None:
    source = upstream_path("1.35")
    out = tmp_path / "configmap.openapi.json"
    result = run_apigen("import", source, "--kind", "ConfigMap", "-o", out)
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    assert "Patch" in document["components"]["schemas"]
    patch = document["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["patch"]
    assert "requestBody" in patch and all(p.get("in") != "body" for p in patch["parameters"])
    both = tmp_path / "cm-secret.openapi.json"
    result = run_apigen("import", source, "--kind", "ConfigMap", "--kind", "Secret", "-o", both)
    assert result.returncode == 0, result.stderr
    assert "ConfigMap, Secret" in result.stdout
    schemas = json.loads(both.read_text())["components"]["schemas"]
    assert {"ConfigMap", "Secret", "ConfigMapList", "SecretList", "ObjectMeta"} <= set(schemas)


def test_several_kinds_share_their_types_once() -> None:
    spec = load_spec(upstream_path("1.35"))
    kinds = ("TokenRequest", "TokenReview", "SelfSubjectReview")
    sliced = slice_kinds(spec.document, kinds, "authentication.k8s.io/v1", spec.source)
    assert sliced.roots == kinds
    schemas = sliced.document["components"]["schemas"]
    assert "ObjectMeta" in schemas and "UserInfo" in schemas
    ops = [op for item in sliced.document["paths"].values() for op in item.values()]
    kinds_served = {
        op["x-kubernetes-group-version-kind"]["kind"] for op in ops if "operationId" in op
    }
    assert kinds_served == set(kinds)


def test_recursion_through_a_model_is_allowed_an_alias_cycle_is_not() -> None:
    def doc(schemas: dict[str, Any]) -> dict[str, Any]:
        return {"openapi": "3.0.3", "info": {}, "paths": {}, "components": {"schemas": schemas}}

    node = {"type": "object", "properties": {"children": {"type": "array", "items": {
        "$ref": "#/components/schemas/Node"}}, "next": {"$ref": "#/components/schemas/Node"}}}  # fmt: skip
    sliced = slice_kinds(doc({"Node": node}), ("Node",), None, "t.json")
    assert list(sliced.document["components"]["schemas"]) == ["Node"]
    alias = {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"},
             "Node": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}}  # fmt: skip
    with pytest.raises(ApigenError, match=r"\$ref cycle: A -> B -> A"):
        slice_kinds(doc(alias), ("Node",), None, "t.json")


BOUND = "io.k8s.api.authentication.v1.BoundObjectReference"


@pytest.mark.parametrize(
    ("rule", "where"),
    [
        ("{enum: [{a: 1}]}", f"/definitions/{BOUND}/properties/kind"),  # no check can be generated
        ("{pattern: '('}", f"/definitions/{BOUND}"),  # not valid OpenAPI
    ],
)
def test_an_overlay_error_names_the_pointer_in_the_upstream_file(
    tmp_path: Path, rule: str, where: str
) -> None:
    overlay = tmp_path / "bad.overlay.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        f"  - target: $.components.schemas['{BOUND}'].properties.kind\n"
        f"    update: {rule}\n"
    )
    target = Target(
        name="t",
        spec=upstream_path("1.35"),
        kinds=("TokenRequest",),
        package_dir=tmp_path / "t_v1",
        group_version="authentication.k8s.io/v1",
        overlay=overlay,
    )
    with pytest.raises(ApigenError) as caught:
        pipeline.render_files(pipeline.build_api(target))
    assert caught.value.pointer == where
    assert "components/schemas" not in str(caught.value)


def test_paths_are_read_by_kubernetes_rules() -> None:
    info = parse_path("/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}")
    assert info is not None and info.deprecated_watch and info.namespaced and info.named
    sub = parse_path("/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}")
    assert sub is not None and (sub.plural, sub.subresource) == ("pods", "proxy")
    namespaces = parse_path("/api/v1/namespaces/{name}/finalize")
    assert namespaces is not None and not namespaces.namespaced
    assert (namespaces.plural, namespaces.subresource) == ("namespaces", "finalize")
    assert parse_path("/apis/events.k8s.io/v1/") is None and parse_path("/healthz") is None


def test_the_default_package_keeps_its_single_subresource() -> None:
    api = pipeline.build_api(Target(
        name="tr", spec=ROOT / "specs/authentication.k8s.io/v1/tokenrequest.openapi.json",
        kinds=("TokenRequest",), package_dir=ROOT / "unused", group_version="authentication.k8s.io/v1",
    ))  # fmt: skip
    (resource,) = api.resources
    assert (resource.plural, resource.namespaced) == ("serviceaccounts", True)
    (op,) = api.operations
    assert isinstance(op, Operation)
    assert (op.verb, op.scope, op.subresource, op.resource) == (
        "create",
        "namespaced",
        "token",
        "serviceaccounts",
    )
