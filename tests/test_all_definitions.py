"""Every definition of a document: `apigen generate --all-definitions` and `definitions = "all"`.

The naming rule (docs/kinds.md, "Every definition"): a short name no other schema has is
kept; colliding ones are qualified by their group and version segments
(`AdmissionregistrationV1MatchCondition`). The whole v1.35 document is generated once
per module (models + validators, ~735 schemas) and its package imported.
"""

from __future__ import annotations

import importlib
import json
import random
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import import_package, run_apigen, upstream_path

from generator.config import Target, load_targets
from generator.errors import ApigenError
from generator.ir.naming import qualified_schema_name
from generator.spec.load import load_spec
from generator.spec.slice import qualified_names, slice_definitions


def test_qualified_names_keep_unique_short_names_and_qualify_collisions() -> None:
    names = [
        "io.k8s.api.core.v1.Pod",
        "io.k8s.api.core.v1.Event",
        "io.k8s.api.events.v1.Event",
        "io.k8s.api.admissionregistration.v1.MatchCondition",
        "io.k8s.api.admissionregistration.v1beta1.MatchCondition",
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ServiceReference",
        "io.k8s.api.admissionregistration.v1.ServiceReference",
    ]
    renames = qualified_names(names, "doc.json")
    assert renames == {
        "io.k8s.api.core.v1.Pod": "Pod",
        "io.k8s.api.core.v1.Event": "CoreV1Event",
        "io.k8s.api.events.v1.Event": "EventsV1Event",
        "io.k8s.api.admissionregistration.v1.MatchCondition": "AdmissionregistrationV1MatchCondition",
        "io.k8s.api.admissionregistration.v1beta1.MatchCondition": (
            "AdmissionregistrationV1beta1MatchCondition"
        ),
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ServiceReference": (
            "ApiextensionsV1ServiceReference"
        ),
        "io.k8s.api.admissionregistration.v1.ServiceReference": (
            "AdmissionregistrationV1ServiceReference"
        ),
    }
    shuffled = list(names)
    random.Random(7).shuffle(shuffled)
    assert qualified_names(shuffled, "doc.json") == renames  # the order does not matter


def test_qualified_names_take_more_segments_only_where_two_still_collide() -> None:
    renames = qualified_names(["a.x.v1.Thing", "b.x.v1.Thing", "c.y.v1.Other"], "doc.json")
    assert renames == {
        "a.x.v1.Thing": "AXV1Thing",
        "b.x.v1.Thing": "BXV1Thing",
        "c.y.v1.Other": "Other",
    }
    assert (
        qualified_schema_name("io.k8s.kube-aggregator.pkg.apis.x.Y", 4) == "KubeAggregatorPkgApisXY"
    )


def test_qualified_names_refuse_two_schemas_that_become_one_class() -> None:
    # `CoreV1Event` is a schema's own short name and the qualified name of another.
    with pytest.raises(ApigenError, match="both become class CoreV1Event"):
        qualified_names(["x.CoreV1Event", "io.k8s.api.core.v1.Event", "io.k8s.api.e.v1.Event"], "d")


def import_with_validators(out: Path) -> ModuleType:
    """The generated package, its validators module loaded too (models load it lazily)."""
    package = import_package(out)
    importlib.import_module(f"{out.name}.validators")
    return package


def small_document() -> dict[str, Any]:
    """Two group-versions sharing the short name `Thing`, one kind each."""

    def thing(group: str, field: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": [field],
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                field: {"type": "integer", "format": "int32", "minimum": 1},
            },
            "x-kubernetes-group-version-kind": [{"group": group, "version": "v1", "kind": "Thing"}],
        }

    return {
        "openapi": "3.0.3",
        "info": {"title": "two groups", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "io.example.a.v1.Thing": thing("a.example.io", "size"),
                "io.example.b.v1.Thing": thing("b.example.io", "count"),
                "io.example.b.v1.Holder": {
                    "type": "object",
                    "properties": {"thing": {"$ref": "#/components/schemas/io.example.b.v1.Thing"}},
                },
            }
        },
    }


def test_slice_definitions_keeps_every_schema_with_refs_renamed() -> None:
    sliced = slice_definitions(small_document(), "doc.json")
    schemas = sliced.document["components"]["schemas"]
    assert sorted(schemas) == ["AV1Thing", "BV1Thing", "Holder"]
    assert schemas["Holder"]["properties"]["thing"] == {"$ref": "#/components/schemas/BV1Thing"}
    assert sliced.roots == ("AV1Thing", "BV1Thing")  # the schemas that declare one kind
    assert sliced.document["paths"] == {}


def test_slice_definitions_refuses_a_dangling_ref() -> None:
    document = small_document()
    holder = document["components"]["schemas"]["io.example.b.v1.Holder"]
    holder["properties"]["thing"] = {"$ref": "#/components/schemas/Missing"}
    with pytest.raises(ApigenError, match="dangling") as caught:
        slice_definitions(document, "doc.json")
    assert "/components/schemas/io.example.b.v1.Holder/properties/thing/$ref" in str(caught.value)


def test_cli_generates_every_definition_of_a_small_document(tmp_path: Path) -> None:
    spec = tmp_path / "doc.json"
    spec.write_text(json.dumps(small_document()))
    out = tmp_path / "out" / "things"
    done = run_apigen("generate", "--spec", spec, "--all-definitions", "--out", out)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.glob("*.py")) == [
        "__init__.py", "_base.py", "_resource.py", "_types.py", "models.py", "validators.py",
    ]  # fmt: skip
    package = import_with_validators(out)
    assert package.models.AV1Thing.model_validate({"size": 2}).size == 2
    assert package.models.BV1Thing.model_validate({"count": 3}).count == 3
    errors = package.validators.VALIDATORS["BV1Thing"]({"count": 0})
    assert [(e.field, str(e.type)) for e in errors] == [("count", "FieldValueInvalid")]
    holder = package.models.Holder.model_validate({"thing": {"count": 0}})
    assert type(holder.thing) is package.models.BV1Thing
    assert [e.field for e in holder.validate_k8s()] == ["thing.count"]


@pytest.mark.parametrize(
    "extra",
    [
        ("--artifacts", "models,client"),
        ("--artifacts", "server"),
        ("--kind", "Thing"),
    ],
)
def test_cli_refuses_what_every_definition_cannot_hold(
    tmp_path: Path, extra: tuple[str, ...]
) -> None:
    spec = tmp_path / "doc.json"
    spec.write_text(json.dumps(small_document()))
    out = tmp_path / "out" / "things"
    done = run_apigen("generate", "--spec", spec, "--all-definitions", *extra, "--out", out)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not out.exists()


def test_pyproject_target_with_every_definition(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text(json.dumps(small_document()))
    (tmp_path / "pyproject.toml").write_text(
        '[tool.apigen.targets.all]\nspec = "doc.json"\ndefinitions = "all"\npackage = "pkg/things"\n'
    )
    targets, default = load_targets(tmp_path)
    target = targets[default]
    assert target.all_definitions and target.kinds == ()
    assert target.artifacts == ("models", "validators")
    done = run_apigen("generate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "pkg" / "things" / "validators.py").is_file()
    assert run_apigen("check", cwd=tmp_path).returncode == 0
    served = run_apigen("serve", cwd=tmp_path)
    assert served.returncode == 2 and "no server" in served.stderr
    assert len(served.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ('definitions = "all"\nkind = "Thing"\n', "takes no kind"),
        ('definitions = "some"\n', 'must be "all" or "kinds"'),
        ('definitions = "all"\nartifacts = ["client"]\n', "models and validators only"),
    ],
)
def test_pyproject_target_refusals(tmp_path: Path, lines: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.apigen.targets.all]\nspec = "doc.json"\npackage = "pkg/things"\n{lines}'
    )
    with pytest.raises(ApigenError, match=message):
        load_targets(tmp_path)


# The whole v1.35 document, generated once for this module.

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
        "containers": [
            {
                "name": "web",
                "image": "nginx:1.27",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}},
            }
        ],
        "restartPolicy": "Always",
    },
}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": POD["spec"]},
    },
}
MATCH_CONDITION = {
    "name": "exclude-leases",
    "expression": "request.resource.group != 'coordination.k8s.io'",
}


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The package of every definition of v1.35 (models + validators), generated in-process."""
    from generator.render.output import write_package
    from generator.render.pipeline import generate

    spec = upstream_path("1.35")
    out = tmp_path_factory.mktemp("whole") / "k8s_v1_35"
    target = Target(
        name="whole", spec=spec, kinds=(), package_dir=out,
        artifacts=("models", "validators"), all_definitions=True,
    )  # fmt: skip
    write_package(generate(target), out)
    return import_with_validators(out)


def test_whole_document_every_definition_is_a_class_or_inlined(whole: ModuleType) -> None:
    spec = load_spec(upstream_path("1.35"))
    schemas = spec.document["components"]["schemas"]
    assert len(schemas) == 735
    renames = qualified_names(list(schemas), spec.source)
    models = whole.models
    for name, new in renames.items():
        if schemas[name].get("properties"):
            assert isinstance(getattr(models, new, None), type), name
    collided = [n for n, new in renames.items() if new != n.rsplit(".", 1)[-1]]
    assert len(collided) == 224  # 87 short names held by several group-versions
    assert set(whole.validators.VALIDATORS) == {
        n for n, s in ((renames[k], v) for k, v in schemas.items()) if s.get("properties")
    }


def test_whole_document_names(whole: ModuleType) -> None:
    models = whole.models
    for name in ("Pod", "Deployment", "ObjectMeta", "JSONSchemaProps", "APIService"):
        assert hasattr(models, name), name
    for name in (
        "AdmissionregistrationV1MatchCondition",
        "AdmissionregistrationV1alpha1MatchCondition",
        "AdmissionregistrationV1beta1MatchCondition",
        "CoreV1Event",
        "EventsV1Event",
        "AuthenticationV1TokenRequest",
        "StorageV1TokenRequest",
        "ApiextensionsV1ServiceReference",
        "ApiregistrationV1ServiceReference",
    ):
        assert hasattr(models, name), name
    assert not hasattr(models, "MatchCondition") and not hasattr(models, "Event")
    webhook = models.ValidatingWebhook.model_fields["match_conditions"].annotation
    assert "AdmissionregistrationV1MatchCondition" in str(webhook)


def test_whole_document_validates_a_pod(whole: ModuleType) -> None:
    pod = whole.models.Pod.model_validate(POD)
    assert type(pod.spec).__name__ == "PodSpec"
    assert type(pod.spec.containers[0]).__name__ == "Container"
    assert pod.validate_k8s() == []
    bad = json.loads(json.dumps(POD))
    bad["spec"]["containers"][0]["ports"][0]["containerPort"] = "eighty"
    errors = whole.validators.validate_pod(bad)
    assert [(e.field, str(e.type)) for e in errors] == [
        ("spec.containers[0].ports[0].containerPort", "FieldValueTypeInvalid")
    ]


def test_whole_document_validates_a_deployment(whole: ModuleType) -> None:
    deployment = whole.models.Deployment.model_validate(DEPLOYMENT)
    assert type(deployment.spec.template.spec).__name__ == "PodSpec"
    assert deployment.spec.strategy.rolling_update.max_surge == "25%"
    assert deployment.validate_k8s() == []
    bad = json.loads(json.dumps(DEPLOYMENT))
    bad["spec"]["replicas"] = 2**40
    errors = whole.validators.validate_deployment(bad)
    assert [e.field for e in errors] == ["spec.replicas"]


def test_whole_document_validates_a_match_condition(whole: ModuleType) -> None:
    cls = whole.models.AdmissionregistrationV1MatchCondition
    condition = cls.model_validate(MATCH_CONDITION)
    assert condition.validate_k8s() == []
    check = whole.validators.VALIDATORS["AdmissionregistrationV1MatchCondition"]
    assert check is whole.validators.validate_admissionregistration_v1_match_condition
    errors = check({"name": "x"}, strict=True)
    assert [(e.field, str(e.type)) for e in errors] == [("expression", "FieldValueRequired")]
    webhook = whole.models.ValidatingWebhook.model_validate(
        {"name": "w.example.com", "clientConfig": {}, "sideEffects": "None",
         "admissionReviewVersions": ["v1"], "matchConditions": [MATCH_CONDITION]}
    )  # fmt: skip
    assert type(webhook.match_conditions[0]) is cls
