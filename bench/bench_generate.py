"""`apigen generate` and `apigen check`, whole processes, beside the generators users
would pick instead, all fed the same spec.

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
from pathlib import Path
from typing import Any

import peers
from measure import CommandFailed, CommandRun, interleaved, row, run_command

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "authentication.k8s.io" / "v1" / "tokenrequest.openapi.json"
APIGEN = ROOT / ".venv" / "bin" / "apigen"
AREA = "generate"


def apigen_commands(work: Path) -> dict[str, Callable[[], CommandRun]]:
    package = work / "apigen" / "authentication_k8s_io_v1"
    return {
        "apigen generate": lambda: run_command([APIGEN, "generate", "--out", package], cwd=ROOT),
        # Checked against the package just generated, so the tree is unchanged.
        "apigen check": lambda: run_command([APIGEN, "check", "--out", package], cwd=ROOT),
    }


def peer_commands(work: Path) -> tuple[dict[str, Callable[[], CommandRun]], dict[str, str]]:
    """The peers that could be installed, and why the others are missing."""
    recipes: dict[str, tuple[peers.Peer, Callable[[Path], list[str | Path]]]] = {
        "datamodel-codegen": (
            peers.DATAMODEL_CODEGEN,
            lambda exe: [exe, "--input", SPEC, "--input-file-type", "openapi",
                         "--output-model-type", "pydantic_v2.BaseModel",
                         "--output", work / "dcg" / "models.py"],
        ),
        "openapi-python-client": (
            peers.OPENAPI_PYTHON_CLIENT,
            lambda exe: [exe, "generate", "--path", SPEC, "--output-path", work / "opc", "--overwrite"],
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


def generate_rows(
    results: dict[str, CommandRun | CommandFailed], missing: dict[str, str], artifact_count: int
) -> list[dict[str, Any]]:
    apigen_note = f"apigen writes {artifact_count} files (every artifact); the peer writes models alone"
    rows = [
        wall_row("generate", "apigen generate", "datamodel-codegen", results, missing,
                 "<= 1.0x", 1.0, apigen_note),
        wall_row("check", "apigen check", "datamodel-codegen", results, missing,
                 "<= 1.0x", 1.0, "check regenerates in memory and compares with an unchanged tree"),
    ]
    for peer_name, note in CONTEXT_NOTES.items():
        rows.append(wall_row("generate (context)", "apigen generate", peer_name, results, missing,
                             "context", None, note))
    rows.append(memory_row(results, missing))
    return rows


def value_or_error(
    name: str, results: dict[str, CommandRun | CommandFailed], missing: dict[str, str]
) -> tuple[CommandRun | None, str]:
    if name in missing:
        return None, f"{name} {missing[name]}"
    result = results[name]
    if isinstance(result, CommandFailed):
        return None, f"{name} failed: {result}"
    return result, ""


def wall_row(case: str, subject: str, peer: str, results: dict[str, CommandRun | CommandFailed],
             missing: dict[str, str], goal: str, goal_ratio: float | None,
             note: str) -> dict[str, Any]:
    subject_run, subject_error = value_or_error(subject, results, missing)
    peer_run, peer_error = value_or_error(peer, results, missing)
    return row(
        area=AREA, case=case, subject=subject, peer=peer,
        subject_value=subject_run and subject_run.wall_s,
        peer_value=peer_run and peer_run.wall_s,
        unit="s", higher_is_better=False, goal=goal, goal_ratio=goal_ratio,
        note="; ".join(filter(None, [subject_error, peer_error, note])),
    )


def memory_row(
    results: dict[str, CommandRun | CommandFailed], missing: dict[str, str]
) -> dict[str, Any]:
    subject_run, subject_error = value_or_error("apigen generate", results, missing)
    peer_run, peer_error = value_or_error("datamodel-codegen", results, missing)
    return row(
        area=AREA, case="peak memory", subject="apigen generate", peer="datamodel-codegen",
        subject_value=subject_run and subject_run.max_rss_mb,
        peer_value=peer_run and peer_run.max_rss_mb,
        unit="MB", higher_is_better=False, goal="report", goal_ratio=None,
        note="; ".join(filter(None, [subject_error, peer_error, "max RSS of the whole process"])),
    )


def run(quick: bool = False) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
        work = Path(tmp)
        commands = apigen_commands(work)
        others, missing = peer_commands(work)
        commands.update(others)
        results = interleaved(commands, repeats=1 if quick else 5)
        package = work / "apigen" / "authentication_k8s_io_v1"
        artifact_count = len(list(package.iterdir())) if package.is_dir() else 0
    return generate_rows(results, missing, artifact_count)


if __name__ == "__main__":
    for line in run(quick="--quick" in sys.argv):
        print(line)
