"""The client templates' context: what the IR decides about the generated client."""

from __future__ import annotations

from conftest import ROOT

from generator.config import Target, resolve_target
from generator.ctx_client import client_context
from generator.pipeline import build_api


def test_tokenrequest_gets_its_operation_and_the_create_token_convenience():
    context = client_context(build_api(resolve_target(None)))
    [operation] = context["operations"]
    assert operation.python_name == "create_namespaced_service_account_token"
    assert (operation.method, operation.body_validator, operation.object_name) == (
        "POST",
        "validate_token_request",
        "name",
    )
    assert [p.wire_name for p in operation.query_params] == [
        "dryRun",
        "fieldManager",
        "fieldValidation",
        "pretty",
    ]
    convenience = context["create_token"]
    assert (convenience.operation, convenience.bound_model) == (
        operation.python_name,
        "BoundObjectReference",
    )
    assert convenience.bound_kinds == ("Pod", "Secret", "Node")


def test_a_kind_without_token_fields_gets_no_create_token():
    target = Target(
        name="widget",
        spec=ROOT / "tests" / "corpus" / "keyword-names.openapi.json",
        kind="Widget",
        group_version="example.com/v1",
        package_dir=ROOT / "unused",
    )
    context = client_context(build_api(target))
    assert context["create_token"] is None
    assert [op.python_name for op in context["operations"]] == ["create_widget"]
    assert context["operations"][0].object_name == repr("")  # no `name` path parameter
