"""Timing helpers shared by the benchmarks, and the row format the harness reads.

The machine is shared and noisy: every figure is a median of several runs, subject
and peer are measured in the same run and interleaved, and only ratios are judged.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COMMAND_TIMEOUT_S = 120


# --- Where the processes of a client/server measurement run ---------------------------


# The CPUs this process may use, read once: `load_generator_pinned` narrows its own set.
_CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def pinned_cpus() -> tuple[set[int], set[int]] | None:
    """(the load generator's CPUs, the servers' CPU), or None where there is one CPU or no
    `sched_setaffinity` (then the scheduler places both)."""
    if len(_CPUS) < 2:
        return None
    return set(_CPUS[:-1]), {_CPUS[-1]}


@contextmanager
def load_generator_pinned() -> Iterator[str]:
    """This process on the load generator's CPUs for the block; yields a note saying how."""
    cpus = pinned_cpus()
    if cpus is None:
        yield "not pinned (one CPU, or no sched_setaffinity)"
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus[0])
    try:
        yield f"servers pinned to CPU {min(cpus[1])}, load generator to CPU(s) {sorted(cpus[0])}"
    finally:
        os.sched_setaffinity(0, before)


def pin_to_server_cpu() -> None:
    """A child process's `preexec_fn`: onto the servers' CPU before it execs."""
    cpus = pinned_cpus()
    if cpus is not None:
        os.sched_setaffinity(0, cpus[1])


class CommandFailed(RuntimeError):
    """A timed command failed or hung; the message carries its last line of output."""


@dataclass(frozen=True)
class CommandRun:
    wall_s: float
    max_rss_mb: float  # peak resident memory of this child alone, from wait4's rusage


def run_command(
    argv: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> CommandRun:
    """Run a whole process once: its wall time and its peak memory."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(
            [str(arg) for arg in argv], cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        # wait4 (not Popen.wait) gives this child's own rusage; the timer bounds a hang.
        killer = threading.Timer(COMMAND_TIMEOUT_S, child.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in ok_codes:
            output.seek(0)
            lines = output.read().decode(errors="replace").strip().splitlines() or ["no output"]
            raise CommandFailed(f"{Path(argv[0]).name} exited {child.returncode}: {lines[-1]}")
    return CommandRun(wall, usage.ru_maxrss / 1024)  # Linux reports kilobytes


def median_runs(runs: Sequence[CommandRun]) -> CommandRun:
    """Median wall time; the largest peak memory seen."""
    return CommandRun(
        statistics.median(run.wall_s for run in runs), max(run.max_rss_mb for run in runs)
    )


def interleaved(
    commands: dict[str, Callable[[], CommandRun]], repeats: int
) -> dict[str, CommandRun | CommandFailed]:
    """Run every command once per round, `repeats` rounds, so drift hits them all alike.

    A command that fails is dropped from later rounds and reported by its error.
    """
    runs: dict[str, list[CommandRun]] = {name: [] for name in commands}
    failures: dict[str, CommandFailed] = {}
    for _ in range(repeats):
        for name, command in commands.items():
            if name in failures:
                continue
            try:
                runs[name].append(command())
            except CommandFailed as exc:
                failures[name] = exc
    return {name: failures.get(name) or median_runs(runs[name]) for name in commands}


def calibrated_batch(operation: Callable[[], object], batch_s: float) -> int:
    """How many calls of `operation` take about `batch_s` seconds (warming it up too)."""
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < batch_s / 4:
        operation()
        calls += 1
    return max(1, round(calls * batch_s / elapsed))


def interleaved_rates(
    operations: dict[str, Callable[[], object]], repeats: int, batch_s: float = 0.2
) -> dict[str, float]:
    """Median calls per second of each operation: one timed batch of each per round."""
    batches = {name: calibrated_batch(operation, batch_s) for name, operation in operations.items()}
    rates: dict[str, list[float]] = {name: [] for name in operations}
    for _ in range(repeats):
        for name, operation in operations.items():
            start = time.perf_counter()
            for _ in range(batches[name]):
                operation()
            rates[name].append(batches[name] / (time.perf_counter() - start))
    return {name: statistics.median(values) for name, values in rates.items()}


def interleaved_cpu_per_call(
    operations: dict[str, Callable[[], object]], repeats: int, batch_s: float = 0.2
) -> dict[str, float]:
    """Median CPU seconds this process spends per call of each operation (time.process_time:
    user + system of every thread here, so time spent waiting on a server is not counted)."""
    batches = {name: calibrated_batch(operation, batch_s) for name, operation in operations.items()}
    costs: dict[str, list[float]] = {name: [] for name in operations}
    for _ in range(repeats):
        for name, operation in operations.items():
            start = time.process_time()
            for _ in range(batches[name]):
                operation()
            costs[name].append((time.process_time() - start) / batches[name])
    return {name: statistics.median(values) for name, values in costs.items()}


def row(
    *,
    area: str,
    case: str,
    subject: str,
    peer: str,
    subject_value: float | None,
    peer_value: float | None,
    unit: str,
    higher_is_better: bool,
    goal: str,
    goal_ratio: float | None,
    note: str = "",
    missed_because: str = "",
) -> dict[str, Any]:
    """One line of the table. `goal_ratio` None means the row is for context only.

    `missed_because` marks the goal missed whatever the ratio (say, data were lost).
    """
    return {
        "area": area,
        "case": case,
        "subject": subject,
        "peer": peer,
        "subject_value": subject_value,
        "peer_value": peer_value,
        "unit": unit,
        "higher_is_better": higher_is_better,
        "goal": goal,
        "goal_ratio": goal_ratio,
        "note": note,
        "missed_because": missed_because,
    }
