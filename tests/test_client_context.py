"""The client templates' context: what the IR decides about the generated client."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import ROOT

from generator.config import Target, resolve_target
from generator.render.contexts.client import client_context
from generator.render.output import write_package
from generator.render.pipeline import build_api, generate, target_extensions
from generator.render.tools.format import ruff_binary


def test_tokenrequest_gets_its_operation_and_the_create_token_convenience():
    target = resolve_target(None)
    context = client_context(build_api(target), target_extensions(target))
    by_name = {m.python_name: m for m in context.methods}
    assert set(by_name) == {
        "create_namespaced_service_account_token",
        "create_token_review",
        "create_self_subject_review",
    }  # the default package holds TokenReview and SelfSubjectReview too (branch kinds)
    method = by_name["create_namespaced_service_account_token"]
    assert (method.verb, method.validator, method.named, method.namespaced) == (
        "create",
        "validate_token_request",
        True,
        True,
    )
    assert [p.wire_name for p in method.query_params] == [
        "dryRun",
        "fieldManager",
        "fieldValidation",
        "pretty",
    ]
    [resource] = [r for r in context.resources if r.kind == "TokenRequest"]
    assert (resource.plural, resource.subresource, resource.kind) == (
        "serviceaccounts",
        "token",
        "TokenRequest",
    )
    [extension] = context.extensions
    token = extension.context
    assert (token.operation, token.bound_model) == (method.python_name, "BoundObjectReference")
    assert token.bound_kinds == ("Pod", "Secret", "Node")


def widget_target(package_dir: Path = ROOT / "unused") -> Target:
    """A kind without TokenRequest's spec fields."""
    return Target(
        name="widget",
        spec=ROOT / "tests" / "corpus" / "keyword-names.openapi.json",
        kinds=("Widget",),
        group_version="example.com/v1",
        package_dir=package_dir,
    )


def test_a_package_without_the_extension_gets_no_create_token():
    context = client_context(build_api(widget_target()))
    assert context.extensions == ()
    assert [m.python_name for m in context.methods] == ["create_widget"]
    assert (context.methods[0].verb, context.methods[0].named) == ("create", False)


def test_without_create_token_the_client_and_command_line_are_still_lint_clean(tmp_path):
    """Nothing that only create_token uses is imported or assigned when it is not generated."""
    target = widget_target(tmp_path / "widget_v1")
    write_package(generate(target), target.package_dir)
    files = [target.package_dir / name for name in ("client.py", "__main__.py")]
    assert "create_token" not in "".join(f.read_text() for f in files)
    lint = subprocess.run(
        [ruff_binary(), "check", "--config", str(ROOT / "pyproject.toml"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
