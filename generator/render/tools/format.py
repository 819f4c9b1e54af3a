"""Stage 6, format: black in memory, with a pinned version so output never drifts.

datamodel-code-generator's import block is also put in order (ruff's isort
rules and unused-import fix), since its header import comes before its own.

black is most of a cold run, so `Formatter` runs it over the files in a small
pool of forked processes while the pipeline keeps rendering (the output is
black's own, byte for byte, whichever process formats it).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import subprocess
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from types import TracebackType

from generator.errors import ApigenError
from generator.render.cache import lookup, memo_text

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


def _black_key(source: str) -> list[str]:
    return [source, f"{LINE_LENGTH} {TARGET}"]


def format_python(source: str, filename: str) -> str:
    """black's output for `source`, from the cache when black already formatted this exact text."""
    return memo_text("black", ["black"], _black_key(source), lambda: run_black(source, filename))


def _format_in_worker(source: str, filename: str) -> tuple[str, str | None]:
    """(text, None), or (message, source) of the ApigenError: it pickles without its source."""
    try:
        return format_python(source, filename), None
    except ApigenError as error:
        return error.message, error.source or filename


def pool_size() -> int:
    """Worker processes for black: the cores this process may use, at most 2 (more costs
    start-up than it saves on a package's handful of files); 0 on one core or where
    processes cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every platform
        cores = os.cpu_count() or 1
    return min(cores, 2) if cores > 1 else 0


class Formatter:
    """`submit(source, filename)` now, the formatted text from the returned callable later.

    A cache hit is answered at once; a miss goes to a pool of forked workers, created
    on the first miss, so a warm run forks nothing. With one core, black runs in-process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self._workers = pool_size() if workers is None else workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Formatter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, source: str, filename: str) -> Callable[[], str]:
        found = lookup("black", ["black"], _black_key(source))
        if found is not None:
            text = found.decode()
            return lambda: text
        if self._workers == 0:
            text = format_python(source, filename)
            return lambda: text
        if self._pool is None:
            context = multiprocessing.get_context("fork")  # the workers inherit the imports
            self._pool = ProcessPoolExecutor(self._workers, mp_context=context)
        future: Future[tuple[str, str | None]] = self._pool.submit(
            _format_in_worker, source, filename
        )

        def result() -> str:
            text, error_source = future.result()
            if error_source is not None:
                raise ApigenError(text, source=error_source)
            return text

        return result


def run_black(source: str, filename: str) -> str:
    import black  # imported only on a cache miss: it costs a third of a second
    from black.mode import TargetVersion
    from black.parsing import InvalidInput

    mode = black.Mode(line_length=LINE_LENGTH, target_versions={TargetVersion[TARGET.upper()]})
    try:
        return black.format_str(source, mode=mode)
    except InvalidInput as exc:  # a template bug, never the user's input
        raise ApigenError(f"generated code does not parse: {exc}", source=filename) from None
