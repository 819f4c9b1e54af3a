"""The generated validators: each rule, each message, both verdicts, Status bodies, raw JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest
from conftest import GENERATED, KUBECTL_128_BODY

VALID = {
    "apiVersion": "authentication.k8s.io/v1",
    "kind": "TokenRequest",
    "metadata": {
        "name": "build-bot",
        "namespace": "ci",
        "creationTimestamp": "2026-11-29T17:00:00Z",
    },
    "spec": {
        "audiences": ["https://example.com"],
        "expirationSeconds": 3600,
        "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p1", "uid": "123"},
    },
}


@pytest.fixture(scope="module")
def validators(generated_package: ModuleType) -> ModuleType:
    from authentication_k8s_io_v1 import validators as module  # imported by the fixture

    return module


def with_spec(**spec: Any) -> dict[str, Any]:
    return {"spec": {"audiences": ["a"], **spec}}


def messages(errors: list[Any]) -> list[str]:
    return [str(error) for error in errors]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            with_spec(expirationSeconds=60),
            "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes",
        ),
        (
            with_spec(expirationSeconds=599),
            "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes",
        ),
        (
            with_spec(expirationSeconds=2**32 + 1),
            "spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds",
        ),
        (
            with_spec(boundObjectRef={"kind": "Deployment", "name": "d"}),
            'spec.boundObjectRef.kind: Unsupported value: "Deployment": supported values: "Pod", "Secret", "Node"',
        ),
        (
            {"apiVersion": "v1", **with_spec()},
            'apiVersion: Unsupported value: "v1": supported values: "authentication.k8s.io/v1"',
        ),
        (
            {"kind": "Pod", **with_spec()},
            'kind: Unsupported value: "Pod": supported values: "TokenRequest"',
        ),
        (
            with_spec(expirationSeconds=2**70),  # out of int64: the duration rule is not checked
            "spec.expirationSeconds: Invalid value: 1180591620717411303424: must fit in a signed 64-bit integer",
        ),
        (
            with_spec(expirationSeconds=-(2**63) - 1),
            "spec.expirationSeconds: Invalid value: -9223372036854775809: must fit in a signed 64-bit integer",
        ),
        (
            with_spec(expirationSeconds="60"),  # a string: no "less than 10 minutes" either
            'spec.expirationSeconds: Invalid value: "60": must be of type integer',
        ),
        (
            with_spec(expirationSeconds="3600"),
            'spec.expirationSeconds: Invalid value: "3600": must be of type integer',
        ),
        (
            with_spec(expirationSeconds=True),
            "spec.expirationSeconds: Invalid value: true: must be of type integer",
        ),
        (
            {"metadata": {"generation": 2**63}, **with_spec()},
            "metadata.generation: Invalid value: 9223372036854775808: must fit in a signed 64-bit integer",
        ),
        (
            {"spec": {"audiences": ["a", "b", 3]}},
            "spec.audiences[2]: Invalid value: 3: must be of type string",
        ),
        (
            {"metadata": {"creationTimestamp": "2026-02-30T00:00:00Z"}, **with_spec()},
            'metadata.creationTimestamp: Invalid value: "2026-02-30T00:00:00Z": must be an RFC 3339 date-time',
        ),
        (
            {"metadata": {"creationTimestamp": "2026-11-29 17:00:00"}, **with_spec()},
            'metadata.creationTimestamp: Invalid value: "2026-11-29 17:00:00": must be an RFC 3339 date-time',
        ),
        (
            {"metadata": {"labels": {"team": {"a": 1}}}, **with_spec()},
            'metadata.labels[team]: Invalid value: {"a":1}: must be of type string',
        ),
        (
            {
                "metadata": {"ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "p"}]},
                **with_spec(),
            },
            None,  # uid is required only by the published schema: see the strict table
        ),
    ],
)
def test_each_rule_has_the_api_servers_message(
    validators: ModuleType, document: dict[str, Any], message: str | None
) -> None:
    assert messages(validators.validate_token_request(document)) == ([message] if message else [])


def test_every_error_is_reported_not_only_the_first(validators: ModuleType) -> None:
    document = {
        "apiVersion": "v2",
        "spec": {
            "audiences": [1, None, 2],
            "expirationSeconds": 1,
            "boundObjectRef": {"kind": "Job"},
        },
        "status": {"token": 5},
    }
    fields = [error.field for error in validators.validate_token_request(document)]
    assert fields == [
        "apiVersion",
        "spec.audiences[0]",
        "spec.audiences[2]",
        "spec.boundObjectRef.kind",
        "spec.expirationSeconds",
        "status.token",
    ]


def test_one_error_per_faulty_value_and_every_faulty_value_reported(
    validators: ModuleType,
) -> None:
    document = {
        "metadata": {"generation": 2**64, "creationTimestamp": "yesterday"},
        "spec": {"audiences": "a", "expirationSeconds": 2**70, "boundObjectRef": {"kind": "Job"}},
    }
    for strict in (False, True):
        errors = validators.validate_token_request(document, strict=strict)
        assert [(e.field, e.origin) for e in errors] == [
            ("metadata.creationTimestamp", "format"),
            ("metadata.generation", "format"),
            ("spec.audiences", "type"),
            ("spec.boundObjectRef.kind", "enum"),
            ("spec.expirationSeconds", "format"),
        ]


def test_valid_documents_pass_both_verdicts(validators: ModuleType) -> None:
    assert validators.validate_token_request(VALID) == []
    assert validators.validate_token_request(VALID, strict=True) == []
    for kind in ("Pod", "Secret", "Node"):
        assert validators.validate_token_request(with_spec(boundObjectRef={"kind": kind})) == []
    for seconds in (600, 3600, 2**32):
        assert validators.validate_token_request(with_spec(expirationSeconds=seconds)) == []


def test_default_verdict_is_the_api_servers_nulls_are_zero_values(validators: ModuleType) -> None:
    # kube-apiserver accepts what kubectl 1.28 sent, and a request with no spec at all
    assert validators.validate_token_request(KUBECTL_128_BODY) == []
    assert validators.validate_token_request({}) == []
    assert validators.validate_token_request({"spec": {"audiences": None}}) == []


def test_strict_verdict_is_the_published_schemas(validators: ModuleType) -> None:
    assert messages(validators.validate_token_request({}, strict=True)) == ["spec: Required value"]
    assert messages(validators.validate_token_request(KUBECTL_128_BODY, strict=True)) == [
        "spec.audiences: Required value"
    ]
    assert messages(validators.validate_token_request({"spec": {}, "status": {}}, strict=True)) == [
        "spec.audiences: Required value",
        "status.expirationTimestamp: Required value",
        "status.token: Required value",
    ]
    owner = {
        "metadata": {"ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "p"}]},
        **with_spec(),
    }
    assert messages(validators.validate_token_request(owner, strict=True)) == [
        "metadata.ownerReferences[0].uid: Required value"
    ]
    # JSON Schema reads 600.0 as an integer; Go's decoder does not.
    assert validators.validate_token_request(with_spec(expirationSeconds=600.0), strict=True) == []
    assert messages(validators.validate_token_request(with_spec(expirationSeconds=600.0))) == [
        "spec.expirationSeconds: Invalid value: 600: must be of type integer"
    ]


def test_field_error_carries_type_path_value_detail_and_origin(validators: ModuleType) -> None:
    (error,) = validators.validate_token_request(with_spec(expirationSeconds=60))
    assert error.type == "FieldValueInvalid"
    assert (error.field, error.value, error.origin) == ("spec.expirationSeconds", 60, "minimum")
    assert error.detail == "may not specify a duration less than 10 minutes"
    assert error.body() == "Invalid value: 60: may not specify a duration less than 10 minutes"
    (required,) = validators.validate_token_request({}, strict=True)
    assert (required.type, required.origin, required.body()) == (
        "FieldValueRequired",
        "required",
        "Required value",
    )


def test_one_validator_per_model(validators: ModuleType) -> None:
    assert messages(validators.validate_token_request_spec({"expirationSeconds": 60})) == [
        "expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"
    ]
    assert messages(validators.validate_bound_object_reference({"kind": "Job"})) == [
        'kind: Unsupported value: "Job": supported values: "Pod", "Secret", "Node"'
    ]
    for name in ("object_meta", "owner_reference", "managed_fields_entry", "token_request_status"):
        assert getattr(validators, f"validate_{name}")({}) == []
    assert messages(validators.validate_token_request([])) == [
        "Invalid value: []: must be of type object"
    ]


def test_to_status_is_the_422_body_an_api_server_sends(validators: ModuleType) -> None:
    errors = validators.validate_token_request(with_spec(expirationSeconds=60))
    assert validators.to_status(errors, name="build-bot") == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'TokenRequest.authentication.k8s.io "build-bot" is invalid: spec.expirationSeconds: '
        "Invalid value: 60: may not specify a duration less than 10 minutes",
        "reason": "Invalid",
        "details": {
            "name": "build-bot",
            "group": "authentication.k8s.io",
            "kind": "TokenRequest",
            "causes": [
                {
                    "reason": "FieldValueInvalid",
                    "message": "Invalid value: 60: may not specify a duration less than 10 minutes",
                    "field": "spec.expirationSeconds",
                }
            ],
        },
        "code": 422,
    }


def test_to_status_aggregates_several_errors_like_go(validators: ModuleType) -> None:
    errors = validators.validate_token_request(
        with_spec(expirationSeconds=60, boundObjectRef={"kind": "Job"})
    )
    status = validators.to_status(errors)
    assert status["message"] == (
        'TokenRequest.authentication.k8s.io "" is invalid: ['
        'spec.boundObjectRef.kind: Unsupported value: "Job": supported values: "Pod", "Secret", "Node", '
        "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes]"
    )
    assert "name" not in status["details"]
    assert [cause["reason"] for cause in status["details"]["causes"]] == [
        "FieldValueNotSupported",
        "FieldValueInvalid",
    ]
    json.dumps(status)  # plain JSON data


def test_unknown_fields_are_reported_by_path_not_as_errors(validators: ModuleType) -> None:
    document = {
        "foo": 1,
        "metadata": {
            "labels": {"free": "keys"},
            "ownerReferences": [{"bar": 2}],
            "managedFields": [{"fieldsV1": {"f:x": {}}}],
        },
        "spec": {"audiences": [], "boundObjectRef": {"kind": "Pod", "baz": 3}, "qux": 4},
    }
    unknown: list[str] = []
    errors = validators.validate_token_request(document, unknown=unknown)
    assert errors == []
    assert unknown == [
        "metadata.ownerReferences[0].bar",
        "spec.boundObjectRef.baz",
        "spec.qux",
        "foo",
    ]
    assert validators.unknown_fields(document) == unknown
    assert validators.unknown_fields(VALID) == []


def test_decode_reports_duplicate_keys_with_their_paths(validators: ModuleType) -> None:
    text = (
        '{"spec": {"audiences": ["a"], "expirationSeconds": 60, "expirationSeconds": 700},'
        ' "kind": "TokenRequest", "kind": "TokenRequest"}'
    )
    data, duplicates = validators.decode(text.encode())
    assert data == {"spec": {"audiences": ["a"], "expirationSeconds": 700}, "kind": "TokenRequest"}
    assert messages(duplicates) == [
        "spec.expirationSeconds: Duplicate value: 700",
        'kind: Duplicate value: "TokenRequest"',
    ]
    assert {error.type for error in duplicates} == {"FieldValueDuplicate"}
    assert validators.decode('{"spec": {"audiences": []}}') == ({"spec": {"audiences": []}}, [])
    with pytest.raises(ValueError):
        validators.decode("{")


def test_models_validate_themselves(generated_package: ModuleType) -> None:
    request = generated_package.TokenRequest.model_validate(with_spec(expirationSeconds=60))
    assert messages(request.validate_k8s()) == [
        "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"
    ]
    spec = generated_package.TokenRequestSpec(audiences=["a"], expiration_seconds=3600)
    assert spec.validate_k8s() == []
    assert spec.validate_k8s(strict=True) == []


def test_a_subclass_of_a_model_validates_as_that_model(generated_package: ModuleType) -> None:
    my_request = type("MyRequest", (generated_package.TokenRequest,), {})
    request = my_request.model_validate(with_spec(expirationSeconds=60))
    assert messages(request.validate_k8s()) == [
        "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"
    ]


def test_models_do_not_import_the_validators() -> None:
    code = (
        "import sys, authentication_k8s_io_v1 as p; p.TokenRequest; "
        "print('authentication_k8s_io_v1.validators' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "False"


def test_overlay_rules_reach_the_model_docstrings() -> None:
    models = " ".join((GENERATED / "authentication_k8s_io_v1" / "models.py").read_text().split())
    assert "may not specify a duration less than 10 minutes" in models
    assert "may not specify a duration larger than 2^32 seconds" in models
