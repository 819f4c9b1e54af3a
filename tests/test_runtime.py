"""The fixed runtime modules (generator/runtime/) are copied into packages as they are,
without a black pass at generation time, so they must already be black's output."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from generator.render.tools.format import LINE_LENGTH, TARGET

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
RUNTIME = GENERATOR / "runtime"
# The fixed modules of generator/runtime/ and of every extension's folder (its __init__.py
# is the generator's declaration, the rest is copied into packages).
MODULES = sorted(
    p
    for folder in (RUNTIME, GENERATOR / "extensions")
    for p in folder.rglob("*.py")
    if p.name != "__init__.py"
)


def test_there_are_runtime_modules() -> None:
    assert len(MODULES) >= 6


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GENERATOR)))
def test_runtime_module_is_black_stable(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    mode = black.Mode(
        line_length=LINE_LENGTH, target_versions={black.TargetVersion[TARGET.upper()]}
    )
    assert black.format_str(source, mode=mode) == source


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GENERATOR)))
def test_runtime_module_never_imports_the_generator(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert "import generator" not in source and "from generator" not in source
