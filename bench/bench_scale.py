"""Scale: models + validators for growing slices of the full v1.35 document, cold,
beside datamodel-codegen writing models from the very same slice.

Each size is a set of kinds of /work/shared/k8s-openapi/swagger-v1.35.json.gz (read in
place; the module reports why when it is absent): TokenRequest (about 9 schemas), the
closure of Pod (about 100), every core/v1 kind below (several hundred) and every
definition of the document (735: `--all-definitions`). apigen runs as users run it,
`apigen generate --spec ... --kind ... --artifacts models,validators` with
APIGEN_NO_CACHE=1; the peer gets the slice apigen's own slicer writes (an OpenAPI 3
document, in a temporary folder) as its input: for every definition that is all 735
schemas under apigen's names (colliding short names qualified by group-version), one
models.py, as apigen writes one. (datamodel-codegen given the dotted names instead
writes a module per package, io/k8s/api/core/v1.py, ..., in the same time: docs/bench.md.)
The growth curve divides each run by its slice's schema count.

Peak memory of the whole document is the peak, sampled every 0.1 s, of the summed
proportional set size (PSS: shared pages split between the processes sharing them) of
the command and every process below it (black's forked workers), beside wait4's peak
RSS of its largest single process.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peers
from measure import CommandFailed, CommandRun, interleaved, row, run_command

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "k8s-openapi" / "swagger-v1.35.json.gz"
APIGEN = ROOT / ".venv" / "bin" / "apigen"
AREA = "scale"
CORE_KINDS = (
    "Pod", "Service", "Node", "PersistentVolume", "PersistentVolumeClaim", "ConfigMap",
    "Secret", "Namespace", "Event", "Endpoints", "ServiceAccount", "ReplicationController",
    "LimitRange", "ResourceQuota", "PodTemplate",
)  # fmt: skip


@dataclass(frozen=True)
class Size:
    label: str
    group_version: str  # "" with every definition
    kinds: tuple[str, ...]  # () for every definition
    repeats: int = 3


EVERY_DEFINITION = "every definition"
SIZES = (
    Size("TokenRequest", "authentication.k8s.io/v1", ("TokenRequest",)),
    Size("Pod closure", "v1", ("Pod",)),
    Size("core/v1 kinds", "v1", CORE_KINDS),
    # Two rounds: at ~50 s a run (black over a 1.7 MB validators.py) three would pass
    # the harness's time limit for the module.
    Size(EVERY_DEFINITION, "", (), repeats=2),
)
QUICK_SIZES = ("TokenRequest", "Pod closure", EVERY_DEFINITION)
TREE_TIMEOUT_S = 300  # a whole-document run under a heavy load


def write_slice(size: Size, folder: Path) -> int:
    """The slice apigen generates from, as a file for the peer; its schema count."""
    from generator.spec.load import load_spec
    from generator.spec.slice import slice_definitions, slice_kinds

    spec = load_spec(SPEC)
    if size.kinds:
        sliced = slice_kinds(spec.document, size.kinds, size.group_version, spec.source)
    else:
        sliced = slice_definitions(spec.document, spec.source)
    (folder / "slice.json").write_text(json.dumps(sliced.document))
    return len(sliced.document.get("components", {}).get("schemas", {}))


@dataclass(frozen=True)
class TreeRun(CommandRun):
    tree_pss_mb: float = 0.0  # sampled peak of the summed PSS of the process and its children


def descendants(root: int) -> list[int]:
    """`root` and every process below it, from /proc's parent ids."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()  # after the (command name)
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending += children.get(pid, [])
    return found


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_tree(argv: list[Any], *, cwd: Path, env: dict[str, str]) -> TreeRun:
    """`run_command`, sampling the whole process tree's memory as it runs."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(
            [str(a) for a in argv], cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], sum(pss_kb(pid) for pid in descendants(child.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        killer = threading.Timer(TREE_TIMEOUT_S, child.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            killer.cancel()
            done.set()
            sampler.join()
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            output.seek(0)
            lines = output.read().decode(errors="replace").strip().splitlines() or ["no output"]
            raise CommandFailed(f"{Path(argv[0]).name} exited {code}: {lines[-1]}")
    return TreeRun(wall, usage.ru_maxrss / 1024, peak[0] / 1024)


def commands(size: Size, folder: Path, dcg: Path) -> dict[str, Any]:
    if size.kinds:
        kinds = [arg for kind in size.kinds for arg in ("--kind", kind)]
        what = [*kinds, "--group-version", size.group_version]
    else:
        what = ["--all-definitions"]
    apigen_argv = [
        APIGEN, "generate", "--spec", SPEC, *what,
        "--artifacts", "models,validators", "--out", folder / "apigen" / "pkg",
    ]  # fmt: skip
    dcg_argv = [
        dcg, "--input", folder / "slice.json", "--input-file-type", "openapi",
        "--output-model-type", "pydantic_v2.BaseModel", "--output", folder / "dcg" / "models.py",
    ]  # fmt: skip
    (folder / "dcg").mkdir()
    cold = {**os.environ, "APIGEN_NO_CACHE": "1"}
    peer_env = {**os.environ, "PATH": f"{dcg.parent}{os.pathsep}{os.environ['PATH']}"}
    run = run_command if size.kinds else run_tree
    return {
        "apigen": lambda: run(apigen_argv, cwd=folder, env=cold),
        "datamodel-codegen": lambda: run(dcg_argv, cwd=folder, env=peer_env),
    }


def value(result: CommandRun | CommandFailed, metric: str) -> tuple[float | None, str]:
    if isinstance(result, CommandFailed):
        return None, f"failed: {result}"
    return float(getattr(result, metric)), ""


def interleaved_tree(commands: dict[str, Any], repeats: int) -> dict[str, TreeRun | CommandFailed]:
    """`measure.interleaved` for `run_tree`: median wall time, the largest peaks seen."""
    runs: dict[str, list[TreeRun]] = {name: [] for name in commands}
    failures: dict[str, CommandFailed] = {}
    for _ in range(repeats):
        for name, command in commands.items():
            if name not in failures:
                try:
                    runs[name].append(command())
                except CommandFailed as exc:
                    failures[name] = exc
    return {
        name: failures.get(name)
        or TreeRun(
            statistics.median(r.wall_s for r in runs[name]),
            max(r.max_rss_mb for r in runs[name]),
            max(r.tree_pss_mb for r in runs[name]),
        )
        for name in commands
    }


def run(quick: bool = False) -> list[dict[str, Any]]:
    if not SPEC.is_file():
        return [no_data("every size", f"{SPEC} is absent")]
    try:
        dcg = peers.ensure(peers.DATAMODEL_CODEGEN)
    except peers.PeerUnavailable as exc:
        return [no_data("every size", f"datamodel-codegen unavailable: {exc}")]
    rows: list[dict[str, Any]] = []
    per_schema: dict[str, tuple[int, float | None, float | None]] = {}
    sizes = [size for size in SIZES if size.label in QUICK_SIZES] if quick else list(SIZES)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="apigen-bench-scale-") as scratch:
            folder = Path(scratch)
            schemas = write_slice(size, folder)
            repeats = 1 if quick else size.repeats
            chosen = commands(size, folder, dcg)
            runs: dict[str, Any] = (
                interleaved(chosen, repeats) if size.kinds else interleaved_tree(chosen, repeats)
            )
        apigen_s, apigen_error = value(runs["apigen"], "wall_s")
        dcg_s, dcg_error = value(runs["datamodel-codegen"], "wall_s")
        per_schema[size.label] = (
            schemas,
            None if apigen_s is None else apigen_s / schemas,
            None if dcg_s is None else dcg_s / schemas,
        )
        errors = "; ".join(filter(None, [apigen_error, dcg_error]))
        note = f"{schemas} schemas; apigen writes models.py and validators.py, the peer models"
        if size.label == EVERY_DEFINITION:
            rows += every_definition_rows(runs, apigen_s, dcg_s, "; ".join(filter(None, [
                f"{note}.py (one module, apigen's names, as apigen writes one)", errors
            ])))  # fmt: skip
        elif size.label == "Pod closure":
            rows.append(
                row(
                    area=AREA,
                    case=f"models + validators, {size.label} (cold)",
                    subject="apigen generate (cold)",
                    peer="datamodel-codegen",
                    subject_value=apigen_s,
                    peer_value=dcg_s,
                    unit="s",
                    higher_is_better=False,
                    goal="<= 1.0x",
                    goal_ratio=1.0,
                    note="; ".join(filter(None, [note, errors])),
                )  # fmt: skip
            )
            apigen_mb, _ = value(runs["apigen"], "max_rss_mb")
            dcg_mb, _ = value(runs["datamodel-codegen"], "max_rss_mb")
            rows.append(
                row(
                    area=AREA,
                    case=f"peak memory, {size.label}",
                    subject="apigen generate (cold)",
                    peer="datamodel-codegen",
                    subject_value=apigen_mb,
                    peer_value=dcg_mb,
                    unit="MB",
                    higher_is_better=False,
                    goal="report",
                    goal_ratio=None,
                    note="max RSS of the whole process",
                )  # fmt: skip
            )
        else:
            rows.append(
                row(
                    area=AREA,
                    case=f"models + validators, {size.label} (cold, context)",
                    subject="apigen generate (cold)",
                    peer="datamodel-codegen",
                    subject_value=apigen_s,
                    peer_value=dcg_s,
                    unit="s",
                    higher_is_better=False,
                    goal="context",
                    goal_ratio=None,
                    note="; ".join(filter(None, [note, errors])),
                )  # fmt: skip
            )
    rows += growth_rows(per_schema)
    return rows


def every_definition_rows(
    runs: dict[str, Any], apigen_s: float | None, dcg_s: float | None, note: str
) -> list[dict[str, Any]]:
    """The whole document's two goal rows: cold time, and the process tree's peak memory."""
    apigen_mb, _ = value(runs["apigen"], "tree_pss_mb")
    dcg_mb, _ = value(runs["datamodel-codegen"], "tree_pss_mb")
    largest = [
        f"{name} {run.max_rss_mb:.0f} MB" for name, run in runs.items() if isinstance(run, TreeRun)
    ]
    both = dict(
        area=AREA,
        subject="apigen generate --all-definitions (cold)",
        peer="datamodel-codegen",
        higher_is_better=False,
    )
    return [
        row(
            **both,
            case="models + validators, every definition of v1.35 (cold)",
            subject_value=apigen_s,
            peer_value=dcg_s,
            unit="s",
            goal="<= 1.0x",
            goal_ratio=1.0,
            note=note,
        ),
        row(
            **both,
            case="peak memory, every definition of v1.35",
            subject_value=apigen_mb,
            peer_value=dcg_mb,
            unit="MB",
            goal="<= 1.2x",
            goal_ratio=1.2,
            note="peak summed PSS of the process tree (black's workers included), sampled "
            "every 0.1 s; wait4's peak RSS of the largest process: " + ", ".join(largest),
        ),
    ]


def growth_rows(
    per_schema: dict[str, tuple[int, float | None, float | None]],
) -> list[dict[str, Any]]:
    """Seconds per schema at each size, against the largest size measured (ratio 1.0x there):
    flat within 1.5x is the goal. The interpreter and imports, a fixed second or so, weigh
    most at the smallest size."""
    measured = [label for label, (_, seconds, _) in per_schema.items() if seconds is not None]
    if not measured:
        return [no_data("growth curve", "no size was measured")]
    reference = measured[-1]
    reference_count, reference_s, _ = per_schema[reference]
    rows = []
    for label, (schemas, seconds, peer_seconds) in per_schema.items():
        peer_note = "" if peer_seconds is None else f"; the peer: {peer_seconds:.4f} s/schema"
        rows.append(
            row(
                area=AREA,
                case=f"growth, s per schema at {schemas} schemas ({label})",
                subject=f"apigen at {schemas}",
                peer=f"apigen at {reference_count} ({reference})",
                subject_value=seconds,
                peer_value=reference_s,
                unit="s/schema",
                higher_is_better=False,
                goal="<= 1.5x (flat)",
                goal_ratio=1.5,
                note=f"whole cold process divided by the slice's schema count{peer_note}",
            )  # fmt: skip
        )
    return rows


def no_data(case: str, why: str) -> dict[str, Any]:
    return row(
        area=AREA, case=case, subject="apigen generate (cold)", peer="datamodel-codegen",
        subject_value=None, peer_value=None, unit="s", higher_is_better=False, goal="<= 1.0x",
        goal_ratio=1.0, note=why, missed_because=why,
    )  # fmt: skip


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
