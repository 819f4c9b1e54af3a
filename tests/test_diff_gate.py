"""The drift gate: `apigen check --spec-against SOURCE`, and the pre-commit hook that runs it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_apigen, upstream_path

from generator.config import resolve_target


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly generated package (generation costs seconds: done once here)."""
    package_dir = tmp_path_factory.mktemp("gate") / "authentication_k8s_io_v1"
    result = run_apigen("generate", "--out", package_dir)
    assert result.returncode == 0, result.stderr
    return package_dir


def test_check_fails_on_breaking_drift_and_names_it(package_dir: Path) -> None:
    newer = upstream_path("1.36")
    result = run_apigen("check", "--out", package_dir, "--spec-against", newer)
    assert result.returncode == 1
    assert "is up to date" in result.stdout  # the package itself matches its spec
    assert (
        "[breaks clients and servers] required-removed /components/schemas/TokenRequest/properties/spec"
        in (result.stdout)
    )


def test_check_passes_when_the_drift_is_below_fail_on(package_dir: Path) -> None:
    # The vendored spec words some descriptions its own way: against 1.35 only wording differs.
    release = upstream_path("1.35")
    same = run_apigen("check", "--out", package_dir, "--spec-against", release)
    assert same.returncode == 0, same.stdout + same.stderr
    summary = same.stdout.splitlines()[2]
    assert summary.endswith("description only") and "breaking" not in summary, summary
    strict = run_apigen(
        "check", "--out", package_dir, "--spec-against", release, "--fail-on", "any"
    )
    assert strict.returncode == 1, strict.stdout + strict.stderr
    newer = upstream_path("1.36")
    tolerated = run_apigen(
        "check", "--out", package_dir, "--spec-against", newer, "--fail-on", "none"
    )
    assert tolerated.returncode == 0, tolerated.stdout + tolerated.stderr
    assert "required-removed /components/schemas/TokenRequest/properties/spec" in tolerated.stdout


def test_pre_commit_hook_runs_apigen_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "apigen-check")
    assert hook["entry"].split()[:2] == ["apigen", "check"]
    assert hook["pass_filenames"] is False
    # pre-commit installs this repository as a python package: it must provide `apigen`.
    assert hook["language"] == "python"
    assert "apigen" in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]


def test_pre_commit_hook_fires_on_everything_the_bindings_are_made_from() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    files = re.compile(next(h for h in hooks if h["id"] == "apigen-check")["files"])
    target = resolve_target(None, ROOT)
    inputs = [target.spec, ROOT / "pyproject.toml"]
    inputs += [path for path in (target.overlay, target.proto) if path is not None]
    for folder in ("templates", "generator/runtime", "generator/extensions"):
        inputs += [path for path in (ROOT / folder).rglob("*") if path.is_file()]
    inputs += [path for path in target.package_dir.rglob("*.py")]
    for path in inputs:
        if "__pycache__" not in path.parts:
            assert files.search(path.relative_to(ROOT).as_posix()), path
    for unrelated in ("README.md", "tests/test_diff_gate.py", "generator/cli.py"):
        assert not files.search(unrelated)
