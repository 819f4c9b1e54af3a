"""The memo of slow pipeline steps can only save time, never change output."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render import cache


def test_a_hit_returns_what_the_miss_computed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIGEN_CACHE_DIR", str(tmp_path))
    calls: list[str] = []

    def compute() -> bytes:
        calls.append("ran")
        return b"formatted"

    assert cache.memo("step", ["black"], ["source"], compute) == b"formatted"
    assert cache.memo("step", ["black"], ["source"], compute) == b"formatted"
    assert calls == ["ran"]
    assert cache.memo("step", ["black"], ["other source"], compute) == b"formatted"
    assert calls == ["ran", "ran"]


def test_keys_depend_on_every_part_and_tool() -> None:
    base = cache.cache_key("black", ["black"], ["ab", "c"])
    assert base != cache.cache_key("black", ["black"], ["a", "bc"])  # parts are length-prefixed
    assert base != cache.cache_key("black", ["ruff"], ["ab", "c"])
    assert base != cache.cache_key("ruff", ["black"], ["ab", "c"])


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("APIGEN_CACHE_DIR", str(blocker))
    assert cache.memo("step", [], ["x"], lambda: b"ok") == b"ok"


def test_no_cache_computes_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGEN_NO_CACHE", "1")
    calls: list[int] = []
    for _ in range(2):
        cache.memo("step", [], ["x"], lambda: calls.append(1) or b"ok")
    assert len(calls) == 2
