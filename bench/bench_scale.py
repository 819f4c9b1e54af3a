"""Scale: models + validators for growing slices of the full v1.35 document, cold,
beside datamodel-codegen writing models from the very same slice.

Each size is a set of kinds of /work/shared/k8s-openapi/swagger-v1.35.json.gz (read in
place; the module reports why when it is absent): TokenRequest (about 9 schemas), the
closure of Pod (about 100) and every core/v1 kind below (several hundred). apigen runs
as users run it, `apigen generate --spec ... --kind ... --artifacts models,validators`
with APIGEN_NO_CACHE=1; the peer gets the slice apigen's own slicer writes (an OpenAPI
3 document, in a temporary folder) as its input. The growth curve divides each run by
its slice's schema count. Every definition of the whole document has no row with data:
the pipeline has no all-definitions entry point yet (see docs/bench.md).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
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
    group_version: str
    kinds: tuple[str, ...]


SIZES = (
    Size("TokenRequest", "authentication.k8s.io/v1", ("TokenRequest",)),
    Size("Pod closure", "v1", ("Pod",)),
    Size("core/v1 kinds", "v1", CORE_KINDS),
)


def write_slice(size: Size, folder: Path) -> int:
    """The slice apigen generates from, as a file for the peer; its schema count."""
    from generator.spec.load import load_spec
    from generator.spec.slice import slice_kinds

    spec = load_spec(SPEC)
    sliced = slice_kinds(spec.document, list(size.kinds), size.group_version, spec.source)
    (folder / "slice.json").write_text(json.dumps(sliced.document))
    return len(sliced.document.get("components", {}).get("schemas", {}))


def commands(size: Size, folder: Path, dcg: Path) -> dict[str, Any]:
    kinds = [arg for kind in size.kinds for arg in ("--kind", kind)]
    apigen_argv = [
        APIGEN, "generate", "--spec", SPEC, *kinds, "--group-version", size.group_version,
        "--artifacts", "models,validators", "--out", folder / "apigen" / "pkg",
    ]  # fmt: skip
    dcg_argv = [
        dcg, "--input", folder / "slice.json", "--input-file-type", "openapi",
        "--output-model-type", "pydantic_v2.BaseModel", "--output", folder / "dcg" / "models.py",
    ]  # fmt: skip
    (folder / "dcg").mkdir()
    cold = {**os.environ, "APIGEN_NO_CACHE": "1"}
    peer_env = {**os.environ, "PATH": f"{dcg.parent}{os.pathsep}{os.environ['PATH']}"}
    return {
        "apigen": lambda: run_command(apigen_argv, cwd=folder, env=cold),
        "datamodel-codegen": lambda: run_command(dcg_argv, cwd=folder, env=peer_env),
    }


def value(result: CommandRun | CommandFailed, metric: str) -> tuple[float | None, str]:
    if isinstance(result, CommandFailed):
        return None, f"failed: {result}"
    return float(getattr(result, metric)), ""


def run(quick: bool = False) -> list[dict[str, Any]]:
    if not SPEC.is_file():
        return [no_data("every size", f"{SPEC} is absent")]
    try:
        dcg = peers.ensure(peers.DATAMODEL_CODEGEN)
    except peers.PeerUnavailable as exc:
        return [no_data("every size", f"datamodel-codegen unavailable: {exc}")]
    rows: list[dict[str, Any]] = []
    per_schema: dict[str, tuple[int, float | None, float | None]] = {}
    sizes = SIZES[:2] if quick else SIZES
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="apigen-bench-scale-") as scratch:
            folder = Path(scratch)
            schemas = write_slice(size, folder)
            runs = interleaved(commands(size, folder, dcg), repeats=1 if quick else 3)
        apigen_s, apigen_error = value(runs["apigen"], "wall_s")
        dcg_s, dcg_error = value(runs["datamodel-codegen"], "wall_s")
        per_schema[size.label] = (
            schemas,
            None if apigen_s is None else apigen_s / schemas,
            None if dcg_s is None else dcg_s / schemas,
        )
        errors = "; ".join(filter(None, [apigen_error, dcg_error]))
        note = f"{schemas} schemas; apigen writes models.py and validators.py, the peer models"
        if size.label == "Pod closure":
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
    rows.append(no_data("models + validators, every definition of v1.35 (cold)", WHOLE_DOCUMENT))
    rows += growth_rows(per_schema)
    return rows


WHOLE_DOCUMENT = (
    "not measured: no pipeline entry point lowers every definition (a target names kinds of "
    "one group-version), and one package of all 735 definitions needs qualified class names: "
    "87 short names occur in several group-versions; at the curve's 0.075 s/schema it would "
    "take ~55 s"
)


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
