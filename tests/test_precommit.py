"""The `apigen-check` hook, run by real pre-commit in a consumer's repository.

The hook repository is a one-commit copy of this working tree
(tests/installed.py: hook_repository), pinned by its sha as a consumer pins a
commit; pre-commit clones it and installs apigen from it as it would from
GitHub. Its environments live in .cache/install-tests/pre-commit-home, reused
while the sources (so the sha) stay the same.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GENERATED, ROOT
from installed import PRE_COMMIT_HOME, clean_env, hook_repository

PACKAGE = "authentication_k8s_io_v1"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=clean_env(PRE_COMMIT_HOME=str(PRE_COMMIT_HOME)),
    )


@pytest.fixture
def consumer(tmp_path: Path) -> Path:
    """A consumer repository with a vendored package, a target, and the hook pinned by sha."""
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extra (make setup)")
    hooks, sha = hook_repository()
    repo = tmp_path / "consumer"
    (repo / "vendor").mkdir(parents=True)
    git(repo, "init", "--quiet")
    spec_dir = ROOT / "specs" / "authentication.k8s.io" / "v1"
    name = "tokenrequest.openapi.json"  # its overlay and .proto come with the extension
    (repo / "vendor" / name).write_bytes((spec_dir / name).read_bytes())
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "myapp"\nversion = "1"\n\n'
        "[tool.apigen.targets.tokenrequest]\n"
        'spec = "vendor/tokenrequest.openapi.json"\n'
        'kinds = ["TokenRequest", "TokenReview", "SelfSubjectReview"]\n'
        'group_version = "authentication.k8s.io/v1"\n'
        f'package = "src/myapp/_k8s/{PACKAGE}"\n'
        'extensions = ["tokenrequest"]\n'
    )
    package = repo / "src" / "myapp" / "_k8s" / PACKAGE
    package.parent.mkdir(parents=True)
    subprocess.run(["cp", "-r", str(GENERATED / PACKAGE), str(package)], check=True)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {sha}\n    hooks:\n      - id: apigen-check\n"
    )
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "vendor the bindings")
    return repo


def test_the_hook_passes_on_the_untouched_package_and_fails_on_a_hand_edit(
    consumer: Path,
) -> None:
    clean = pre_commit(consumer, "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "apigen check" in clean.stdout and "Passed" in clean.stdout

    models = consumer / "src" / "myapp" / "_k8s" / PACKAGE / "models.py"
    models.write_text(models.read_text().replace("token: str", "token: bytes"))
    git(consumer, "add", str(models))
    edited = pre_commit(consumer)  # staged files only: the hook must not be skipped
    assert edited.returncode == 1, edited.stdout + edited.stderr
    assert "Failed" in edited.stdout
    assert "-    token: bytes" in edited.stdout and "+    token: str" in edited.stdout
    assert "run `apigen generate`" in edited.stdout and "make generate" not in edited.stdout
