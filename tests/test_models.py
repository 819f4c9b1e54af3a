"""The generated models parse what real API servers send and dump it back unchanged."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest
from pydantic import ValidationError

from tests.conftest import ROOT

# A response as kube-apiserver sends it (nulls, managedFields, a field from a newer server in
# spec), shared with bench/bench_models.py, plus a nested unknown top-level field.
RESPONSE: dict[str, Any] = {
    **json.loads((ROOT / "tests" / "data" / "tokenrequest-response.json").read_text()),
    "someFutureField": {"nested": [1, 2, {"x": None}]},
}


def test_a_real_response_round_trips_unchanged(generated_package: ModuleType) -> None:
    data = copy.deepcopy(RESPONSE)
    request = generated_package.TokenRequest.model_validate(data)
    assert request.to_dict() == RESPONSE
    assert (
        generated_package.TokenRequest.model_validate_json(request.to_json()).to_dict() == RESPONSE
    )


def test_fields_are_snake_case_with_camel_case_aliases(generated_package: ModuleType) -> None:
    spec = generated_package.TokenRequestSpec(audiences=["a"], expiration_seconds=600)
    by_alias = generated_package.TokenRequestSpec(audiences=["a"], expirationSeconds=600)
    assert spec == by_alias
    assert spec.expiration_seconds == 600
    assert spec.to_dict() == {"audiences": ["a"], "expirationSeconds": 600}


def test_time_is_an_aware_datetime_dumped_in_kubernetes_form(generated_package: ModuleType) -> None:
    status = generated_package.TokenRequestStatus.model_validate(RESPONSE["status"])
    assert status.expiration_timestamp == datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
    built = generated_package.TokenRequestStatus(
        token="t", expiration_timestamp=datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
    )
    assert built.to_dict() == {"token": "t", "expirationTimestamp": "2026-11-29T17:00:00Z"}
    with pytest.raises(ValidationError):  # a time without a zone is ambiguous
        generated_package.TokenRequestStatus(
            token="t", expiration_timestamp=datetime(2026, 11, 29, 17, 0)
        )


def test_required_exactly_as_the_spec_says(generated_package: ModuleType) -> None:
    with pytest.raises(ValidationError, match="spec"):
        generated_package.TokenRequest.model_validate({"kind": "TokenRequest"})
    with pytest.raises(ValidationError, match="audiences"):
        generated_package.TokenRequestSpec.model_validate({})
    generated_package.BoundObjectReference.model_validate({})  # all optional
    owner = generated_package.OwnerReference.model_fields
    assert all(owner[name].is_required() for name in ("api_version", "kind", "name", "uid"))


def test_int64_is_int_and_free_form_stays_whole(generated_package: ModuleType) -> None:
    spec = generated_package.TokenRequestSpec.model_validate(
        {"audiences": [], "expirationSeconds": 2**40}
    )
    assert spec.expiration_seconds == 2**40 and isinstance(spec.expiration_seconds, int)
    meta = generated_package.ObjectMeta.model_validate(RESPONSE["metadata"])
    assert meta.managed_fields is not None
    assert meta.managed_fields[0].fields_v1 == RESPONSE["metadata"]["managedFields"][0]["fieldsV1"]


def test_models_have_docstrings_from_the_spec(generated_package: ModuleType) -> None:
    assert "requests a token for a given service account" in (
        generated_package.TokenRequest.__doc__ or ""
    )
