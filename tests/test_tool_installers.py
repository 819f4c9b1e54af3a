"""`uv tool install` and `pipx install` of the built wheel give a working `apigen`.

Each installer puts the tool in its own folders under .cache/install-tests/
(UV_TOOL_DIR / PIPX_HOME and their bin folders), keyed by the wheel, the lock
file and the installer's version, so a second run reuses them. The installed
command then generates the embedded default package in an empty folder, with
the same bytes as the committed one.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GENERATED
from installed import LOCK, built_dist, cached, clean_env, fresh_venv, key_of, require_uv, seal

PACKAGE = "authentication_k8s_io_v1"
PIPX = "pipx==1.18.4"

pytestmark = pytest.mark.timeout(600)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=540, check=False, env=clean_env(**env)
    )


def uv_tool_apigen() -> Path:
    """`apigen` as `uv tool install WHEEL` installs it."""
    uv = require_uv()
    wheel, _ = built_dist()
    folder, complete = cached("uv-tool", key_of(wheel.parent.name, LOCK.read_bytes(), sys.version))
    bin_dir = folder / "bin"
    if not complete:
        folder.mkdir(parents=True)
        installed = run(
            [str(uv), "tool", "install", "--quiet", "--python", sys.executable]
            + ["--constraint", str(LOCK), str(wheel)],
            UV_TOOL_DIR=str(folder / "tools"),
            UV_TOOL_BIN_DIR=str(bin_dir),
        )
        assert installed.returncode == 0, installed.stderr
        seal(folder, key_of(wheel.parent.name, LOCK.read_bytes(), sys.version))
    return bin_dir / "apigen"


def pipx_apigen() -> Path:
    """`apigen` as `pipx install WHEEL` installs it (pipx itself from PyPI, pinned)."""
    wheel, _ = built_dist()
    pipx = fresh_venv("pipx-venv", [PIPX], PIPX) / "bin" / "pipx"
    key = key_of(wheel.parent.name, LOCK.read_bytes(), PIPX, sys.version)
    folder, complete = cached("pipx-tool", key)
    bin_dir = folder / "bin"
    if not complete:
        folder.mkdir(parents=True)
        installed = run(
            [str(pipx), "install", "--python", sys.executable]
            + ["--pip-args", f"--constraint {LOCK}", str(wheel)],
            PIPX_HOME=str(folder / "home"),
            PIPX_BIN_DIR=str(bin_dir),
            PIPX_MAN_DIR=str(folder / "man"),
        )
        assert installed.returncode == 0, installed.stdout + installed.stderr
        seal(folder, key)
    return bin_dir / "apigen"


@pytest.mark.parametrize("installer", [uv_tool_apigen, pipx_apigen], ids=["uv-tool", "pipx"])
def test_installed_command_generates_the_committed_package(
    installer: Callable[[], Path], tmp_path: Path
) -> None:
    apigen = installer()
    empty = tmp_path / "empty"
    empty.mkdir()
    out = empty / PACKAGE
    generated = subprocess.run(
        [str(apigen), "generate", "--out", str(out)],
        cwd=empty, capture_output=True, text=True, timeout=300, check=False, env=clean_env(),
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    assert tree(out) == tree(GENERATED / PACKAGE)
    checked = subprocess.run(
        [str(apigen), "check", "--out", str(out)],
        cwd=empty, capture_output=True, text=True, timeout=300, check=False, env=clean_env(),
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
