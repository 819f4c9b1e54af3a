"""The validators' context is typed data, and Python is written only by the templates.

The context (generator/render/contexts/validators.py) is a tree of frozen
dataclasses whose field types hold no `Any` and no dict; its strings are names
(of functions, constants, loop variables), the spec's JSON names and values,
and messages, exactly as the spec has them: never a Python expression, never a
quoted literal. The templates spell the paths (`path + "spec."`), the loops and
the comparisons.
"""

from __future__ import annotations

import dataclasses
import keyword
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, upstream_path

from generator.config import Target, embedded_default_target
from generator.ir.lower import lower
from generator.ir.model import Api
from generator.render import pipeline
from generator.render.contexts import validators as ctx
from generator.render.contexts.validators import ValidatorsContext, validators_context

HOSTILE = 'x" + __import__("os").getcwd() + "{index_1}'
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "gadgets", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {
            "Gadget": {
                "type": "object",
                "required": ["name"],
                "x-kubernetes-group-version-kind": [
                    {"group": "example.com", "version": "v1", "kind": "Gadget"}
                ],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "pattern": "^[a-z]+( [a-z]+)*$"},
                    HOSTILE: {"type": "integer", "maximum": 3, "enum": [1, 2, 3]},
                    "parts": {
                        "type": "array",
                        "maxItems": 4,
                        "items": {"$ref": "#/components/schemas/Part"},
                    },
                    "labels": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": {"type": "string", "format": "date-time"},
                        },
                    },
                    "mode": {"type": "string", "enum": ["a + b", "'q'"]},
                },
            },
            "Part": {
                "type": "object",
                "properties": {
                    "size": {"type": "number", "exclusiveMinimum": 0.5},
                    "seen": {"type": "string", "format": "date-time"},
                },
            },
        }
    },
}
# Markers of Python assembled as text: an operator joining a path, an f-string, a quoted literal.
CODE_MARKERS = ("path +", ' + "', " + '", 'f"', "f'", "_QUANTITY_DETAIL")
NAME_FIELDS = {  # the fields that name something of the generated module, or a tag
    (ctx.ModelCheck, "name"),
    (ctx.ModelCheck, "public"),
    (ctx.ModelCheck, "checker"),
    (ctx.ModelCheck, "known"),
    (ctx.ValueCheck, "checker"),
    (ctx.ValueCheck, "kind"),
    (ctx.Constraint, "kind"),
    (ctx.Constraint, "keyword"),
    (ctx.Constraint, "constant"),
    (ctx.FormatCheck, "kind"),
    (ctx.PathStep, "loop"),
    (ctx.EnumConstant, "name"),
    (ctx.PatternConstant, "name"),
    (ctx.FieldCheck, "null_policy"),
}


def gadget_api() -> Api:
    return lower(
        SPEC, "Gadget", source="g.json", source_name="g.json", spec_sha256="0", package="gadgets"
    )


def committed_api() -> Api:
    return pipeline.build_api(embedded_default_target(ROOT / "generated" / "x"))


def crd_api(tmp_path: Path) -> Api:
    target = Target(
        name="crd",
        spec=upstream_path("1.35"),
        kinds=("CustomResourceDefinition",),
        package_dir=tmp_path / "crd",
        group_version="apiextensions.k8s.io/v1",
    )
    return pipeline.build_api(target)


def walk(
    node: object, owner: type | None = None, name: str = ""
) -> Iterator[tuple[Any, str, object]]:
    """Every value in the context, with the dataclass and field holding it."""
    yield owner, name, node
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            yield from walk(getattr(node, f.name), type(node), f.name)
    elif isinstance(node, tuple):
        for item in node:
            yield from walk(item, owner, name)


def leaf_types(hint: object) -> Iterator[object]:
    """The types a field's annotation is made of (unions and tuples taken apart)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType, tuple, typing.Literal):
        if origin is typing.Literal:
            yield str
            return
        for arg in typing.get_args(hint):
            if arg is not Ellipsis:
                yield from leaf_types(arg)
    else:
        yield origin or hint


def test_every_class_of_the_context_is_a_frozen_dataclass_without_any_or_dicts() -> None:
    seen: set[type] = set()
    todo: list[type] = [ValidatorsContext]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        assert dataclasses.is_dataclass(cls), cls
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen, f"{cls.__name__} is not frozen"
        for name, hint in typing.get_type_hints(cls).items():
            for leaf in leaf_types(hint):
                assert leaf is not Any, f"{cls.__name__}.{name} is typed Any"
                assert leaf is not dict, f"{cls.__name__}.{name} is a dict"
                assert leaf in (str, int, float, bool, type(None)) or (
                    isinstance(leaf, type) and dataclasses.is_dataclass(leaf)
                ), f"{cls.__name__}.{name}: {leaf!r}"
                if isinstance(leaf, type) and dataclasses.is_dataclass(leaf):
                    todo.append(leaf)
    assert {ctx.ModelCheck, ctx.FieldCheck, ctx.ValueCheck, ctx.Constraint} <= seen


def assert_data_only(context: ValidatorsContext) -> None:
    for owner, name, value in walk(context):
        if not isinstance(value, str):
            assert (
                value is None
                or isinstance(value, bool | int | float | tuple)
                or (dataclasses.is_dataclass(value))
            ), (owner, name, value)
            continue
        if (owner, name) in NAME_FIELDS:  # a name or a tag, never an expression
            assert value == "" or value.replace("-", "_").isidentifier(), (owner, name, value)
            assert not keyword.iskeyword(value), (owner, name, value)
        elif value is not HOSTILE and value != HOSTILE:
            assert not any(marker in value for marker in CODE_MARKERS), (owner, name, value)


def test_the_context_carries_spec_text_as_it_is_and_no_python() -> None:
    context = validators_context(gadget_api())
    assert_data_only(context)
    gadget = next(m for m in context.models if m.name == "Gadget")
    assert set(gadget.json_names) == {"name", HOSTILE, "parts", "labels", "mode"}
    hostile = next(f for f in gadget.fields if f.json_name == HOSTILE)
    assert hostile.value.field == HOSTILE  # the JSON name itself, not a quoted literal
    assert [(c.kind, c.keyword, c.limit) for c in hostile.value.constraints] == [
        ("bound", "maximum", 3),
        ("enum", "enum", None),
    ]
    labels = next(f for f in gadget.fields if f.json_name == "labels").value
    assert labels.item is not None and labels.item.item is not None
    deepest = labels.item.item  # labels[{key_1}][{index_2}]: data the template spells
    assert deepest.steps == (ctx.PathStep("key", 1), ctx.PathStep("index", 2))
    assert deepest.field == "labels" and deepest.depth == 3
    assert deepest.format == ctx.FormatCheck("datetime", "must be an RFC 3339 date-time")
    mode = next(f for f in gadget.fields if f.json_name == "mode").value
    enum = next(e for e in context.enums if e.name == mode.constraints[0].constant)
    assert enum.members == ("a + b", "'q'")  # values, unquoted
    parts = next(f for f in gadget.fields if f.json_name == "parts").value
    assert parts.item is not None and parts.item.checker == "_check_part"
    assert {p.regex for p in context.patterns} == {"^[a-z]+( [a-z]+)*$"}
    assert (context.group, context.kind) == ("example.com", "Gadget")


def test_the_context_is_frozen() -> None:
    context = validators_context(gadget_api())
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.kind = "Other"  # type: ignore[misc]


def test_the_committed_package_context_is_data_only() -> None:
    assert_data_only(validators_context(committed_api()))


def test_a_recursive_upstream_kind_context_is_data_only(tmp_path: Path) -> None:
    context = validators_context(crd_api(tmp_path))
    assert_data_only(context)
    kinds = {value.kind for _, _, value in walk(context) if isinstance(value, ctx.ValueCheck)}
    assert {"union", "model", "array", "map"} <= kinds
