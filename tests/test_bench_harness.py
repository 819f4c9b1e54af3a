"""`make bench`'s harness (bench/run.py), run for real on stand-in benchmark modules:
one table, a verdict per row, and a broken module reported as a row, not a crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

GOOD = """
def run(quick=False):
    base = {"area": "demo", "subject": "apigen", "peer": "other", "unit": "ops/s",
            "higher_is_better": True, "goal": ">= 2x", "goal_ratio": 2.0,
            "note": f"quick={quick}"}
    return [
        base | {"case": "fast", "subject_value": 30.0, "peer_value": 10.0},
        base | {"case": "slow", "subject_value": 10.0, "peer_value": 10.0},
        base | {"case": "lossy", "subject_value": 30.0, "peer_value": 10.0,
                "missed_because": "apigen lost data"},
        base | {"case": "context", "subject_value": 5.0, "peer_value": 10.0, "goal_ratio": None},
    ]
"""
CRASHES = 'def run(quick=False):\n    raise RuntimeError("peer exploded")\n'
NO_RUN = "VALUE = 1\n"
BAD_ROWS = 'def run(quick=False):\n    return [{"area": "half"}]\n'


def run_harness(bench_dir: Path) -> tuple[dict[str, list[str]], str]:
    """The table's rows by area/case, each as its list of cells, and the whole output."""
    result = subprocess.run(
        [sys.executable, ROOT / "bench" / "run.py", "--quick", "--dir", bench_dir],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert result.stdout.startswith("Machine: ")
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in result.stdout.splitlines()[0]
    rows = [
        line.strip("|").split(" | ") for line in result.stdout.splitlines() if line.startswith("| ")
    ]
    header, *body = rows
    assert [cell.strip() for cell in header][-3:] == ["goal", "verdict", "note"]
    by_case = {
        f"{cells[0].strip()}/{cells[1].strip()}": [c.strip() for c in cells] for cells in body
    }
    return by_case, result.stdout


def test_one_table_with_ratios_verdicts_and_errors_as_rows(tmp_path: Path) -> None:
    for name, source in {
        "bench_good": GOOD, "bench_crashes": CRASHES, "bench_no_run": NO_RUN,
        "bench_bad_rows": BAD_ROWS,
    }.items():  # fmt: skip
        (tmp_path / f"{name}.py").write_text(source)
    (tmp_path / "helpers.py").write_text(CRASHES)  # not a bench_*.py: never run

    rows, output = run_harness(tmp_path)

    assert rows["demo/fast"][7:10] == ["3.00x", ">= 2x", "met"]
    assert rows["demo/fast"][10] == "quick=True"
    assert rows["demo/slow"][7:10] == ["1.00x", ">= 2x", "**MISSED**"]
    assert rows["demo/lossy"][9] == "**MISSED**: apigen lost data"
    assert rows["demo/context"][9] == "—"
    assert rows["crashes/(module)"][9] == "ERROR"
    assert "RuntimeError: peer exploded" in rows["crashes/(module)"][10]
    assert "has no attribute 'run'" in rows["no_run/(module)"][10]
    assert "lack keys" in rows["bad_rows/(module)"][10]
    assert not any(key.startswith("helpers") for key in rows)
    assert "bench_server.py is missing" in rows["server/(module)"][10]
    # The six expected areas are missing here, plus three broken modules.
    assert "Goals: 1 met, 2 missed, 9 errors, 0 without data." in output


def test_models_benchmark_reports_every_dropped_and_changed_value() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_models import differences
    finally:
        sys.path.remove(str(ROOT / "bench"))
    original = {"a": None, "b": [1, {"c": "x", "d": {}}], "e": "2026-11-29T18:00:00Z"}
    result = {"b": [1, {"c": "y", "d": {}}], "e": "2026-11-29T18:00:00+00:00", "new": 1}
    assert differences(original, result) == ["-a", "~b[1].c", "~e"]
    assert differences(original, original) == []
    assert differences({"l": [1, 2]}, {"l": [1]}) == ["~l"]
