"""A cold run's head start: datamodel-code-generator imported while the spec is read.

A cold `apigen generate` or `apigen check` spends about half a second importing
datamodel-code-generator before it can write the models, and it can only start
once the spec is loaded, sliced, validated and lowered. `ModelsWorker` forks a
process at the start of the pipeline that imports it meanwhile, on the other
core (it renders a one-class schema: datamodel-code-generator imports most of itself,
and builds its pydantic classes, on its first run). Once the IR exists the pipeline
hands it the models' input and renders the Jinja artifacts while it runs. Its result
is the text `render_models` would give, byte for byte (the same function runs, in
another process; tests/test_black_stable.py compares them).

It is forked only where it can pay: a machine with two cores or more that can
fork, and a run whose models do not come from the cache (no cache, `apigen
check`, which reads none, or a cache without a models entry at all).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from generator.errors import ApigenError
from generator.render.cache import cache_dir, reads_allowed


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every platform
        return os.cpu_count() or 1


MODELS_STEP = "datamodel-code-generator"  # the models' cache step (tools/dcg.py)


def _warm_models() -> None:
    from generator.render.tools.dcg import warm_up  # in the child: the parent need not wait for it

    warm_up()


def models_head_start(artifacts: tuple[str, ...]) -> EarlyWorker | None:
    """The models process, started now if a cold run's models will need it. The CLI calls
    this before it imports the pipeline's modules, so the fork comes first of all."""
    if "models" in artifacts and worth_forking(MODELS_STEP):
        # pydantic, imported once here, is inherited by both processes that need it on a
        # cold run: this one's datamodel-code-generator and, forked later, the validator's
        # worker (openapi-spec-validator's settings are pydantic-settings).
        from pydantic import BaseModel  # noqa: F401

        return EarlyWorker(_warm_models)
    return None


def worth_forking(step: str) -> bool:
    """Two cores, fork, and no cache entry likely for `step`."""
    if cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    folder = cache_dir()
    return folder is None or not reads_allowed() or not (folder / step).is_dir()


def call_outcome(function: Callable[..., Any], arguments: tuple[Any, ...]) -> tuple[bool, Any]:
    """`function(*arguments)` in a worker process: (True, result) or (False, the parts of
    the ApigenError it raised; the error pickles without its source, so the parts travel)."""
    try:
        return True, function(*arguments)
    except ApigenError as error:
        return False, (error.message, error.source, error.pointer)


def outcome_value(outcome: tuple[bool, Any]) -> Any:
    """The result `call_outcome` sent, or its ApigenError raised again here."""
    ok, value = outcome
    if not ok:
        message, source, at = value
        raise ApigenError(message, source=source, pointer=at)
    return value


def _serve(connection: Connection, warm_up: Callable[[], object]) -> None:
    try:
        warm_up()
    except Exception:  # noqa: BLE001, S110 - the call itself reports what is wrong
        pass
    try:
        request = connection.recv()
    except EOFError:
        return
    if request is None:
        return
    function, arguments = request
    try:
        outcome = call_outcome(function, arguments)
    except Exception as error:  # noqa: BLE001 - reported in the parent as an ApigenError
        outcome = False, (f"{type(error).__name__}: {error}", None, None)
    connection.send(outcome)


class EarlyWorker:
    """One forked process that runs `warm_up` (imports, first-use set-up), then one call
    sent to it.

    `submit(function, *arguments)` returns a callable giving the result (an
    ApigenError raised there is raised again here). When the block ends it is
    waited for, or stopped if nothing was asked of it."""

    def __init__(self, warm_up: Callable[[], object]) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, warm_up), daemon=True)
        self._process.start()
        child.close()
        self._used = False
        self._closed = False

    def __enter__(self) -> EarlyWorker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def submit(self, function: Callable[..., Any], *arguments: Any) -> Callable[[], Any]:
        if self._used:
            raise RuntimeError("an EarlyWorker runs one call")
        self._used = True
        self._connection.send((function, arguments))

        def result() -> Any:
            try:
                outcome = self._connection.recv()
            except EOFError:
                raise ApigenError("the models worker ended without an answer") from None
            return outcome_value(outcome)

        return result

    def close(self) -> None:
        if self._process.pid is None or self._closed:
            return
        self._closed = True
        self._connection.close()
        if not self._used:  # still importing, maybe: nothing it does is needed
            self._process.terminate()
        self._process.join(timeout=30)
        if self._process.is_alive():  # never expected: it answers or ends
            self._process.terminate()
            self._process.join()
