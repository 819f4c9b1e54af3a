"""Regenerating for each of the nine upstream releases: import, generate, import the package, round-trip.

Generating the whole package costs seconds (black formats every file), so the
whole package is generated for the vendored release (1.35) and the one that
changes the models (1.36); the other seven generate the models only, by
narrowing the artifact list, which is all their slices can change.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pydantic
import pytest
from conftest import RELEASES, ROOT, upstream_path

from generator.config import resolve_target
from generator.drift.importer import import_kind, write_import
from generator.render import pipeline
from generator.render.output import write_package
from generator.spec.load import load_spec

WHOLE_PACKAGE = ("1.35", "1.36")
MODELS_ONLY = ("_base.py", "models.py", "py.typed")
TOKEN_REQUEST = {
    "apiVersion": "authentication.k8s.io/v1",
    "kind": "TokenRequest",
    "metadata": {"name": "default", "namespace": "ns"},
    "spec": {
        "audiences": ["https://example.com"],
        "expirationSeconds": 3600,
        "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p1", "uid": "123"},
    },
    "status": {"token": "eyJhbGciOi.x.y", "expirationTimestamp": "2026-11-29T18:00:00Z"},
}


def import_module(package_dir: Path, module: str) -> ModuleType:
    sys.path.insert(0, str(package_dir.parent))
    try:
        return importlib.import_module(f"{package_dir.name}.{module}".rstrip("."))
    finally:
        sys.path.remove(str(package_dir.parent))


@pytest.mark.parametrize("release", RELEASES)
def test_release_imports_generates_and_round_trips(
    release: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec_path = tmp_path / "tokenrequest.openapi.json"
    package_dir = tmp_path / f"tokenrequest_{release.replace('.', '_')}"
    target = resolve_target(None, ROOT).with_spec(spec_path).with_output(package_dir)
    imported = import_kind(  # the default target's kinds: the whole authentication.k8s.io/v1
        load_spec(upstream_path(release)), target.kinds, "authentication.k8s.io/v1"
    )
    write_import(imported, spec_path)
    if release not in WHOLE_PACKAGE:
        narrowed = tuple(a for a in pipeline.ARTIFACTS if a.path in MODELS_ONLY)
        monkeypatch.setattr(pipeline, "ARTIFACTS", narrowed)
    write_package(pipeline.generate(target), package_dir)

    if release in WHOLE_PACKAGE:
        import_module(package_dir, "")  # every generated module imports
    models = import_module(package_dir, "models")
    assert models.TokenRequest.model_validate(TOKEN_REQUEST).to_dict() == TOKEN_REQUEST
    if release in WHOLE_PACKAGE:
        validators = import_module(package_dir, "validators")
        assert validators.validate_token_request(TOKEN_REQUEST) == []

    if release == "1.36":  # no required lists any more: the fields became Optional
        assert models.TokenRequestStatus.model_validate({}).to_dict() == {}
    else:
        with pytest.raises(pydantic.ValidationError):
            models.TokenRequestStatus.model_validate({})
