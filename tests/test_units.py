"""The tricky pure functions: naming, escaping, converting, slicing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import ApigenError
from generator.ir.lower import strip_tag
from generator.ir.naming import (
    PythonIdentifier,
    class_name,
    python_name,
    snake_case,
    unique_python_names,
)
from generator.render.text import docstring_body, wrap
from generator.spec.convert import swagger2_to_openapi3
from generator.spec.load import load_spec
from generator.spec.slice import slice_kind
from tests.conftest import upstream_path


@pytest.mark.parametrize(
    ("json_name", "expected"),
    [
        ("expirationSeconds", "expiration_seconds"),
        ("boundObjectRef", "bound_object_ref"),
        ("uid", "uid"),
        ("apiVersion", "api_version"),
        ("fieldsV1", "fields_v1"),
        ("from", "from_"),
        ("class", "class_"),
        ("x-y", "x_y"),
        ("1st", "field_1st"),
        ("../evil", "evil"),
        ("model_config", "field_model_config"),
        ("self", "self_"),
        ("ünïcode", "ünïcode"),
        ("", "field"),
    ],
)
def test_python_name(json_name: str, expected: str) -> None:
    assert python_name(json_name) == expected


def test_colliding_names_get_suffixes_in_order() -> None:
    assert unique_python_names(["fooBar", "foo_bar", "FooBar"]) == [
        "foo_bar",
        "foo_bar_2",
        "foo_bar_3",
    ]


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_any_json_name_becomes_a_usable_identifier(name: str) -> None:
    assert PythonIdentifier(python_name(name)).isidentifier()
    assert class_name(name or "x")[0].isupper()


def test_identifier_rejects_keywords() -> None:
    with pytest.raises(ValueError):
        PythonIdentifier("class")


@given(st.text(max_size=200))
@settings(max_examples=500, deadline=None)
def test_docstring_body_never_escapes_its_quotes(text: str) -> None:
    """Whatever the spec says, the docstring parses and holds exactly the wrapped text."""
    source = f'def f():\n    """{docstring_body(text)}"""\n'
    tree = ast.parse(source)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef) and len(function.body) == 1
    assert ast.get_docstring(function, clean=False) == wrap(text)


def test_snake_case_of_acronyms() -> None:
    assert snake_case("HTTPServerURL") == "http_server_url"


def test_strip_tag_gives_the_official_client_names() -> None:
    assert (
        strip_tag("createCoreV1NamespacedServiceAccountToken", ["core_v1"])
        == "createNamespacedServiceAccountToken"
    )
    assert (
        strip_tag("createAuthenticationV1TokenReview", ["authentication_v1"]) == "createTokenReview"
    )
    assert strip_tag("listThings", []) == "listThings"


def test_swagger2_body_and_responses_become_openapi3() -> None:
    doc = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "parameters": {
            "ns": {"name": "namespace", "in": "path", "required": True, "type": "string"}
        },
        "paths": {
            "/x/{namespace}": {
                "parameters": [{"$ref": "#/parameters/ns"}],
                "post": {
                    "consumes": ["*/*"],
                    "produces": ["application/json"],
                    "parameters": [
                        {
                            "in": "body",
                            "name": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/a.X"},
                        }
                    ],
                    "responses": {
                        "201": {"description": "Created", "schema": {"$ref": "#/definitions/a.X"}}
                    },
                },
            }
        },
        "definitions": {"a.X": {"type": "object", "properties": {"y": {"type": "string"}}}},
    }
    out = swagger2_to_openapi3(doc, "t")
    post = out["paths"]["/x/{namespace}"]["post"]
    assert post["requestBody"] == {
        "content": {"*/*": {"schema": {"$ref": "#/components/schemas/a.X"}}},
        "required": True,
    }
    assert post["responses"]["201"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/a.X"}}
    }
    assert out["paths"]["/x/{namespace}"]["parameters"] == [{"$ref": "#/components/parameters/ns"}]
    assert out["components"]["parameters"]["ns"]["schema"] == {"type": "string"}


def test_slice_of_upstream_keeps_only_the_closure() -> None:
    spec = load_spec(upstream_path("1.35"))
    sliced, root = slice_kind(
        spec.document, "TokenRequest", "authentication.k8s.io/v1", spec.source
    )
    assert root == "TokenRequest"
    assert (
        len(sliced["components"]["schemas"]) == 9
    )  # storage.k8s.io's TokenRequest is not pulled in
    assert list(sliced["paths"]) == ["/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"]
    item = sliced["paths"]["/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"]
    names = {p["name"] for p in item["parameters"]}
    assert names == {"dryRun", "fieldManager", "fieldValidation", "name", "namespace", "pretty"}


def test_kind_is_found_by_group_version_kind_before_name() -> None:
    """storage.k8s.io also has a TokenRequest (a nested type without a GVK): it is not chosen."""
    spec = load_spec(upstream_path("1.35"))
    sliced, root = slice_kind(spec.document, "TokenRequest", None, spec.source)
    assert (
        sliced["components"]["schemas"][root]["x-kubernetes-group-version-kind"][0]["group"]
        == "authentication.k8s.io"
    )


def test_kind_of_another_group_version_is_not_found() -> None:
    spec = load_spec(upstream_path("1.35"))
    with pytest.raises(ApigenError, match="no schema for kind TokenRequest"):
        slice_kind(spec.document, "TokenRequest", "authentication.k8s.io/v2", spec.source)


def test_yaml_and_gzip_read_like_json(tmp_path: Path) -> None:
    import gzip
    import json

    import yaml

    from tests.conftest import SPEC

    document = json.loads(SPEC.read_text())
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(document))
    (tmp_path / "s.json.gz").write_bytes(gzip.compress(SPEC.read_bytes()))
    assert load_spec(tmp_path / "s.yaml").document == load_spec(SPEC).document
    assert load_spec(tmp_path / "s.json.gz").document == load_spec(SPEC).document
