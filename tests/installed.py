"""apigen as a user gets it: a wheel built from this checkout, installed into a
fresh venv outside the source tree, and a deterministic commit of the working
tree for pre-commit to clone.

Everything is cached under .cache/install-tests/, in folders named by a hash
of what they are made from (the sources, requirements.lock, uv's and Python's
versions). An entry counts only when its marker file holds that exact key; a
folder without it is half-made and is made again. Older entries are removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "install-tests"
LOCK = ROOT / "requirements.lock"
PRE_COMMIT_HOME = CACHE / "pre-commit-home"  # pre-commit's clones and hook environments
UV = Path(sys.executable).parent / "uv"
MARKER = ".apigen-test-key"
# What the build reads (README: the distribution's long description).
SOURCES = ("generator/", "templates/", "specs/", "setup.py", "pyproject.toml", "README.md")
HOOK_FILES = (*SOURCES, ".pre-commit-hooks.yaml")


def require_uv() -> Path:
    if not UV.is_file():
        pytest.skip(f"uv not found beside {sys.executable} (run `make setup`)")
    return UV


def source_files(prefixes: tuple[str, ...] = SOURCES) -> list[str]:
    """Tracked and untracked-but-not-ignored files of the checkout that the build reads."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(
        name
        for name in listed.split("\0")
        if name
        and (ROOT / name).is_file()
        and any(name == p or (p.endswith("/") and name.startswith(p)) for p in prefixes)
    )


def key_of(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:20]


def sources_key(prefixes: tuple[str, ...] = SOURCES) -> str:
    parts: list[bytes | str] = [sys.version]
    for name in source_files(prefixes):
        parts += [name, (ROOT / name).read_bytes()]
    return key_of(*parts)


def cached(kind: str, key: str) -> tuple[Path, bool]:
    """The entry folder for `kind` and `key`, and whether it is complete. Entries of the
    same kind with other keys are removed (they are this module's own folders)."""
    folder = CACHE / f"{kind}-{key}"
    for old in CACHE.glob(f"{kind}-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    marker = folder / MARKER
    complete = marker.is_file() and marker.read_text() == key
    if not complete and folder.exists():
        shutil.rmtree(folder)
    return folder, complete


def seal(folder: Path, key: str) -> None:
    (folder / MARKER).write_text(key)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for the installed tool: nothing that points back into the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def built_dist() -> tuple[Path, Path]:
    """(wheel, sdist) built by the pinned uv: the sdist first, the wheel from the sdist."""
    uv = require_uv()
    key = sources_key()
    folder, complete = cached("dist", key)
    if not complete:
        folder.mkdir(parents=True)
        subprocess.run(
            [str(uv), "build", "--quiet", "--out-dir", str(folder), str(ROOT)],
            check=True,
            capture_output=True,
            env=clean_env(),
        )
        seal(folder, key)
    (wheel,) = folder.glob("*.whl")
    (sdist,) = folder.glob("*.tar.gz")
    return wheel, sdist


def fresh_venv(kind: str, packages: list[str], key: str) -> Path:
    """A venv with `packages` installed under requirements.lock's pins; its folder."""
    uv = require_uv()
    key = key_of(key, LOCK.read_bytes(), *packages, sys.version)
    folder, complete = cached(kind, key)
    if not complete:
        subprocess.run(
            [str(uv), "venv", "--quiet", "--python", sys.executable, str(folder)],
            check=True,
            capture_output=True,
            env=clean_env(),
        )
        subprocess.run(
            [str(uv), "pip", "install", "--quiet", "--python", str(folder / "bin" / "python")]
            + ["--constraint", str(LOCK), *packages],
            check=True,
            capture_output=True,
            env=clean_env(),
        )
        seal(folder, key)
    return folder


def installed_tool() -> Path:
    """A venv holding only the wheel and its dependencies (no server extra)."""
    wheel, _ = built_dist()
    return fresh_venv("tool-venv", [str(wheel)], wheel.parent.name)


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def sdist_names(sdist: Path) -> set[str]:
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    top = names[0].split("/")[0]
    return {name[len(top) + 1 :] for name in names if "/" in name}


def hook_repository() -> tuple[Path, str]:
    """A one-commit git repository of the working tree, for pre-commit to clone; (path, sha).

    Fixed author, committer and dates make the sha a function of the files alone,
    so pre-commit's own cache (keyed by repository and rev) is reused until the
    sources change. The real checkout is never committed to.
    """
    key = sources_key(HOOK_FILES)
    folder, complete = cached("hook-repo", key)
    git_env = clean_env(
        GIT_AUTHOR_NAME="apigen tests",
        GIT_AUTHOR_EMAIL="tests@apigen.invalid",
        GIT_COMMITTER_NAME="apigen tests",
        GIT_COMMITTER_EMAIL="tests@apigen.invalid",
        GIT_AUTHOR_DATE="2000-01-01T00:00:00Z",
        GIT_COMMITTER_DATE="2000-01-01T00:00:00Z",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    if not complete:
        shutil.rmtree(PRE_COMMIT_HOME, ignore_errors=True)  # it holds only older shas' envs
        folder.mkdir(parents=True)
        for name in source_files(HOOK_FILES):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, folder / name)

        def git(*args: str) -> None:
            subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env=git_env)

        git("init", "--quiet", "--initial-branch=main")
        git("add", "--all")
        git("commit", "--quiet", "--no-gpg-sign", "--message", "apigen working tree, for tests")
        seal(folder, key)
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
        env=git_env,
    ).stdout.strip()
    return folder, sha
