"""The validators template beyond TokenRequest: every constraint keyword and nested type it supports.

TokenRequest uses only a few of the template's branches, so a small spec that
uses the rest is rendered, checked with ruff and `mypy --strict`, and run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

from generator.errors import ApigenError
from generator.ir.lower import lower
from generator.render.artifacts import ARTIFACTS, RenderInput
from generator.render.contexts.validators import validators_context
from generator.render.tools.format import format_python

WIDGET = {
    "openapi": "3.0.3",
    "info": {"title": "widgets", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "Widget": {
                "type": "object",
                "required": ["name", "anything"],
                "x-kubernetes-group-version-kind": [
                    {"group": "example.com", "version": "v1", "kind": "Widget"}
                ],
                "properties": {
                    "name": {
                        "type": "string",
                        "minLength": 3,
                        "maxLength": 5,
                        "pattern": "^[a-z]+$",
                    },
                    "ratio": {
                        "type": "number",
                        "minimum": 0,
                        "exclusiveMinimum": True,
                        "exclusiveMaximum": 1,
                    },
                    "count": {"type": "integer", "format": "int32", "maximum": 10},
                    "enabled": {"type": "boolean"},
                    "grid": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 2,
                        "items": {"type": "array", "items": {"type": "integer"}},
                    },
                    "schedule": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": {"type": "string", "format": "date-time"},
                        },
                    },
                    "mode": {
                        "type": "string",
                        "enum": ["fast", "slow"],
                        "x-apigen-message-enum": "pick a speed",
                    },
                    "anything": {"description": "any JSON value"},
                    "flag": {"type": "boolean", "enum": [True]},
                    "since": {"type": "string", "format": "date-time", "pattern": "Z$"},
                    "until": {
                        "type": "string",
                        "format": "date-time",
                        "pattern": "^2026-",
                        "minLength": 30,
                    },
                    "sizes": {
                        "type": "array",
                        "minItems": 3,
                        "maxItems": 3,
                        "items": {"type": "integer", "format": "int32"},
                    },
                    "total": {"type": "integer", "minimum": 1, "maximum": 100},
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def widget_validators(tmp_path_factory: pytest.TempPathFactory) -> Path:
    api = lower(
        WIDGET,
        "Widget",
        source="widget.json",
        source_name="widget.json",
        spec_sha256="0",
        package="widgets",
    )
    render = next(a for a in ARTIFACTS if a.path == "validators.py").produce
    path = tmp_path_factory.mktemp("widgets") / "validators.py"
    path.write_text(format_python(render(RenderInput(api=api)), "validators.py"))
    return path


@pytest.fixture(scope="module")
def widgets(widget_validators: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("widget_validators", widget_validators)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_rendered_code_is_lint_and_type_clean(widget_validators: Path) -> None:
    for tool in (["ruff", "check", "--no-cache"], ["mypy", "--strict", "--no-incremental"]):
        result = subprocess.run(
            [str(ROOT / ".venv" / "bin" / tool[0]), *tool[1:], str(widget_validators)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("document", "messages"),
    [
        ({"name": "abc"}, []),
        ({"name": "ab"}, ['name: Invalid value: "ab": must be at least 3 characters long']),
        (
            {"name": "ABCDEF"},
            [
                'name: Invalid value: "ABCDEF": must be no more than 5 characters long',
                'name: Invalid value: "ABCDEF": must match the regular expression ^[a-z]+$',
            ],
        ),
        ({"name": "abc", "ratio": 0}, ["ratio: Invalid value: 0: must be greater than 0"]),
        ({"name": "abc", "ratio": 1.0}, ["ratio: Invalid value: 1: must be less than 1"]),
        ({"name": "abc", "ratio": 0.5, "enabled": False, "anything": [{}]}, []),
        ({"name": "abc", "enabled": 1}, ["enabled: Invalid value: 1: must be of type boolean"]),
        (
            {"name": "abc", "count": 2**31},  # out of its format: `maximum` is not checked
            ["count: Invalid value: 2147483648: must fit in a signed 32-bit integer"],
        ),
        ({"name": "abc", "grid": []}, ["grid: Invalid value: []: must have at least 1 items"]),
        (
            {"name": "abc", "grid": [[1, "2"], None, [3]]},
            [
                'grid: Invalid value: [[1,"2"],null,[3]]: must have at most 2 items',
                'grid[0][1]: Invalid value: "2": must be of type integer',
            ],
        ),
        (
            {"name": "abc", "schedule": {"daily": ["2026-11-29T17:00:00Z", "noon"], "never": None}},
            ['schedule[daily][1]: Invalid value: "noon": must be an RFC 3339 date-time'],
        ),
        ({"name": "abc", "mode": "medium"}, ['mode: Unsupported value: "medium": pick a speed']),
        ({"name": "abc", "flag": True}, []),
        (
            {"name": "abc", "flag": False},
            ["flag: Unsupported value: false: supported values: true"],
        ),
        ({"name": "abc", "since": "2026-11-29T17:00:00Z"}, []),
        (
            {"name": "abc", "since": "2026-11-29T17:00:00+01:00"},
            [
                'since: Invalid value: "2026-11-29T17:00:00+01:00": must match the regular expression Z$'
            ],
        ),
    ],
)
def test_every_keyword_and_nesting(
    widgets: ModuleType, document: dict[str, object], messages: list[str]
) -> None:
    assert [str(error) for error in widgets.validate_widget(document)] == messages


# One error per fault: a value that fails its type or format check gets that error only, and
# its range, pattern, length and item checks are skipped; other fields are still checked.
ONE_ERROR_PER_FAULT = [
    # integers: int64 and int32 overflow, a non-integer, then the range rules
    (
        {"total": 2**70},
        ["total: Invalid value: 1180591620717411303424: must fit in a signed 64-bit integer"],
    ),
    (
        {"total": -(2**63) - 1},
        ["total: Invalid value: -9223372036854775809: must fit in a signed 64-bit integer"],
    ),
    ({"total": "7"}, ['total: Invalid value: "7": must be of type integer']),
    (
        {"total": 0},
        ["total: Invalid value: 0: must be greater than or equal to 1"],
    ),  # in range: checked
    (
        {"count": -(2**31) - 1},
        ["count: Invalid value: -2147483649: must fit in a signed 32-bit integer"],
    ),
    # strings with patterns and lengths: the wrong type, then a date-time that is not one
    ({"name": 12345}, ["name: Invalid value: 12345: must be of type string"]),
    ({"name": ["ABCDEF"]}, ['name: Invalid value: ["ABCDEF"]: must be of type string']),
    ({"until": "tomorrow"}, ['until: Invalid value: "tomorrow": must be an RFC 3339 date-time']),
    ({"until": 5}, ["until: Invalid value: 5: must be of type string"]),
    (
        {"until": "2025-01-01T00:00:00Z"},  # a date-time: its pattern and length are checked
        [
            'until: Invalid value: "2025-01-01T00:00:00Z": must be at least 30 characters long',
            'until: Invalid value: "2025-01-01T00:00:00Z": must match the regular expression ^2026-',
        ],
    ),
    # arrays: not a list, then items out of their format (each item on its own)
    ({"sizes": {"a": 1}}, ['sizes: Invalid value: {"a":1}: must be of type array']),
    ({"sizes": "1,2,3"}, ['sizes: Invalid value: "1,2,3": must be of type array']),
    (
        {"sizes": [2**31, "x", 3]},
        [
            "sizes[0]: Invalid value: 2147483648: must fit in a signed 32-bit integer",
            'sizes[1]: Invalid value: "x": must be of type integer',
        ],
    ),
    ({"sizes": [1]}, ["sizes: Invalid value: [1]: must have at least 3 items"]),
    # several fields at fault: one error each, all of them reported
    (
        {"name": 1, "total": 2**64, "until": "noon", "sizes": 3, "count": 2**40},
        [
            "name: Invalid value: 1: must be of type string",
            "count: Invalid value: 1099511627776: must fit in a signed 32-bit integer",
            'until: Invalid value: "noon": must be an RFC 3339 date-time',
            "sizes: Invalid value: 3: must be of type array",
            "total: Invalid value: 18446744073709551616: must fit in a signed 64-bit integer",
        ],
    ),
]


@pytest.mark.parametrize(("document", "messages"), ONE_ERROR_PER_FAULT)
def test_a_value_of_the_wrong_type_or_format_gets_one_error(
    widgets: ModuleType, document: dict[str, object], messages: list[str]
) -> None:
    errors = widgets.validate_widget({"name": "abc", "anything": 1, **document}, strict=True)
    assert [str(error) for error in errors] == messages
    for error in errors:  # a type or format error is its value's only one
        if error.origin in ("type", "format"):
            assert [e.field for e in errors].count(error.field) == 1, error


def test_status_of_another_group_and_kind(widgets: ModuleType) -> None:
    status = widgets.to_status(widgets.validate_widget({"name": 1}), name="w")
    assert (
        status["message"]
        == 'Widget.example.com "w" is invalid: name: Invalid value: 1: must be of type string'
    )
    assert (status["details"]["group"], status["details"]["kind"]) == ("example.com", "Widget")
    assert widgets.validate_widget({}, strict=True)[0].body() == "Required value"


def test_models_whose_validators_would_share_a_name_are_an_error() -> None:
    server = {"type": "object", "properties": {"port": {"type": "integer"}}}
    document = {**WIDGET, "components": {"schemas": {"HTTPServer": server, "HttpServer": server}}}
    api = lower(
        document, "HttpServer", source="s.json", source_name="s.json", spec_sha256="0", package="p"
    )
    with pytest.raises(ApigenError, match="share a validator name"):
        validators_context(api)


@pytest.mark.parametrize(
    "mode",
    [
        {"type": "number", "enum": [1, float("nan")]},
        {"type": "string", "enum": ["a", {"b": "c"}]},
    ],
)
def test_values_that_are_not_json_scalars_cannot_become_checks(mode: dict[str, object]) -> None:
    document = {
        **WIDGET,
        "components": {"schemas": {"Widget": {"type": "object", "properties": {"mode": mode}}}},
    }
    api = lower(
        document, "Widget", source="w.json", source_name="w.json", spec_sha256="0", package="p"
    )
    with pytest.raises(ApigenError, match="not a JSON string or finite number") as raised:
        validators_context(api)
    assert str(raised.value).startswith("w.json#/components/schemas/Widget/properties/mode: ")


def test_a_pattern_python_cannot_compile_is_an_error_at_its_field() -> None:
    name = {"type": "string", "pattern": "^[a-z"}
    document = {
        **WIDGET,
        "components": {"schemas": {"Widget": {"type": "object", "properties": {"name": name}}}},
    }
    api = lower(
        document, "Widget", source="w.json", source_name="w.json", spec_sha256="0", package="p"
    )
    with pytest.raises(
        ApigenError, match="cannot generate a check for pattern '\\^\\[a-z'"
    ) as raised:
        validators_context(api)
    assert str(raised.value).startswith("w.json#/components/schemas/Widget/properties/name: ")


def test_a_null_fails_an_enum_in_strict_mode(widgets: ModuleType) -> None:
    assert widgets.validate_widget({"name": "abc", "flag": None}) == []
    assert [
        str(e)
        for e in widgets.validate_widget({"name": "abc", "anything": 1, "flag": None}, strict=True)
    ] == ["flag: Unsupported value: null: supported values: true"]


def test_an_enum_that_cannot_be_checked_is_an_error_not_a_crash() -> None:
    shape = {"type": "object", "properties": {"a": {"type": "string"}}, "enum": [{"a": "x"}]}
    document = {
        **WIDGET,
        "components": {"schemas": {"Widget": {"type": "object", "properties": {"shape": shape}}}},
    }
    api = lower(
        document, "Widget", source="w.json", source_name="w.json", spec_sha256="0", package="p"
    )
    with pytest.raises(
        ApigenError, match="cannot generate a check for the enum of 'shape'"
    ) as raised:
        validators_context(api)
    assert str(raised.value).startswith("w.json#/components/schemas/Widget/properties/shape: ")


def test_a_field_of_any_type_is_only_checked_for_presence(widgets: ModuleType) -> None:
    assert widgets.validate_widget({"name": "abc", "anything": None}, strict=True) == []
    assert [str(e) for e in widgets.validate_widget({"name": "abc"}, strict=True)] == [
        "anything: Required value"
    ]
