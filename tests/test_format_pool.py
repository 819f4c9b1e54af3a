"""The black pool (generator.render.tools.format.Formatter) gives black's own bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import ApigenError
from generator.render import cache
from generator.render.tools import format as fmt

SOURCES = {
    "a.py": "x = {  'a':1,\n'b' : [1,2,\n3]}\n",
    "b.py": "def f(a,b):\n  return a+b\n",
    "c.py": "class C:\n    y: int=1\n",
}


@pytest.mark.parametrize("workers", [0, 2])
def test_pool_output_is_what_black_gives(workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGEN_NO_CACHE", "1")
    with fmt.Formatter(workers=workers) as formatter:
        results = {name: formatter.submit(text, name) for name, text in SOURCES.items()}
        formatted = {name: result() for name, result in results.items()}
    assert formatted == {name: fmt.run_black(text, name) for name, text in SOURCES.items()}


def test_a_worker_error_names_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGEN_NO_CACHE", "1")
    with fmt.Formatter(workers=2) as formatter:
        result = formatter.submit("def (:\n", "broken.py")
        with pytest.raises(ApigenError) as caught:
            result()
    assert caught.value.source == "broken.py"
    assert "does not parse" in str(caught.value)


def test_a_verified_hit_forks_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("APIGEN_NO_CACHE", raising=False)
    expected = fmt.format_python(SOURCES["a.py"], "a.py")  # fills the cache
    formatter = fmt.Formatter(workers=2)
    with formatter:
        assert formatter.submit(SOURCES["a.py"], "a.py")() == expected
        assert formatter._pool is None


def test_a_tampered_entry_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("APIGEN_NO_CACHE", raising=False)
    expected = fmt.format_python(SOURCES["b.py"], "b.py")
    for entry in (tmp_path / "black").rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes().replace(b"return", b"import os; return"))
    assert cache.lookup("black", ["black"], [SOURCES["b.py"], "100 py311"]) is None
    with fmt.Formatter(workers=0) as formatter:
        assert formatter.submit(SOURCES["b.py"], "b.py")() == expected
