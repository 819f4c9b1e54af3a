"""`apigen import` of TokenRequest from the full 1.35 upstream document (4 MB of Swagger 2.0)
beside openapi-spec-validator validating that whole document, which is what importing
would cost without slicing first. Goal: at most a fifth of the peer's time.

Two cases: in-process (the import from file to written spec, against the peer's
validation alone, the document already parsed), and whole processes (interpreter
start, imports, reading the gzip file included on both sides).
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import CommandRun, interleaved, row, run_command

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = ROOT.parent / "shared" / "k8s-openapi" / "swagger-v1.35.json.gz"
APIGEN = ROOT / ".venv" / "bin" / "apigen"
PYTHON = ROOT / ".venv" / "bin" / "python"
AREA = "import"
GOAL = {"goal": "<= 0.2x", "goal_ratio": 0.2}
PEER = "openapi-spec-validator (whole document)"
VALIDATE_WHOLE = (
    "import gzip, json, sys\n"
    "from openapi_spec_validator import validate\n"
    "validate(json.loads(gzip.decompress(open(sys.argv[1], 'rb').read())))\n"
)


def median_seconds(operation: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        operation()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(work: Path, repeats: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from openapi_spec_validator import validate

    from generator.drift.importer import import_kind, write_import
    from generator.spec.load import load_spec

    def apigen_import() -> None:
        spec = load_spec(UPSTREAM)
        write_import(import_kind(spec, "TokenRequest"), work / "tokenrequest.openapi.json")

    original = json.loads(gzip.decompress(UPSTREAM.read_bytes()))  # parsed outside the timing
    os.environ["APIGEN_NO_CACHE"] = "1"  # the slice is really validated every time
    subject = median_seconds(apigen_import, repeats)
    peer = median_seconds(lambda: validate(original), max(1, repeats // 2))
    return row(
        area=AREA, case="import TokenRequest from v1.35, in-process", subject="apigen import",
        peer=PEER, subject_value=subject, peer_value=peer, unit="s", higher_is_better=False,
        note="apigen: read gzip + parse + convert + slice + validate slice + check the "
        "extension's overlay + write; peer: validate() of the already parsed document "
        "(with jsonschema-rs, installed: 3-4x its pure-jsonschema time)",
        **GOAL,
    )  # fmt: skip


def whole_process(work: Path, repeats: int, state: str) -> dict[str, Any]:
    """cold: APIGEN_NO_CACHE, so openapi-spec-validator is imported and run; warm: the slice's
    verdict comes from apigen's content-addressed cache (generator/cache.py)."""
    out = work / "cli.openapi.json"
    env = {k: v for k, v in os.environ.items() if k != "APIGEN_NO_CACHE"}
    if state == "cold":
        env["APIGEN_NO_CACHE"] = "1"
    else:
        env["APIGEN_CACHE_DIR"] = str(work / "cache")
    argv: list[str | Path] = [APIGEN, "import", UPSTREAM, "--kind", "TokenRequest", "-o", out]
    if state == "warm":
        run_command(argv, cwd=ROOT, env=env)  # fill the cache outside the measurements
    commands: dict[str, Callable[[], CommandRun]] = {
        "apigen": lambda: run_command(argv, cwd=ROOT, env=env),
        "peer": lambda: run_command([PYTHON, "-c", VALIDATE_WHOLE, UPSTREAM], cwd=ROOT),
    }
    results = interleaved(commands, repeats)
    subject, peer = results["apigen"], results["peer"]
    failed = next((str(r) for r in (subject, peer) if not isinstance(r, CommandRun)), "")
    notes = {
        "cold": "wall time, interpreter start and imports included; both sides import "
        "openapi-spec-validator (0.25-0.4 s: any submodule runs its __init__, which imports "
        "pydantic-settings, 0.2 s), which bounds this ratio from below",
        "warm": "wall time; the slice's verdict comes from apigen's cache, so apigen does "
        "not import openapi-spec-validator",
    }
    return row(
        area=AREA, case=f"import TokenRequest from v1.35, whole process ({state})",
        subject=f"apigen import ({state})", peer=PEER,
        subject_value=subject.wall_s if isinstance(subject, CommandRun) else None,
        peer_value=peer.wall_s if isinstance(peer, CommandRun) else None, unit="s",
        higher_is_better=False, note=notes[state], missed_because=failed, **GOAL,
    )  # fmt: skip


def run(quick: bool = False) -> list[dict[str, Any]]:
    if not UPSTREAM.is_file():
        return [
            row(
                area=AREA,
                case="import TokenRequest from v1.35",
                subject="apigen import",
                peer=PEER,
                subject_value=None,
                peer_value=None,
                unit="s",
                higher_is_better=False,
                note=f"skipped: {UPSTREAM} is absent",
                **GOAL,
            )
        ]
    repeats = 2 if quick else 5
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        rounds = max(1, repeats - 2)
        return [in_process(work, repeats)] + [
            whole_process(work, rounds, state) for state in ("cold", "warm")
        ]


if __name__ == "__main__":
    for line in run(quick="--quick" in sys.argv):
        print(line)
