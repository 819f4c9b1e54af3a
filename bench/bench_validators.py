"""Validators: validations per second of the generated validators and of JSON Schema peers.

Every contender judges the same documents, parsed once (`json.loads` output):
a request as kubectl sends it, a response as an API server sends it (metadata,
managedFields, status), and an invalid request. The peers validate against the
schema kubernetes-validate ships for Kubernetes 1.35 in its strict form (so do
we: `strict=True`, unknown fields collected); pydantic runs the generated
models' `model_validate`. Ours also checks formats and the overlay's rules, and
reports every error where the schema validators stop at the first (fastjsonschema)
or just say no (`is_valid`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import jsonschema_rs
from kubernetes_validate.utils import schema_contents
from measure import interleaved_rates, row

ROOT = Path(__file__).resolve().parent.parent
AREA = "validators"
RELEASE = "1.35"
SCHEMAS = "kubernetes-json-schema/v1.35.0-local-strict"
DEFINITIONS_REF = "/api/_definitions.json#/$defs/"

REQUEST = {
    "kind": "TokenRequest",
    "apiVersion": "authentication.k8s.io/v1",
    "metadata": {"creationTimestamp": None},
    "spec": {
        "audiences": ["https://example.com"],
        "expirationSeconds": 3600,
        "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p1", "uid": "123"},
    },
    "status": {"token": "", "expirationTimestamp": None},
}
RESPONSE = {
    "kind": "TokenRequest",
    "apiVersion": "authentication.k8s.io/v1",
    "metadata": {
        "name": "default",
        "namespace": "default",
        "creationTimestamp": "2026-11-29T17:00:00Z",
        "managedFields": [
            {
                "manager": "kubectl",
                "operation": "Update",
                "apiVersion": "authentication.k8s.io/v1",
                "time": "2026-11-29T17:00:00Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:spec": {"f:audiences": {}, "f:expirationSeconds": {}}},
            }
        ],
    },
    "spec": {
        "audiences": ["https://kubernetes.default.svc.cluster.local", "https://example.com"],
        "expirationSeconds": 3600,
        "boundObjectRef": None,
    },
    "status": {
        "token": "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl",
        "expirationTimestamp": "2026-11-29T18:00:00Z",
    },
}
# Wrong for every contender: a string for a list and for an integer, and an unknown field.
INVALID = {
    "kind": "TokenRequest",
    "apiVersion": "authentication.k8s.io/v1",
    "spec": {
        "audiences": "https://example.com",
        "expirationSeconds": "3600",
        "boundObjectRef": {"kind": "Pod", "name": "p1", "extra": True},
    },
}
DOCUMENTS = {"valid request": REQUEST, "valid response": RESPONSE, "invalid request": INVALID}
# peer -> (goal, goal ratio) on valid documents; None for context rows.
GOALS: dict[str, tuple[str, float | None]] = {
    "fastjsonschema": (">= 1.0x (faster than fastjsonschema)", 1.0),
    "jsonschema": ("context", None),
    "jsonschema-rs": ("context", None),
    "pydantic model_validate": ("context", None),
}
Judge = Callable[[dict[str, Any]], bool]


def standalone_schema() -> dict[str, Any]:
    """kubernetes-validate's strict TokenRequest schema with the definitions it uses inlined.

    fastjsonschema resolves only local references, so every `$ref` points into
    this document's own `$defs`, which keep only the TokenRequest closure.
    """
    schema = schema_contents(f"{SCHEMAS}/tokenrequest-authentication-v1.json", RELEASE)
    definitions = schema_contents(f"{SCHEMAS}/_definitions.json", RELEASE)["$defs"]
    schema = localize(schema)
    used: dict[str, Any] = {}
    pending = list(references(schema))
    while pending:
        name = pending.pop()
        if name not in used:
            used[name] = definitions[name]
            pending.extend(references(definitions[name]))
    schema["$defs"] = used
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"  # fastjsonschema's newest
    schema.pop("$id", None)
    return schema


def localize(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: value.replace(DEFINITIONS_REF, "#/$defs/") if key == "$ref" else localize(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [localize(item) for item in node]
    return node


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else []
        return found + [name for value in node.values() for name in references(value)]
    if isinstance(node, list):
        return [name for item in node for name in references(item)]
    return []


def contenders() -> dict[str, Judge]:
    """Each contender as a function: document -> accepted?"""
    sys.path.insert(0, str(ROOT / "generated"))
    from authentication_k8s_io_v1 import TokenRequest
    from authentication_k8s_io_v1.validators import validate_token_request

    schema = standalone_schema()
    fast = fastjsonschema.compile(schema)
    reference = jsonschema.Draft7Validator(schema)
    rust = jsonschema_rs.Draft7Validator(schema)

    def apigen(document: dict[str, Any]) -> bool:
        unknown: list[str] = []
        return not validate_token_request(document, strict=True, unknown=unknown) and not unknown

    def fastjsonschema_judge(document: dict[str, Any]) -> bool:
        try:
            fast(document)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    def pydantic_judge(document: dict[str, Any]) -> bool:
        try:
            TokenRequest.model_validate(document)
        except ValueError:  # pydantic's ValidationError
            return False
        return True

    return {
        "apigen": apigen,
        "fastjsonschema": fastjsonschema_judge,
        "jsonschema": reference.is_valid,
        "jsonschema-rs": rust.is_valid,
        "pydantic model_validate": pydantic_judge,
    }


def run(quick: bool = False) -> list[dict[str, Any]]:
    judges = contenders()
    rows = []
    for case, document in DOCUMENTS.items():
        verdicts = {name: judge(document) for name, judge in judges.items()}
        operations = {
            name: (lambda judge=judge, document=document: judge(document))
            for name, judge in judges.items()
        }
        rates = interleaved_rates(
            operations, repeats=3 if quick else 7, batch_s=0.05 if quick else 0.2
        )
        for peer, (goal, goal_ratio) in GOALS.items():
            judged = f"verdicts: apigen {'valid' if verdicts['apigen'] else 'invalid'}, "
            judged += f"{peer} {'valid' if verdicts[peer] else 'invalid'}"
            on_valid = case.startswith("valid")
            rows.append(
                row(
                    area=AREA,
                    case=case,
                    subject="apigen",
                    peer=peer,
                    subject_value=round(rates["apigen"]),
                    peer_value=round(rates[peer]),
                    unit="ops/s",
                    higher_is_better=True,
                    goal=goal if on_valid else "context",
                    goal_ratio=goal_ratio if on_valid else None,
                    note=judged + ("" if on_valid else "; apigen collects every error"),
                )
            )
    return rows


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        ratio = result["subject_value"] / result["peer_value"]
        print(
            f"{result['case']:16} apigen {result['subject_value']:>9,} vs {result['peer']:24} "
            f"{result['peer_value']:>9,} ops/s  {ratio:5.2f}x  goal {result['goal']}  ({result['note']})"
        )
