"""Issue 15, item 4: a poisoned cache entry never reaches generated code, and
`apigen check` never takes the cache's word for its verdict."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from generator.render import cache
from tests.conftest import run_apigen

POISON = b"\n__import__('os').system('echo pwned')\n"


def entries(folder: Path, step: str) -> list[Path]:
    return sorted(p for p in (folder / step).rglob("*") if p.is_file())


def entry_content(path: Path) -> bytes:
    return path.read_bytes().split(b"\n", 1)[1]


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("APIGEN_CACHE_DIR", str(folder))
    monkeypatch.delenv("APIGEN_NO_CACHE", raising=False)
    return folder


def test_a_line_appended_to_an_import_fix_entry_never_reaches_client_py(
    cache_folder: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first" / "authentication_k8s_io_v1"
    assert run_apigen("generate", "--out", first).returncode == 0
    client = (first / "client.py").read_bytes()
    poisoned = [p for p in entries(cache_folder, "ruff-imports") if entry_content(p) == client]
    assert len(poisoned) == 1
    with poisoned[0].open("ab") as handle:
        handle.write(POISON)
    second = tmp_path / "second" / "authentication_k8s_io_v1"
    assert run_apigen("generate", "--out", second).returncode == 0
    assert (second / "client.py").read_bytes() == client
    assert entry_content(poisoned[0]) == client  # the bad entry was replaced by a good one
    check = run_apigen("check", "--out", second)
    assert check.returncode == 0 and "up to date" in check.stdout


def test_check_says_differs_even_when_cache_and_package_agree_on_a_lie(
    cache_folder: Path, tmp_path: Path
) -> None:
    """Even an entry forged with the cache's own secret (someone who can read it)
    does not make check call a tampered package up to date: check reads no entry.
    (client.py is black-stable: the import fix's entry is the file, black runs on none.)"""
    package = tmp_path / "out" / "authentication_k8s_io_v1"
    assert run_apigen("generate", "--out", package).returncode == 0
    client = (package / "client.py").read_bytes()
    [entry] = [p for p in entries(cache_folder, "ruff-imports") if entry_content(p) == client]
    secret = (cache_folder / cache.SECRET_NAME).read_bytes()
    lie = client + POISON
    tag = cache.entry_tag(secret, entry.name, lie)
    entry.write_bytes(cache.ENTRY_MAGIC + tag + b"\n" + lie)
    (package / "client.py").write_bytes(lie)
    check = run_apigen("check", "--out", package)
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"changed: {package / 'client.py'}" in check.stdout
    assert "pwned" in check.stdout  # shown as the difference


def test_a_bad_entry_is_discarded_and_recomputed(cache_folder: Path) -> None:
    calls: list[int] = []

    def compute() -> bytes:
        calls.append(1)
        return b"formatted"

    assert cache.memo("step", [], ["x"], compute) == b"formatted"
    [entry] = entries(cache_folder, "step")
    for tampered in (entry.read_bytes() + b"more", b"formatted", b""):
        entry.write_bytes(tampered)
        assert cache.memo("step", [], ["x"], compute) == b"formatted"
    assert len(calls) == 4
    assert cache.memo("step", [], ["x"], compute) == b"formatted"  # a good entry again: a hit
    assert len(calls) == 4


def test_an_entry_moved_to_another_key_is_refused(cache_folder: Path) -> None:
    cache.memo("step", [], ["a"], lambda: b"for a")
    cache.memo("step", [], ["b"], lambda: b"for b")
    a, b = (
        cache_folder / "step" / k[:2] / k for k in (cache.cache_key("step", [], [p]) for p in "ab")
    )
    b.write_bytes(a.read_bytes())  # a valid entry, but of another key
    assert cache.memo("step", [], ["b"], lambda: b"for b") == b"for b"


def test_untrusted_computes_but_still_refreshes(cache_folder: Path) -> None:
    cache.memo("step", [], ["x"], lambda: b"old")
    with cache.untrusted():
        assert cache.memo("step", [], ["x"], lambda: b"new") == b"new"
    assert cache.memo("step", [], ["x"], lambda: b"unused") == b"new"


def test_the_cache_is_private(cache_folder: Path, tmp_path: Path) -> None:
    cache.memo("step", [], ["x"], lambda: b"ok")
    assert stat.S_IMODE(cache_folder.stat().st_mode) == 0o700
    for path in cache_folder.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    os.chmod(cache_folder, 0o777)  # loosened by someone: tightened again before use
    cache.memo("step", [], ["y"], lambda: b"ok")
    assert stat.S_IMODE(cache_folder.stat().st_mode) == 0o700


def test_a_secret_others_can_read_disables_the_cache(cache_folder: Path) -> None:
    cache.memo("step", [], ["x"], lambda: b"ok")
    os.chmod(cache_folder / cache.SECRET_NAME, 0o644)
    calls: list[int] = []
    for _ in range(2):
        cache.memo("step", [], ["x"], lambda: calls.append(1) or b"ok")
    assert len(calls) == 2
