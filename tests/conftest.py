"""Shared fixtures: where things are, the upstream documents, running the real CLI."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from fake_apiserver import FakeApiServer, serve_fake

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
UPSTREAM = SHARED / "k8s-openapi"
SPEC = ROOT / "specs" / "authentication.k8s.io" / "v1" / "tokenrequest.openapi.json"
GENERATED = ROOT / "generated"
RELEASES = [f"1.{minor}" for minor in range(28, 37)]
# What kubectl 1.28 sent (KUBERNETES.md): a null for every Go field without omitempty.
KUBECTL_128_BODY = {
    "kind": "TokenRequest",
    "apiVersion": "authentication.k8s.io/v1",
    "metadata": {"creationTimestamp": None},
    "spec": {"audiences": None, "expirationSeconds": None, "boundObjectRef": None},
    "status": {"token": "", "expirationTimestamp": None},
}


def upstream_path(release: str) -> Path:
    """The upstream Swagger document of a release, or a skip when ../shared is absent."""
    path = UPSTREAM / f"swagger-v{release}.json.gz"
    if not path.is_file():
        pytest.skip(
            f"{path} is absent: the upstream Kubernetes documents live in ../shared beside the project"
        )
    return path


def run_apigen(
    *args: str | Path, cwd: Path = ROOT, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a user runs it, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def import_package(package_dir: Path) -> ModuleType:
    """Import a generated package from wherever it was written, fresh."""
    name = package_dir.name
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]
    sys.path.insert(0, str(package_dir.parent))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(package_dir.parent))


@pytest.fixture(scope="session")
def generated_package() -> Iterator[ModuleType]:
    """The committed generated package, imported."""
    yield import_package(GENERATED / "authentication_k8s_io_v1")


@pytest.fixture(scope="module")
def kube(generated_package: ModuleType) -> ModuleType:
    """The committed package's client module."""
    return importlib.import_module(f"{generated_package.__name__}.client")


@pytest.fixture(scope="module")
def models(generated_package: ModuleType) -> ModuleType:
    """The committed package's models module."""
    return importlib.import_module(f"{generated_package.__name__}.models")


# The recording fake API server (tests/fake_apiserver.py): one per test module, its record,
# queued replies and warning cleared for every test.
@pytest.fixture(scope="module")
def running() -> Iterator[tuple[FakeApiServer, str]]:
    with serve_fake() as fake_and_url:
        yield fake_and_url


@pytest.fixture
def fake(running: tuple[FakeApiServer, str]) -> FakeApiServer:
    server = running[0]
    server.requests.clear()
    server.replies.clear()
    server.warning = None
    return server
