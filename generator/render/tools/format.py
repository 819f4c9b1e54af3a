"""Stage 6, format: black in memory, with a pinned version so output never drifts.

datamodel-code-generator's import block is also put in order (ruff's isort
rules and unused-import fix), since its header import comes before its own.
"""

from __future__ import annotations

import importlib
import subprocess
from collections.abc import Callable
from functools import lru_cache

from generator.errors import ApigenError
from generator.render.cache import memo_text

LINE_LENGTH = 100
TARGET = "py311"


@lru_cache(maxsize=1)
def ruff_binary() -> str:
    # ruff ships no type information: name the one function used, with its documented type.
    find_ruff_bin: Callable[[], str] = importlib.import_module("ruff").find_ruff_bin
    return str(find_ruff_bin())


def fix_imports(source: str, filename: str) -> str:
    """Sort imports and drop unused ones (ruff rules I001 and F401)."""
    return memo_text("ruff-imports", ["ruff"], [source], lambda: run_ruff_fix(source, filename))


def run_ruff_fix(source: str, filename: str) -> str:
    result = subprocess.run(
        [ruff_binary(), "check", "--quiet", "--isolated", "--fix-only", "--exit-zero",
         "--select", "I001,F401", "--target-version", TARGET, "--line-length", str(LINE_LENGTH),
         "--stdin-filename", filename, "-"],
        input=source, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise ApigenError(f"ruff could not fix imports: {result.stderr.strip()}", source=filename)
    return result.stdout


def format_python(source: str, filename: str) -> str:
    """black's output for `source`, from the cache when black already formatted this exact text."""
    return memo_text(
        "black", ["black"], [source, f"{LINE_LENGTH} {TARGET}"], lambda: run_black(source, filename)
    )


def run_black(source: str, filename: str) -> str:
    import black  # imported only on a cache miss: it costs a third of a second
    from black.mode import TargetVersion
    from black.parsing import InvalidInput

    mode = black.Mode(line_length=LINE_LENGTH, target_versions={TargetVersion[TARGET.upper()]})
    try:
        return black.format_str(source, mode=mode)
    except InvalidInput as exc:  # a template bug, never the user's input
        raise ApigenError(f"generated code does not parse: {exc}", source=filename) from None
