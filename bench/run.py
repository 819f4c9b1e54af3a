"""`make bench`: run every bench/bench_*.py and print one markdown table.

Each module exposes `run(quick: bool = False) -> list[dict]` (row keys in
`measure.row`; `missed_because` is optional and marks the goal missed whatever
the ratio). Every module runs in its own child process with a time limit, so
one that crashes, hangs or is missing its `run` becomes a row with its error and
the others still report.

    python bench/run.py [--quick] [--only NAME ...] [--out FILE] [--dir DIR]
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROW_KEYS = (
    "area", "case", "subject", "peer", "subject_value", "peer_value", "unit",
    "higher_is_better", "goal", "goal_ratio", "note",
)  # fmt: skip
MODULE_TIMEOUT_S = {True: 150, False: 360}  # by quick


# One per area of the issue; each is reported, as an error row when it is missing.
EXPECTED = (
    "bench_generate", "bench_models", "bench_validators", "bench_client", "bench_server",
    "bench_import",
)  # fmt: skip


def discover(bench_dir: Path) -> list[str]:
    found = sorted(path.stem for path in bench_dir.glob("bench_*.py"))
    return [*EXPECTED, *(name for name in found if name not in EXPECTED)]


def error_row(module: str, message: str) -> dict[str, Any]:
    area = module.removeprefix("bench_")
    return {key: None for key in ROW_KEYS} | {
        "area": area, "case": "(module)", "subject": module, "peer": "",
        "goal": "runs", "note": f"error: {message}",
    }  # fmt: skip


def run_module_here(module: str, quick: bool, bench_dir: Path, out: Path) -> None:
    """Child side: import the module, call run(quick), write its rows as JSON."""
    sys.path.insert(0, str(bench_dir))
    rows = importlib.import_module(module).run(quick=quick)
    out.write_text(json.dumps(rows))


def run_module(module: str, quick: bool, bench_dir: Path) -> list[dict[str, Any]]:
    """Parent side: one child process per module, bounded in time."""
    if not (bench_dir / f"{module}.py").is_file():
        return [error_row(module, f"{bench_dir.name}/{module}.py is missing")]
    timeout = MODULE_TIMEOUT_S[quick]
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        out = Path(tmp) / "rows.json"
        argv = [sys.executable, __file__, "--child", module, "--dir", str(bench_dir)]
        argv += ["--rows-out", str(out)]
        try:
            child = subprocess.run(
                argv + (["--quick"] if quick else []),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return [error_row(module, f"did not finish within {timeout}s")]
        if child.returncode != 0 or not out.is_file():
            lines = child.stderr.strip().splitlines() or [f"exit code {child.returncode}"]
            return [error_row(module, lines[-1])]
        return checked_rows(module, json.loads(out.read_text()))


def checked_rows(module: str, rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list) or not rows:
        return [error_row(module, "run() returned no rows")]
    good = [row for row in rows if isinstance(row, dict) and set(ROW_KEYS) <= set(row)]
    if len(good) < len(rows):
        good.append(error_row(module, f"{len(rows) - len(good)} rows lack keys of {ROW_KEYS}"))
    return good


def ratio(row: dict[str, Any]) -> float | None:
    subject, peer = row.get("subject_value"), row.get("peer_value")
    if not isinstance(subject, (int, float)) or not isinstance(peer, (int, float)) or peer == 0:
        return None
    return subject / peer


def verdict(row: dict[str, Any]) -> str:
    if str(row.get("note") or "").startswith("error:"):
        return "ERROR"
    value, goal = ratio(row), row.get("goal_ratio")
    if row.get("missed_because"):
        return f"**MISSED**: {row['missed_because']}"
    if not isinstance(goal, (int, float)):
        return "—"  # context or report only
    if value is None:
        return "no data"
    met = value >= goal if row["higher_is_better"] else value <= goal
    return "met" if met else "**MISSED**"


def number(value: Any) -> str:
    if not isinstance(value, (int, float)) or math.isnan(value):
        return "—"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def cell(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


HEADER = (
    "area", "case", "subject", "peer", "subject value", "peer value", "unit", "ratio", "goal",
    "verdict", "note",
)  # fmt: skip


def unit_with_direction(row: dict[str, Any]) -> str:
    if not isinstance(row.get("higher_is_better"), bool):
        return cell(row.get("unit"))
    return f"{row['unit']}, {'higher' if row['higher_is_better'] else 'lower'} is better"


def table_line(row: dict[str, Any]) -> str:
    value = ratio(row)
    parts = (
        row["area"], row["case"], row["subject"], row["peer"], number(row.get("subject_value")),
        number(row.get("peer_value")), unit_with_direction(row),
        "—" if value is None else f"{value:.2f}x", row.get("goal"), verdict(row), row.get("note"),
    )  # fmt: skip
    return "| " + " | ".join(cell(part) for part in parts) + " |"


def table(rows: list[dict[str, Any]]) -> str:
    """Ratios are subject / peer; the verdict compares them with `goal_ratio`."""
    header = "| " + " | ".join(HEADER) + " |"
    rule = "|---|---|---|---|---:|---:|---|---:|---|---|---|"
    return "\n".join([header, rule, *map(table_line, rows)])


TALLIED = {"met": "met", "**MISSED**": "missed", "ERROR": "errors", "no data": "without data"}


def tally(rows: list[dict[str, Any]]) -> str:
    """The verdicts counted; context rows have none."""
    verdicts = Counter(verdict(row).split(":")[0] for row in rows)
    return (
        "Goals: " + ", ".join(f"{verdicts[mark]} {label}" for mark, label in TALLIED.items()) + "."
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()} "
        f"on {platform.system()} {platform.release()}; run {today}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: fewer repetitions")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="e.g. bench_models")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument("--dir", type=Path, default=BENCH_DIR, help="where the bench_*.py are")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--rows-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_module_here(args.child, args.quick, args.dir, args.rows_out)
        return 0
    rows: list[dict[str, Any]] = []
    for module in args.only or discover(args.dir):
        print(f"running {module} ...", file=sys.stderr, flush=True)
        rows += run_module(module, args.quick, args.dir)
    report = f"{machine()}{' Quick run.' if args.quick else ''}\n\n{table(rows)}\n\n{tally(rows)}\n"
    print(report)
    if args.out:
        args.out.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
