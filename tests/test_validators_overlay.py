"""The overlay (generator/overlay.py): OpenAPI Overlay 1.0 merge and remove, and its one-line errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from conftest import ROOT

from generator.errors import ApigenError
from generator.spec.overlay import apply_overlay, merge

DOCUMENT: dict[str, Any] = {
    "paths": {"/old": {"get": {"operationId": "old"}, "put": {}}},
    "components": {
        "schemas": {
            "Spec": {"properties": {"kind": {"type": "string", "enum": ["Pod"]}}},
        }
    },
}
HEAD = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n"


def overlaid(actions: str) -> dict[str, Any]:
    return apply_overlay(DOCUMENT, (HEAD + "actions:\n" + actions).encode(), "o.yaml")


def test_merge_objects_recursively_appends_arrays_and_replaces_the_rest() -> None:
    into: dict[str, Any] = {"a": {"b": 1, "c": [1]}, "d": "x"}
    update: dict[str, Any] = {"a": {"c": [2], "e": {"f": 3}}, "d": "y"}
    merged = merge(into, update)
    assert merged == {"a": {"b": 1, "c": [1, 2], "e": {"f": 3}}, "d": "y"}
    assert into == {"a": {"b": 1, "c": [1]}, "d": "x"}  # neither input changes
    merged["a"]["e"]["f"] = 4
    assert update["a"]["e"] == {"f": 3}


def test_update_merges_into_the_name_that_exists_and_leaves_the_input_alone() -> None:
    before = copy.deepcopy(DOCUMENT)
    result = overlaid(
        "  - target: $.components.schemas['io.k8s.Spec','Spec'].properties.kind\n"
        "    update: {enum: [Node], x-apigen-message-enum: only pods and nodes}\n"
    )
    assert result["components"]["schemas"]["Spec"]["properties"]["kind"] == {
        "type": "string",
        "enum": ["Pod", "Node"],
        "x-apigen-message-enum": "only pods and nodes",
    }
    assert DOCUMENT == before


def test_remove_deletes_what_the_target_selects() -> None:
    result = overlaid("  - target: $.paths['/old'].get\n    remove: true\n")
    assert result["paths"] == {"/old": {"put": {}}}


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("actions: []\n", "o.yaml#/: not an OpenAPI Overlay 1.x document"),
        ("overlay: 2.0.0\nactions: []\n", "o.yaml#/: not an OpenAPI Overlay 1.x document"),
        (HEAD + "actions: {}\n", "o.yaml#/actions: 'actions' must be a list"),
        (
            HEAD + "actions: [{update: {}}]\n",
            "o.yaml#/actions/0: an action needs a 'target' JSONPath",
        ),
        (
            HEAD + "actions: [{target: '$.[[[', update: {}}]\n",
            "o.yaml#/actions/0/target: bad JSONPath '$.[[['",
        ),
        (
            HEAD + "actions: [{target: '$.`', update: {}}]\n",
            "o.yaml#/actions/0/target: bad JSONPath '$.`'",
        ),
        (
            HEAD + "actions: [{target: '$.paths', update: {}}, {target: '$.nope', update: {}}]\n",
            "o.yaml#/actions/1/target: target '$.nope' selects nothing in the spec",
        ),
        (
            HEAD + "actions: [{target: '$.paths', remove: false}]\n",
            "o.yaml#/actions/0: an action needs 'update' or 'remove: true'",
        ),
    ],
)
def test_a_bad_overlay_is_a_one_line_error_at_its_pointer(text: str, error: str) -> None:
    with pytest.raises(ApigenError) as raised:
        apply_overlay(DOCUMENT, text.encode(), "o.yaml")
    assert str(raised.value).startswith(error)
    assert "\n" not in str(raised.value)


def test_the_tokenrequest_overlay_names_each_schema_both_ways() -> None:
    """So that it applies to the committed spec and to upstream Swagger documents alike."""
    path = ROOT / "generator" / "extensions" / "tokenrequest" / "tokenrequest.overlay.yaml"
    for action in yaml.safe_load(path.read_text())["actions"]:
        schemas = action["target"].split("schemas[", 1)[1].split("]", 1)[0]
        dotted, short = (name.strip("'") for name in schemas.split(","))
        assert dotted.startswith("io.k8s.api.authentication.v1.")
        assert dotted.rsplit(".", 1)[1] == short
