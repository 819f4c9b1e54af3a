"""Generated stand-in servers for the generic-server tests: packages built once per session.

`generic_packages` renders every artifact of two packages from the v1.35
upstream document into a temporary folder: `cm_node_v1` (ConfigMap and Node,
core v1) and `apps_v1` (Deployment). `generic_app` is a generated server's app
on its default backend, the in-memory store.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import import_package, upstream_path

from generator.config import Target
from generator.render import pipeline
from generator.render.output import write_package

TOKEN = "generic-admin-token"
PACKAGES = {
    "cm_node_v1": (("ConfigMap", "Node"), "v1"),
    "apps_v1": (("Deployment",), "apps/v1"),
    "crd_v1": (("CustomResourceDefinition",), "apiextensions.k8s.io/v1"),
}


@dataclass(frozen=True)
class Package:
    root: ModuleType
    folder: Path

    def module(self, name: str) -> Any:
        return importlib.import_module(f"{self.root.__name__}.{name}")

    def app(self, **options: Any) -> Any:
        """The generated server's app on a fresh store, accepting `TOKEN`."""
        server = self.module("server")
        auth = self.module("_auth")
        backend = self.module("_persist").store_backend(
            server.API, self.module("_api").MERGE_SCHEMAS, **options
        )

        def authenticate(token: str) -> Any:
            return auth.User("admin", "admin-uid", ("system:masters",)) if token == TOKEN else None

        return server.create_app(authenticator=authenticate, backend=backend)


@pytest.fixture(scope="session")
def generic_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Package]:
    """Each test module that imports this fixture has its own instance: `_build` makes
    them share one build per session."""
    return _build(upstream_path("1.35"), tmp_path_factory.getbasetemp() / "generic")


@cache
def _build(spec: Path, folder: Path) -> dict[str, Package]:
    packages = {}
    for name, (kinds, group_version) in PACKAGES.items():
        target = Target(
            name=name,
            spec=spec,
            kinds=kinds,
            package_dir=folder / name,
            group_version=group_version,
        )
        write_package(pipeline.render_files(pipeline.build_api(target)), target.package_dir)
        packages[name] = Package(import_package(target.package_dir), target.package_dir)
    return packages
