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


def test_economize_gives_black_bytes_wherever_black_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """One worker, and the parent formats what is still queued when it waits."""
    monkeypatch.setenv("APIGEN_NO_CACHE", "1")
    sources = {f"{name}{n}": text for n in range(6) for name, text in SOURCES.items()}
    with fmt.Formatter(workers=2) as formatter:
        formatter.economize()
        results = {name: formatter.submit(text, name) for name, text in sources.items()}
        formatted = {name: result() for name, result in results.items()}
        assert formatter._workers == 1
        broken = formatter.submit("def (:\n", "broken.py")
        with pytest.raises(ApigenError) as caught:
            broken()
    assert formatted == {name: fmt.run_black(text, name) for name, text in sources.items()}
    assert caught.value.source == "broken.py"


def _fails(message: str) -> None:
    raise ApigenError(message, source="spec.json", pointer="/a")


def test_run_apart_answers_and_raises_as_run_does() -> None:
    with fmt.Formatter(workers=2) as formatter:
        assert formatter.run_apart(sorted, [3, 1, 2])() == [1, 2, 3]
        failing = formatter.run_apart(_fails, "no good")
        with pytest.raises(ApigenError) as caught:
            failing()
        with pytest.raises(ApigenError):
            failing()  # asked again: the same answer, the process long gone
    assert (caught.value.message, caught.value.source) == ("no good", "spec.json")


TRICKY_MODULES = [
    'x = """\n\n\ndef f():\n    pass\n"""\n\n\ndef g():\n    pass\n',
    'import a\n\n\n@dec\n\n\ndef f():\n    pass\n\n\nclass A:\n    """\n\n\nclass B:\n"""\n\n\n'
    "async def h():\n    pass\n",
    "x = 'abc\\\n\n\ndef q'\n\n\ndef g(): pass\n",
    "def f(:\n\n\ndef g(): pass\n",
    "# c\n\n\ndef f(): pass\n\n\n# comment\n\ndef g(): pass\n\n\ndefine = 1\n\n\nclass_ = 2\n",
    "x = 1\r\n\r\n\r\ndef f(): pass\r\n",
    "x = (\n1)\n\n\ndef f(): pass\n  \n\n\nclass C: pass\n",
]


@pytest.mark.parametrize("source", TRICKY_MODULES)
def test_split_blocks_cuts_where_the_whole_tree_says(source: str) -> None:
    """Parsed piece by piece, the module is cut where its whole syntax tree would cut it."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        assert fmt.split_blocks(source) == [source]
        return
    lines = source.splitlines(keepends=True)
    starts = [*fmt.block_starts(tree, lines), len(lines)]
    whole = ["".join(lines[a:b]) for a, b in zip(starts, starts[1:], strict=False) if b > a]
    assert fmt.split_blocks(source) == whole
