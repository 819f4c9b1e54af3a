"""Models: parse + validate + dump of a real API-server TokenRequest response.

The input carries what real servers send and naive models drop: explicit `null`s,
managedFields with free-form `fieldsV1`, and a field newer than the spec. Each
contender turns the bytes into its objects and back into JSON text; the rate is
compared with `json.loads` + `json.dumps` of the same bytes (the floor), and the
output is compared with the input to report what each loses.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import peers
from measure import interleaved_rates, row, run_command

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "authentication.k8s.io" / "v1" / "tokenrequest.openapi.json"
AREA = "models"

# Shaped like kube-apiserver's 201 answer: `creationTimestamp` and `boundObjectRef` are
# null (TokenRequest is never stored), `spec.audienceMatchPolicy` is from the future, and the
# token is a realistic RS256-sized JWT. tests/test_models.py round-trips the same document.
SAMPLE = ROOT / "tests" / "data" / "tokenrequest-response.json"
RESPONSE: dict[str, Any] = json.loads(SAMPLE.read_text())
BODY = json.dumps(RESPONSE).encode()

RoundTrip = Callable[[bytes], str]


def floor(body: bytes) -> str:
    return json.dumps(json.loads(body))


def apigen_round_trip() -> RoundTrip:
    sys.path.insert(0, str(ROOT / "generated"))
    from authentication_k8s_io_v1 import TokenRequest

    return lambda body: TokenRequest.model_validate_json(body).to_json()


def kubernetes_round_trip() -> RoundTrip:
    from kubernetes.client import ApiClient

    client = ApiClient()

    def round_trip(body: bytes) -> str:
        model = client.deserialize(
            body.decode(), "AuthenticationV1TokenRequest", "application/json"
        )
        return json.dumps(client.sanitize_for_serialization(model))

    return round_trip


def lightkube_round_trip() -> RoundTrip:
    from lightkube.models.authentication_v1 import TokenRequest

    return lambda body: json.dumps(TokenRequest.from_dict(json.loads(body)).to_dict())


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # pydantic resolves postponed annotations through it
    spec.loader.exec_module(module)
    return module


def datamodel_codegen_round_trip(work: Path) -> RoundTrip:
    """datamodel-codegen's plain output for the same spec, used the same way as apigen's."""
    output = work / "dcg_tokenrequest_models.py"
    run_command(
        [peers.ensure(peers.DATAMODEL_CODEGEN), "--input", SPEC, "--input-file-type", "openapi",
         "--output-model-type", "pydantic_v2.BaseModel", "--output", output]
    )  # fmt: skip
    token_request = load_module(output).TokenRequest
    return lambda body: token_request.model_validate_json(body).model_dump_json(
        by_alias=True, exclude_unset=True
    )


def differences(original: Any, result: Any, path: str = "") -> list[str]:
    """What `result` lost or altered of `original`, as JSON paths."""
    if isinstance(original, dict) and isinstance(result, dict):
        found = []
        for key, value in original.items():
            where = f"{path}.{key}" if path else key
            found += differences(value, result[key], where) if key in result else [f"-{where}"]
        return found
    if isinstance(original, list) and isinstance(result, list) and len(original) == len(result):
        return [
            difference
            for index, (item, kept) in enumerate(zip(original, result, strict=True))
            for difference in differences(item, kept, f"{path}[{index}]")
        ]
    return [] if original == result else [f"~{path}"]


def losses(round_trip: RoundTrip) -> str:
    found = differences(RESPONSE, json.loads(round_trip(BODY)))
    if not found:
        return ""
    shown = ", ".join(found[:6]) + (f" and {len(found) - 6} more" if len(found) > 6 else "")
    return f"{len(found)} lost (- dropped, ~ changed): {shown}"


# peer name -> (goal text, goal ratio); None for context rows.
GOALS: dict[str, tuple[str, float | None]] = {
    "json.loads+dumps": (">= 0.9x the floor, nothing lost", 0.9),
    "kubernetes": (">= 5x, nothing lost", 5.0),
    "lightkube-models": ("context", None),
    "datamodel-codegen": ("context", None),
}


def contenders(work: Path) -> tuple[dict[str, RoundTrip], dict[str, str]]:
    """Each contender's round trip, and the error of those that could not be built."""
    builders: dict[str, Callable[[], RoundTrip]] = {
        "apigen": apigen_round_trip,
        "json.loads+dumps": lambda: floor,
        "kubernetes": kubernetes_round_trip,
        "lightkube-models": lightkube_round_trip,
        "datamodel-codegen": lambda: datamodel_codegen_round_trip(work),
    }
    built: dict[str, RoundTrip] = {}
    broken: dict[str, str] = {}
    for name, build in builders.items():
        try:
            built[name] = build()
        except Exception as exc:  # any failure is reported in its row, not raised
            broken[name] = f"{type(exc).__name__}: {exc}"
    return built, broken


def run(quick: bool = False) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-models-") as tmp:
        built, broken = contenders(Path(tmp))
        operations = {name: (lambda rt=rt: rt(BODY)) for name, rt in built.items()}
        rates = interleaved_rates(
            operations, repeats=3 if quick else 11, batch_s=0.05 if quick else 0.2
        )
        lost = {name: losses(round_trip) for name, round_trip in built.items()}
    apigen_lost = lost.get("apigen", "")
    rows = []
    for peer, (goal, goal_ratio) in GOALS.items():
        errors = [f"{name}: {broken[name]}" for name in ("apigen", peer) if name in broken]
        note = "; ".join(errors) or (
            f"apigen: {apigen_lost or 'nothing lost'}; {peer}: {lost[peer] or 'nothing lost'}"
        )
        rows.append(
            row(
                area=AREA,
                case="parse+validate+dump",
                subject="apigen",
                peer=peer,
                subject_value=rates.get("apigen"),
                peer_value=rates.get(peer),
                unit="ops/s",
                higher_is_better=True,
                goal=goal,
                goal_ratio=goal_ratio,
                note=note,
                missed_because="apigen lost data" if apigen_lost and goal_ratio else "",
            )
        )
    return rows


if __name__ == "__main__":
    for line in run(quick="--quick" in sys.argv):
        print(line)
