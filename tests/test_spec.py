"""The hand-written TokenRequest spec: valid OpenAPI, and the same schema as upstream Kubernetes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from generator.ir.lower import ref_target, unwrap
from generator.ir.naming import short_schema_name
from generator.spec.load import load_spec
from generator.spec.slice import slice_kind
from tests.conftest import SPEC, upstream_path

CLOSURE = [
    "BoundObjectReference", "FieldsV1", "ManagedFieldsEntry", "ObjectMeta", "OwnerReference",
    "Time", "TokenRequest", "TokenRequestSpec", "TokenRequestStatus",
]  # fmt: skip


def test_spec_is_valid_openapi_3() -> None:
    document = json.loads(SPEC.read_text())
    validate(document)
    assert document["openapi"].startswith("3.0")


def shape(schema: dict[str, Any]) -> dict[str, Any]:
    """What must match upstream: type, format, items, maps and refs; not descriptions."""
    schema = unwrap(schema)
    target = ref_target(schema)
    if target is not None:
        return {"$ref": short_schema_name(target)}
    out: dict[str, Any] = {k: schema[k] for k in ("type", "format") if k in schema}
    if "items" in schema:
        out["items"] = shape(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        out["additionalProperties"] = shape(schema["additionalProperties"])
    return out


def closure(path: Any) -> dict[str, Any]:
    spec = load_spec(path)
    sliced, _ = slice_kind(spec.document, "TokenRequest", "authentication.k8s.io/v1", spec.source)
    return sliced


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return closure(SPEC)


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    return closure(upstream_path("1.35"))


def test_closure_has_the_nine_definitions(ours: dict[str, Any], upstream: dict[str, Any]) -> None:
    assert sorted(ours["components"]["schemas"]) == CLOSURE
    assert sorted(upstream["components"]["schemas"]) == CLOSURE


@pytest.mark.parametrize("name", CLOSURE)
def test_schema_matches_upstream_1_35(
    name: str, ours: dict[str, Any], upstream: dict[str, Any]
) -> None:
    mine = ours["components"]["schemas"][name]
    theirs = upstream["components"]["schemas"][name]
    assert mine.get("type") == theirs.get("type")
    assert mine.get("format") == theirs.get("format")
    assert sorted(mine.get("required", [])) == sorted(theirs.get("required", []))
    assert mine.get("x-kubernetes-group-version-kind") == theirs.get(
        "x-kubernetes-group-version-kind"
    )
    assert sorted(mine.get("properties", {})) == sorted(theirs.get("properties", {}))
    for prop, schema in theirs.get("properties", {}).items():
        assert shape(mine["properties"][prop]) == shape(schema), f"{name}.{prop}"


def test_operation_matches_upstream_1_35(ours: dict[str, Any], upstream: dict[str, Any]) -> None:
    path = "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"
    assert list(ours["paths"]) == list(upstream["paths"]) == [path]
    mine, theirs = ours["paths"][path], upstream["paths"][path]

    def params(item: dict[str, Any]) -> set[tuple[str, str, bool]]:
        return {
            (p["name"], p["in"], bool(p.get("required")))
            for p in item["parameters"] + item["post"].get("parameters", [])
        }

    assert params(mine) == params(theirs)
    for key in ("operationId", "x-kubernetes-action", "x-kubernetes-group-version-kind"):
        assert mine["post"][key] == theirs["post"][key]
    assert mine["post"]["requestBody"]["required"] is True
    assert (
        sorted(mine["post"]["responses"])
        == sorted(theirs["post"]["responses"])
        == ["200", "201", "202", "401"]
    )
    produced = sorted(mine["post"]["responses"]["201"]["content"])
    assert produced == sorted(theirs["post"]["responses"]["201"]["content"])
    assert set(produced) == {
        "application/json",
        "application/yaml",
        "application/vnd.kubernetes.protobuf",
        "application/cbor",
    }


def test_spec_declares_bearer_security() -> None:
    document = json.loads(SPEC.read_text())
    assert document["security"] == [{"BearerToken": []}]
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_validation_keeps_no_validated_document_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    """openapi-spec-validator memoises `iter_errors` per validator instance in an unbounded
    cache; apigen empties it, so a validated slice does not outlive its stage."""
    import gc
    import weakref

    from openapi_spec_validator.validation.validators import OpenAPIV30SpecValidator

    from generator.spec.validate import validate_document

    class Document(dict):  # type: ignore[type-arg]  # a dict that can be weakly referenced
        pass

    document = Document(
        openapi="3.0.3",
        info={"title": "t", "version": "1"},
        paths={},
        components={"schemas": {"A": {"type": "object", "properties": {"a": {"type": "string"}}}}},
    )
    alive = weakref.ref(document)
    monkeypatch.setenv("APIGEN_NO_CACHE", "1")  # the validator really runs
    validate_document(document, "doc.json")
    cached = OpenAPIV30SpecValidator.iter_errors.__wrapped__  # type: ignore[attr-defined]
    assert cached.cache_info().currsize == 0
    del document
    gc.collect()
    assert alive() is None
