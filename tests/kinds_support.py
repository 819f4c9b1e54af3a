"""Golden packages of seven upstream kinds, generated once per session into a temporary folder.

Only the models and validators artifacts (and the package files) are rendered:
the client and server are other stages' business. The packages are never
committed; each test module that uses `kind_goldens` imports this fixture.
"""

from __future__ import annotations

import gzip
import importlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import import_package, upstream_path

from generator.config import Target
from generator.ir.model import Api
from generator.render import pipeline
from generator.render.artifacts import ARTIFACTS
from generator.render.output import write_package

# kind -> its group-version in v1.35
KINDS = {
    "ConfigMap": "v1",
    "Node": "v1",
    "Deployment": "apps/v1",
    "Event": "events.k8s.io/v1",
    "Lease": "coordination.k8s.io/v1",
    "CustomResourceDefinition": "apiextensions.k8s.io/v1",
    "Eviction": "policy/v1",
}
GROUPS = ("package", "models", "validators")


@dataclass(frozen=True)
class Golden:
    kind: str
    api: Api
    package_dir: Path

    def module(self, name: str = "") -> Any:
        """The package, one of its modules (`models`, `validators`) or a name it exports."""
        package = _imported(self.package_dir)
        if name in ("models", "validators"):
            return importlib.import_module(f"{package.__name__}.{name}")
        return getattr(package, name) if name else package


@cache
def _imported(package_dir: Path) -> Any:
    """Imported once per session, so that classes from two calls are the same classes."""
    return import_package(package_dir)


def package_name(kind: str) -> str:
    return f"golden_{kind.lower()}"


def render(api: Api) -> dict[Path, str]:
    """The models and validators of `api` (and the package files), formatted."""
    chosen = tuple(a for a in ARTIFACTS if a.group in GROUPS)
    original = pipeline.ARTIFACTS
    pipeline.ARTIFACTS = chosen  # the artifact loop lives in the pipeline module
    try:
        return pipeline.render_files(api)
    finally:
        pipeline.ARTIFACTS = original


@cache
def upstream_document() -> dict[str, Any]:
    """The raw v1.35 Swagger document, as the tests compare against it."""
    with gzip.open(upstream_path("1.35")) as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@pytest.fixture(scope="session")
def kind_goldens(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Golden]:
    spec = upstream_path("1.35")
    folder = tmp_path_factory.mktemp("kind-goldens")
    goldens = {}
    for kind, group_version in KINDS.items():
        target = Target(
            name=kind.lower(),
            spec=spec,
            kinds=(kind,),
            package_dir=folder / package_name(kind),
            group_version=group_version,
        )
        api = pipeline.build_api(target)
        write_package(render(api), target.package_dir)
        goldens[kind] = Golden(kind, api, target.package_dir)
    return goldens
