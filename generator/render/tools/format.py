"""Stage 6, format: black in memory, with a pinned version so output never drifts.

datamodel-code-generator's import block is also put in order (ruff's isort
rules and unused-import fix), since its header import comes before its own.

black is most of a cold run, so it runs only where it changes something:

- apigen's own templates are *black-stable*: they print black's output (quotes,
  commas, blank lines, splits). A file rendered from them skips black unless
  `unvouched` finds something the templates cannot vouch for (a line longer than
  the line length, trailing whitespace, a tab, a docstring black would re-indent,
  ...). Then only the top-level blocks (`def`/`class` and what precedes them)
  that have it go through black.
- datamodel-code-generator's output always goes through black, cut at top-level
  `def`/`class` boundaries into a few pieces that the pool formats side by side.

black formats a module's top-level blocks independently: each `def`/`class` at
column 0 gets exactly two blank lines before it (black.lines.EmptyLineTracker)
whatever precedes it, unless a decorator, a comment or a stub body directly
precedes it, and `split_blocks` cuts only where none does. So black over the
pieces, joined by two blank lines, is black over the file, byte for byte
(tests/test_black_stable.py checks this on real specs). A file with a
`fmt:`/`yapf:` directive goes through black whole.

`Formatter` runs black in a small pool of forked processes while the pipeline
keeps rendering (the output is black's own, whichever process formats it).
"""

from __future__ import annotations

import ast
import importlib
import multiprocessing
import os
import re
import subprocess
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from itertools import pairwise
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from generator.errors import ApigenError
from generator.render.cache import lookup, memo_text
from generator.render.tools.early import call_outcome, outcome_value

LINE_LENGTH = 100
TARGET = "py311"
SPLIT_ABOVE = 20_000  # characters: a smaller file is formatted in one piece


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


def _import_black() -> None:
    importlib.import_module("black")


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


# Characters str.splitlines() (black's docstring handling) takes as line breaks besides "\n".
_OTHER_BREAKS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_DOC_QUOTES = '"""'
# A line black has nothing to break in, however long: a dict entry `"key": name,` (and its
# comment), as the client's query dicts print a long parameter name.
_UNSPLITTABLE = re.compile(r'\s*"[\w.-]*": [A-Za-z_]\w*,(  # noqa: E501)?')


def line_width(line: str) -> int:
    """Columns of a line as black counts them (wide characters take two)."""
    if line.isascii():
        return len(line)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def has_directive(source: str) -> bool:
    """`# fmt: off/skip` and friends change what black does far from where they stand."""
    return "fmt:" in source or "yapf:" in source


def unvouched(source: str) -> str | None:
    """Why black might change `source`, printed by a black-stable template; None if
    nothing in it escapes what the templates vouch for. Conservative: it may name a
    reason black would not act on, never miss one the templates cannot rule out."""
    if has_directive(source):
        return "a formatter directive"
    if "\t" in source or not _OTHER_BREAKS.isdisjoint(source):
        return "a tab or an unusual line break"
    if "\\\n" in source:
        return "a backslash at the end of a line"
    if not source.endswith("\n") or source.endswith("\n\n"):
        return "not one newline at the end"
    lines = source.split("\n")
    doc_indent: int | None = None  # the indentation of an open docstring
    doc_lines: list[str] = []
    for number, line in enumerate(lines):
        if line != line.rstrip():
            return "trailing whitespace"
        quotes = line.count(_DOC_QUOTES)
        # black leaves a docstring's lines as long as they are, but for the last one,
        # whose closing quotes it moves to a line of their own if they do not fit.
        in_docstring = (doc_indent is not None and not line.endswith(_DOC_QUOTES)) or (
            doc_indent is None and quotes == 2
        )
        if (
            not in_docstring
            and line_width(line) > LINE_LENGTH
            and not _UNSPLITTABLE.fullmatch(line)
        ):
            return "a line longer than the line length"
        if doc_indent is None:
            if quotes == 0:
                continue
            stripped = line.lstrip()
            if not stripped.startswith(_DOC_QUOTES) or quotes > 2:
                return "triple quotes where a docstring does not open"
            doc_indent = len(line) - len(stripped)
            body = stripped[3:]
            if quotes == 2:  # a one-line docstring
                if doc_indent == 0 and not _one_blank_line_after(lines, number):
                    return "not one blank line after a module docstring"
                inner = body[:-3]
                if (
                    not body.endswith(_DOC_QUOTES)
                    or not inner
                    or inner.startswith('"')
                    or not _doc_ends_ok(inner, first=True)
                ):
                    return "a one-line docstring black would pad or strip"
                doc_indent = None
            elif body != body.strip() or body.startswith('"'):
                return "a docstring's first line black would strip or pad"
            else:
                doc_lines = []
            continue
        if quotes == 0:
            doc_lines.append(line)
            continue
        if quotes > 1 or not line.endswith(_DOC_QUOTES):
            return "triple quotes inside a docstring"
        last = line[:-3]
        if last.strip():
            doc_lines.append(last)
            if not _doc_ends_ok(last, first=False):
                return "a docstring's end black would pad"
        elif last != " " * doc_indent:
            return "a docstring's closing quotes black would re-indent"
        content = [text for text in doc_lines if text]
        if content and min(len(text) - len(text.lstrip()) for text in content) != doc_indent:
            return "a docstring black would re-indent"
        if doc_indent == 0 and not _one_blank_line_after(lines, number):
            return "not one blank line after a module docstring"
        doc_indent = None
    if doc_indent is not None:
        return "an unclosed docstring"
    return None


def _one_blank_line_after(lines: list[str], number: int) -> bool:
    """black puts one blank line after a module docstring, two before a def or class:
    the blank lines after line `number` are those."""
    blank = 0
    while number + 1 + blank < len(lines) and lines[number + 1 + blank] == "":
        blank += 1
    if number + 1 + blank >= len(lines):  # the end: joined blocks get two before a def
        return True
    definition = lines[number + 1 + blank].startswith(("def ", "class ", "async ", "@"))
    return blank == (2 if definition else 1)


def _doc_ends_ok(text: str, first: bool) -> bool:
    """No quote or odd backslash for black to pad at the end of a docstring's text."""
    if first and text != text.strip():
        return False
    if text.endswith('"'):
        return False
    return (len(text) - len(text.rstrip("\\"))) % 2 == 0


def split_blocks(source: str) -> list[str]:
    """`source` cut before each top-level `def`/`class` that black separates from what
    precedes it by exactly two blank lines, whatever that is: no decorator, and a
    blank line and no comment directly above. The pieces, joined, are `source`.

    The module is parsed piece by piece (`top_level_definitions`), never whole: the
    syntax tree of a large file (validators.py of every definition, 1.7 MB) would take
    ~160 MB for a moment, the largest part of a large run's peak memory."""
    lines = source.splitlines(keepends=True)
    if "\r" in source or not _OTHER_BREAKS.isdisjoint(source):  # where ast counts lines
        try:  # otherwise than splitlines: the whole tree, as ast numbers them
            tree = ast.parse(source)
        except SyntaxError:
            return [source]  # black says what is wrong with it
        definitions = [node.lineno - 1 for node in tree.body if _undecorated_definition(node)]
    else:
        found = top_level_definitions(lines)
        if found is None:
            return [source]  # black says what is wrong with it
        definitions = found
    starts = [*cut_lines(definitions, lines), len(lines)]
    return ["".join(lines[a:b]) for a, b in pairwise(starts) if b > a]


# A line that may begin a top-level `def`/`class` (or lie in a multi-line string).
_DEFINITION_LINE = re.compile(r"(?:async[ \t]+def|def|class)\b")


def top_level_definitions(lines: list[str]) -> list[int] | None:
    """The indexes of the lines (no other line breaks than "\n") that begin a top-level
    `def`/`class` without a decorator, as the module's syntax tree has them; None if
    the module does not parse. A keyword at column 0 begins a statement unless it lies
    in a string (no expression holds a `def` or a `class`): it does exactly when the
    text from the last statement found up to that line parses alone (a string left
    open, or a decorator above, does not). Each piece is parsed and dropped: at most
    one top-level statement's tree at a time."""
    candidates = [i for i, line in enumerate(lines) if _DEFINITION_LINE.match(line)]
    found: list[int] = []
    begin = 0
    for index in [*candidates, len(lines)]:
        if index == begin:
            continue
        try:
            ast.parse("".join(lines[begin:index]))
        except SyntaxError:
            if index == len(lines):
                return None
            continue
        if index < len(lines):
            found.append(index)
        begin = index
    return found


def _undecorated_definition(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not node.decorator_list
    )


def block_starts(tree: ast.Module, lines: list[str]) -> list[int]:
    """The line indexes `split_blocks` cuts `lines` (of the module `tree`) before; 0 first."""
    return cut_lines(
        [node.lineno - 1 for node in tree.body if _undecorated_definition(node)], lines
    )


def cut_lines(definitions: list[int], lines: list[str]) -> list[int]:
    """Of the lines that begin a top-level `def`/`class` without a decorator, those
    `split_blocks` cuts before; 0 first."""
    starts = [0]
    for index in definitions:
        if index < 2 or lines[index - 1].strip():
            continue
        above = index - 1
        while above > 0 and not lines[above].strip():
            above -= 1
        if lines[above].lstrip().startswith("#"):
            continue
        if index > starts[-1]:
            starts.append(index)
    return starts


def join_blocks(blocks: list[str]) -> str:
    """Formatted blocks as black separates them: two blank lines, one final newline."""
    return "\n\n\n".join(block.rstrip("\n") for block in blocks) + "\n"


class Formatter:
    """`submit(source, filename)` now, the formatted text from the returned callable later.

    A cache hit is answered at once; a miss goes to a pool of forked workers, created
    on the first miss, so a warm run forks nothing. With one core, black runs in-process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self._workers = pool_size() if workers is None else workers
        self._pool: ProcessPoolExecutor | None = None
        self._help = False  # this process formats the pieces still queued when it waits
        self._queued: list[_Piece] = []

    def economize(self) -> None:
        """For a large package, before the pool starts: one worker, not two (each holds
        ~40 MB to the end of the run, at its peak of memory), and this process formats
        the pieces still queued when it waits for one, newest first, while the worker
        takes them oldest first: it has nothing else to do then (black is imported here
        on the first). Black's output is the same wherever it runs."""
        if self._pool is None:
            self._workers = min(self._workers, 1)
        self._help = self._workers > 0

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

    def warm(self) -> None:
        """Start a worker now and have it import black (a cold run's models need it)."""
        if self._workers:
            self._start().submit(_import_black)

    def run(self, function: Callable[..., Any], *arguments: Any) -> Callable[[], Any]:
        """`function(*arguments)` in a worker (here without one); its result from the
        callable returned, which raises an ApigenError raised there."""
        if not self._workers:
            value = function(*arguments)
            return lambda: value
        future = self._start().submit(call_outcome, function, arguments)
        return lambda: outcome_value(future.result())

    def run_apart(self, function: Callable[..., Any], *arguments: Any) -> Callable[[], Any]:
        """`run`, in a process of its own forked now that ends once it has answered, so that
        what the call takes is freed then (openapi-spec-validator over every definition:
        ~25 MB a pool worker would keep to the end of the run, at the peak). The arguments
        are inherited with the fork, not pickled."""
        if not self._workers:
            return self.run(function, *arguments)
        return ForkedCall(function, arguments)

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("fork")  # the workers inherit the imports
            self._pool = ProcessPoolExecutor(self._workers, mp_context=context)
        return self._pool

    def submit(self, source: str, filename: str, black_stable: bool = False) -> Callable[[], str]:
        """black's output for `source`. `black_stable`: printed by a black-stable template,
        so black runs only over the blocks `unvouched` finds a reason in."""
        if black_stable and unvouched(source) is None:
            return lambda: source
        if has_directive(source):
            return self._submit(source, filename)
        blocks = split_blocks(source)
        if black_stable:
            failing = [unvouched(block.rstrip("\n") + "\n") is not None for block in blocks]
            runs = self._runs(blocks, failing)
        else:
            runs = self._batches(blocks)
        parts = [
            self._submit(text, filename) if needs else (lambda t=text: t) for text, needs in runs
        ]
        if len(parts) == 1 and runs[0][1]:
            return parts[0]
        return lambda: join_blocks([part() for part in parts])

    def submit_blocks(self, blocks: list[tuple[str, bool]], filename: str) -> Callable[[], str]:
        """black's output for the file made of `blocks` (split_blocks' pieces): a block
        marked True is black's text already (its producer vouches); the others need black."""
        if any(has_directive(text) for text, _ in blocks):
            return self._submit(join_blocks([text for text, _ in blocks]), filename)
        runs = self._runs([text for text, _ in blocks], [not ok for _, ok in blocks])
        parts = [
            self._submit(text, filename) if needs else (lambda t=text: t) for text, needs in runs
        ]
        return lambda: join_blocks([part() for part in parts])

    @staticmethod
    def _runs(blocks: list[str], failing: list[bool]) -> list[tuple[str, bool]]:
        """Consecutive blocks of one kind (black or not) together: fewer black calls."""
        runs: list[tuple[str, bool]] = []
        for block, needs in zip(blocks, failing, strict=True):
            if runs and runs[-1][1] == needs:
                runs[-1] = (join_blocks([runs[-1][0], block]), needs)
            else:
                runs.append((block, needs))
        return runs

    def _batches(self, blocks: list[str]) -> list[tuple[str, bool]]:
        """The blocks in as many pieces of about equal size as there are processes
        formatting (black is superlinear on a large file)."""
        pieces = max(1, self._workers + self._help)  # economize: this process formats too
        total = sum(len(block) for block in blocks)
        if pieces == 1 or total < SPLIT_ABOVE:
            return [("".join(blocks), True)]
        batches: list[list[str]] = [[]]
        done = 0
        for block in blocks:
            if batches[-1] and done >= total * len(batches) / pieces:
                batches.append([])
            batches[-1].append(block)
            done += len(block)
        return [(join_blocks(batch), True) for batch in batches]

    def _submit(self, source: str, filename: str) -> Callable[[], str]:
        found = lookup("black", ["black"], _black_key(source))
        if found is not None:
            text = found.decode()
            return lambda: text
        if self._workers == 0:
            text = format_python(source, filename)
            return lambda: text
        future: Future[tuple[str, str | None]] = self._start().submit(
            _format_in_worker, source, filename
        )
        piece = _Piece(future, source, filename)
        if self._help:
            self._queued.append(piece)

        def result() -> str:
            if self._queued:
                self._take_queued()
            text, error_source = piece.outcome()
            if error_source is not None:
                raise ApigenError(text, source=error_source)
            return text

        return result

    def _take_queued(self) -> None:
        """Format here, newest first, every queued piece no worker has taken yet."""
        queued, self._queued = self._queued, []
        for piece in reversed(queued):
            if piece.future.cancel():  # no worker has it: it is this process's now
                piece.here = _format_in_worker(piece.source, piece.filename)


class _Piece:
    """A source sent to black's pool, or formatted here instead (`Formatter.economize`)."""

    def __init__(self, future: Future[tuple[str, str | None]], source: str, filename: str):
        self.future = future
        self.source = source
        self.filename = filename
        self.here: tuple[str, str | None] | None = None

    def outcome(self) -> tuple[str, str | None]:
        return self.here if self.here is not None else self.future.result()


def _answer(
    connection: Connection, function: Callable[..., Any], arguments: tuple[Any, ...]
) -> None:
    try:
        outcome = call_outcome(function, arguments)
    except Exception as error:  # noqa: BLE001 - reported in the parent as an ApigenError
        outcome = False, (f"{type(error).__name__}: {error}", None, None)
    connection.send(outcome)
    connection.close()


class ForkedCall:
    """`function(*arguments)` in a process forked now; calling the object waits for its
    result (an ApigenError raised there is raised again here) and for the process's end."""

    def __init__(self, function: Callable[..., Any], arguments: tuple[Any, ...]) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_answer, args=(child, function, arguments), daemon=True
        )
        self._process.start()
        child.close()
        self._outcome: tuple[bool, Any] | None = None

    def __call__(self) -> Any:
        if self._outcome is None:
            try:
                self._outcome = self._connection.recv()
            except EOFError:
                self._outcome = False, ("a worker process ended without an answer", None, None)
            self._connection.close()
            self._process.join()
        return outcome_value(self._outcome)


def run_black(source: str, filename: str) -> str:
    import black  # imported only on a cache miss: it costs a third of a second
    from black.mode import TargetVersion
    from black.parsing import InvalidInput

    mode = black.Mode(line_length=LINE_LENGTH, target_versions={TargetVersion[TARGET.upper()]})
    try:
        return black.format_str(source, mode=mode)
    except InvalidInput as exc:  # a template bug, never the user's input
        raise ApigenError(f"generated code does not parse: {exc}", source=filename) from None
