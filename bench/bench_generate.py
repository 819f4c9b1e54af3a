"""`apigen generate` and `apigen check`, whole processes, beside the generators users
would pick instead, all fed the same spec (docs/bench.md: what a cold run does now).

The goal peer is datamodel-code-generator's CLI, which writes models alone; apigen
writes every artifact of ARTIFACTS (models, validators, client, server). The other
generators are measured for context.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peers
from measure import CommandFailed, CommandRun, interleaved, row, run_command

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "authentication.k8s.io" / "v1" / "tokenrequest.openapi.json"
APIGEN = ROOT / ".venv" / "bin" / "apigen"
AREA = "generate"


def apigen_commands(work: Path) -> dict[str, Callable[[], CommandRun]]:
    """apigen cold (APIGEN_NO_CACHE: black, datamodel-code-generator and the validator all run)
    and warm (its content-addressed cache, generator/cache.py, already holds their results)."""
    package = work / "apigen" / "authentication_k8s_io_v1"
    cold = {**os.environ, "APIGEN_NO_CACHE": "1"}
    warm = {**os.environ, "APIGEN_CACHE_DIR": str(work / "cache")}
    warm.pop("APIGEN_NO_CACHE", None)
    # Fill the warm cache once, outside the measurements.
    run_command([APIGEN, "generate", "--out", package], cwd=ROOT, env=warm)

    def command(verb: str, env: dict[str, str]) -> Callable[[], CommandRun]:
        # check runs against the package just generated, so the tree is unchanged; exit 1 is
        # accepted since check does the same work (regenerate, compare every file) either way.
        return lambda: run_command(
            [APIGEN, verb, "--out", package], cwd=ROOT, env=env, ok_codes=(0, 1)
        )

    return {
        "apigen generate (cold)": command("generate", cold),
        "apigen check (cold)": command("check", cold),
        "apigen generate (warm)": command("generate", warm),
        "apigen check (warm)": command("check", warm),
    }


def peer_commands(work: Path) -> tuple[dict[str, Callable[[], CommandRun]], dict[str, str]]:
    """The peers that could be installed, and why the others are missing."""
    recipes: dict[str, tuple[peers.Peer, Callable[[Path], list[str | Path]]]] = {
        "datamodel-codegen": (
            peers.DATAMODEL_CODEGEN,
            lambda exe: [
                exe,
                "--input",
                SPEC,
                "--input-file-type",
                "openapi",
                "--output-model-type",
                "pydantic_v2.BaseModel",
                "--output",
                work / "dcg" / "models.py",
            ],
        ),
        "openapi-python-client": (
            peers.OPENAPI_PYTHON_CLIENT,
            lambda exe: [
                exe,
                "generate",
                "--path",
                SPEC,
                "--output-path",
                work / "opc",
                "--overwrite",
            ],
        ),
        "fastapi-codegen": (
            peers.FASTAPI_CODEGEN,
            lambda exe: [exe, "--input", SPEC, "--output", work / "fcg"],
        ),
        "openapi-generator-cli": (
            peers.OPENAPI_GENERATOR,
            lambda exe: [exe, "generate", "-i", SPEC, "-g", "python", "-o", work / "ogc"],
        ),
    }
    commands: dict[str, Callable[[], CommandRun]] = {}
    missing: dict[str, str] = {}
    for name, (peer, argv_for) in recipes.items():
        if peer is peers.OPENAPI_GENERATOR and shutil.which("java") is None:
            missing[name] = "skipped: `java` is not installed"
            continue
        try:
            argv = argv_for(peers.ensure(peer))
        except peers.PeerUnavailable as exc:
            missing[name] = f"unavailable: {exc}"
            continue
        # The peer's own bin first, so its post-generation hooks find their tools.
        env = {**os.environ, "PATH": f"{peer.bin_dir}{os.pathsep}{os.environ['PATH']}"}
        commands[name] = lambda argv=argv, env=env: run_command(argv, cwd=work, env=env)
    return commands, missing


CONTEXT_NOTES = {
    "openapi-python-client": "context: peer writes an httpx client with attrs models",
    "fastapi-codegen": "context: peer writes pydantic models and FastAPI routes",
    "openapi-generator-cli": "context: peer (Java) writes a urllib3 client with pydantic models",
}


@dataclass(frozen=True)
class Outcomes:
    """Each command's median run, or why it has none."""

    runs: dict[str, CommandRun | CommandFailed]
    missing: dict[str, str]

    def measure(self, name: str, metric: str) -> tuple[float | None, str]:
        if name in self.missing:
            return None, f"{name} {self.missing[name]}"
        result = self.runs[name]
        if isinstance(result, CommandFailed):
            return None, f"{name} failed: {result}"
        return float(getattr(result, metric)), ""

    def compare(
        self, case: str, subject: str, peer: str, metric: str, **fields: Any
    ) -> dict[str, Any]:
        subject_value, subject_error = self.measure(subject, metric)
        peer_value, peer_error = self.measure(peer, metric)
        note = "; ".join(filter(None, [subject_error, peer_error, fields.pop("note")]))
        return row(
            area=AREA,
            case=case,
            subject=subject,
            peer=peer,
            subject_value=subject_value,
            peer_value=peer_value,
            higher_is_better=False,
            note=note,
            **fields,
        )


def generate_rows(outcomes: Outcomes, artifact_count: int) -> list[dict[str, Any]]:
    goal = {"unit": "s", "goal": "<= 1.0x", "goal_ratio": 1.0}
    notes = {
        "generate": f"apigen writes {artifact_count} files (every artifact); the peer, models alone",
        "check": "check regenerates in memory and compares with an unchanged tree",
    }
    cache_notes = {
        "cold": "APIGEN_NO_CACHE=1: datamodel-codegen, the validator and protoc all run; black only"
        " over blocks the printed text cannot vouch for (none in this package)",
        "warm": "their results come from apigen's content-addressed cache (same bytes)",
    }
    # check never reads the cache (its verdict rests on a fresh run, docs/safety.md), so a
    # "warm" check does the cold work: context, not a goal of its own.
    untrusted = {"unit": "s", "goal": "context", "goal_ratio": None}
    cache_notes_check = {"warm": "check reads no cache entry (issue 15): the cold work again"}
    rows = [
        outcomes.compare(
            f"{verb} ({state})",
            f"apigen {verb} ({state})",
            "datamodel-codegen",
            "wall_s",
            **(untrusted if (verb, state) == ("check", "warm") else goal),
            note=f"{notes[verb]}; "
            f"{cache_notes_check[state] if verb == 'check' and state == 'warm' else cache_notes[state]}",
        )
        for state in ("cold", "warm")
        for verb in ("generate", "check")
    ]
    rows += [
        outcomes.compare(
            "generate (context)",
            "apigen generate (cold)",
            peer,
            "wall_s",
            unit="s",
            goal="context",
            goal_ratio=None,
            note=note,
        )
        for peer, note in CONTEXT_NOTES.items()
    ]
    rows.append(
        outcomes.compare(
            "peak memory",
            "apigen generate (cold)",
            "datamodel-codegen",
            "max_rss_mb",
            unit="MB",
            goal="report",
            goal_ratio=None,
            note="max RSS of the whole process",
        )
    )
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
        work = Path(tmp)
        peer_runs, missing = peer_commands(work)
        # The goal comparison gets more rounds; the context peers (one slow: Java) fewer.
        goal_set = apigen_commands(work) | {
            name: peer_runs.pop(name) for name in ["datamodel-codegen"] if name in peer_runs
        }
        runs = interleaved(goal_set, repeats=1 if quick else 5)
        runs |= interleaved(peer_runs, repeats=1 if quick else 3)
        outcomes = Outcomes(runs, missing)
        package = work / "apigen" / "authentication_k8s_io_v1"
        artifact_count = len(list(package.iterdir())) if package.is_dir() else 0
    return generate_rows(outcomes, artifact_count)


if __name__ == "__main__":
    for line in run(quick="--quick" in sys.argv):
        print(line)
