"""`apigen import`: from upstream documents (files in ../shared) to a vendored spec, for several kinds.

That an imported spec is a drop-in replacement (whole package generated, imported,
a TokenRequest round-tripped) is tested release by release in test_releases.py.
"""

from __future__ import annotations

import gzip
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SPEC, run_apigen, upstream_path

from generator.config import Target
from generator.drift.fetch import read_source
from generator.drift.importer import import_kind
from generator.render import pipeline
from generator.render.output import write_package
from generator.spec.slice import slice_kind

KIND_AGNOSTIC = ("_base.py", "models.py", "validators.py", "py.typed")


def import_cli(source: Path | str, out: Path, kind: str = "TokenRequest", *extra: str) -> Any:
    result = run_apigen("import", source, "--kind", kind, "-o", out, *extra)
    assert result.returncode == 0, result.stderr
    return result


def refs_with_siblings(node: Any) -> list[Any]:
    if isinstance(node, list):
        return [bad for v in node for bad in refs_with_siblings(v)]
    if not isinstance(node, dict):
        return []
    here = [node] if "$ref" in node and len(node) > 1 else []
    return here + [bad for v in node.values() for bad in refs_with_siblings(v)]


def generate_models_and_validators(
    spec: Path, package_dir: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kind-agnostic artifacts: the server's also need a `.proto` of the kind's messages,
    which only TokenRequest has."""
    target = Target(
        name=kind.lower(),
        spec=spec,
        kinds=(kind,),
        package_dir=package_dir,
        group_version="authentication.k8s.io/v1",
    )
    kept = tuple(a for a in pipeline.ARTIFACTS if a.path in KIND_AGNOSTIC)
    monkeypatch.setattr(pipeline, "ARTIFACTS", kept)
    write_package(pipeline.generate(target), package_dir)


def import_module(package_dir: Path, module: str) -> Any:
    sys.path.insert(0, str(package_dir.parent))
    try:
        return importlib.import_module(f"{package_dir.name}.{module}")
    finally:
        sys.path.remove(str(package_dir.parent))


def test_import_writes_a_sorted_stable_openapi_30_slice(tmp_path: Path) -> None:
    out = tmp_path / "tokenrequest.openapi.json"
    result = import_cli(
        upstream_path("1.35"), out, "TokenRequest", "--group-version", "authentication.k8s.io/v1"
    )
    assert "TokenRequest, 9 schemas, 1 operations" in result.stdout
    text = out.read_text()
    document = json.loads(text)
    assert text.endswith("}\n")
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document["openapi"].startswith("3.0")
    embedded = read_source(str(SPEC)).document  # the embedded spec holds the whole group-version
    assert sorted(document["components"]["schemas"]) == sorted(
        slice_kind(embedded, "TokenRequest", None, str(SPEC))[0]["components"]["schemas"]
    )
    assert list(document["paths"]) == [
        "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"
    ]
    assert refs_with_siblings(document) == []  # described refs are allOf-wrapped, valid OAS 3.0
    spec_property = document["components"]["schemas"]["TokenRequest"]["properties"]["spec"]
    assert spec_property["allOf"] == [{"$ref": "#/components/schemas/TokenRequestSpec"}]
    assert spec_property["description"]
    again = tmp_path / "again.openapi.json"
    import_cli(upstream_path("1.35"), again)
    assert again.read_bytes() == out.read_bytes()
    reimported = import_kind(read_source(str(out)), "TokenRequest").text()
    assert reimported == text  # importing an import changes nothing


def test_yaml_and_gzip_sources_import_alike(tmp_path: Path) -> None:
    """The vendored spec, rewritten as YAML and as gzipped YAML, imports to the same bytes."""
    document = json.loads(SPEC.read_text())
    as_yaml = tmp_path / "spec.yaml"
    as_yaml.write_text(yaml.safe_dump(document))
    as_gzip = tmp_path / "spec.yaml.gz"
    as_gzip.write_bytes(gzip.compress(as_yaml.read_bytes()))
    outputs = [
        import_kind(read_source(str(source)), "TokenRequest").text()
        for source in (SPEC, as_yaml, as_gzip)
    ]
    assert outputs[0] == outputs[1] == outputs[2]


@pytest.mark.parametrize(
    ("kind", "root_model", "payload"),
    [
        (
            "TokenReview",
            "TokenReview",
            {
                "apiVersion": "authentication.k8s.io/v1",
                "kind": "TokenReview",
                "spec": {"token": "abc", "audiences": ["api"]},
                "status": {
                    "authenticated": True,
                    "user": {"username": "system:serviceaccount:ns:sa", "groups": ["g"]},
                    "audiences": ["api"],
                },
            },
        ),
        (
            "SelfSubjectReview",
            "SelfSubjectReview",
            {
                "apiVersion": "authentication.k8s.io/v1",
                "kind": "SelfSubjectReview",
                "metadata": {"creationTimestamp": "2026-11-29T17:00:00Z"},
                "status": {"userInfo": {"username": "alice", "extra": {"k": ["v"]}}},
            },
        ),
    ],
)
def test_other_kinds_import_and_round_trip(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    root_model: str,
    payload: dict[str, Any],
) -> None:
    out = tmp_path / f"{kind.lower()}.openapi.json"
    import_cli(upstream_path("1.35"), out, kind)
    document = json.loads(out.read_text())
    assert document["info"]["title"] == f"Kubernetes {kind} API (authentication.k8s.io/v1)"
    package_dir = tmp_path / f"{kind.lower()}_v1"
    generate_models_and_validators(out, package_dir, kind, monkeypatch)
    model = getattr(import_module(package_dir, "models"), root_model)
    assert model.model_validate(payload).to_dict() == payload
    validators = import_module(package_dir, "validators")  # generated for every kind
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in kind).lstrip("_")
    assert getattr(validators, f"validate_{snake}")(payload) == []
    assert getattr(validators, f"validate_{snake}")({"apiVersion": 1}) != []


def test_an_overlay_beside_the_spec_must_keep_applying(tmp_path: Path) -> None:
    out = tmp_path / "tokenrequest.openapi.json"
    overlay = tmp_path / "tokenrequest.overlay.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: $.components.schemas.TokenRequestSpec.properties.expirationSeconds\n"
        "    update: {minimum: 600}\n"
    )
    result = import_cli(SPEC, out)
    assert f"the overlay {overlay} still applies" in result.stdout
    assert (
        "minimum"
        not in json.loads(out.read_text())["components"]["schemas"]["TokenRequestSpec"][
            "properties"
        ]["expirationSeconds"]
    )

    overlay.write_text(overlay.read_text().replace("expirationSeconds", "expirySeconds"))
    out.unlink()
    result = run_apigen("import", SPEC, "--kind", "TokenRequest", "-o", out)
    assert result.returncode == 2
    assert "selects nothing" in result.stderr and str(overlay) in result.stderr
    assert not out.exists()


def test_import_errors_name_the_source(tmp_path: Path) -> None:
    result = run_apigen(
        "import", upstream_path("1.35"), "--kind", "NoSuchKind", "-o", tmp_path / "x.json"
    )
    assert result.returncode == 2
    assert "no schema for kind NoSuchKind" in result.stderr
    assert "swagger-v1.35.json.gz#/components/schemas" in result.stderr
    missing = run_apigen(
        "import", tmp_path / "absent.json", "--kind", "TokenRequest", "-o", tmp_path / "y.json"
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr
    blocked = tmp_path / "file"
    blocked.write_text("")
    unwritable = run_apigen("import", SPEC, "--kind", "TokenRequest", "-o", blocked / "x.json")
    assert unwritable.returncode == 2 and f"{blocked / 'x.json'}: cannot write" in unwritable.stderr
