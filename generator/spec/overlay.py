"""OpenAPI Overlay 1.0: rules kept beside a spec, applied before slicing.

An overlay is a YAML or JSON document::

    overlay: 1.0.0
    info: {title: ..., version: ...}
    actions:
      - target: $.components.schemas.TokenRequestSpec.properties.expirationSeconds
        update: {minimum: 600, x-apigen-message-minimum: "may not specify ..."}
      - target: $.paths['/old'].get
        remove: true

`update` merges into every node the JSONPath selects (objects recursively,
arrays appended), `remove` deletes them, in order. Because the rules live in
their own file, re-importing a newer upstream spec keeps them.
"""

from __future__ import annotations

import copy
from typing import Any

from jsonpath_ng.ext.parser import parse as parse_jsonpath

from generator.errors import ApigenError, pointer
from generator.spec.load import check_local_refs, parse_bytes


def merge(into: Any, update: Any) -> Any:
    """Overlay 1.0 merge: objects recursively, arrays appended, anything else replaced."""
    if isinstance(into, dict) and isinstance(update, dict):
        merged = dict(into)
        for key, value in update.items():
            merged[key] = merge(into[key], value) if key in into else copy.deepcopy(value)
        return merged
    if isinstance(into, list) and isinstance(update, list):
        return into + copy.deepcopy(update)
    return copy.deepcopy(update)


def apply_overlay(document: dict[str, Any], overlay_bytes: bytes, source: str) -> dict[str, Any]:
    overlay = parse_bytes(overlay_bytes, source)
    if not isinstance(overlay, dict) or not str(overlay.get("overlay", "")).startswith("1."):
        raise ApigenError(
            "not an OpenAPI Overlay 1.x document (no 'overlay: 1.0.0')", source=source, pointer=""
        )
    actions = overlay.get("actions")
    if not isinstance(actions, list):
        raise ApigenError("'actions' must be a list", source=source, pointer="/actions")
    result = copy.deepcopy(document)
    for index, action in enumerate(actions):
        at = pointer("actions", index)
        if not isinstance(action, dict) or not isinstance(action.get("target"), str):
            raise ApigenError("an action needs a 'target' JSONPath", source=source, pointer=at)
        try:
            path = parse_jsonpath(action["target"])
        except Exception as exc:  # jsonpath_ng's lexer and parser errors, and any other
            raise ApigenError(
                f"bad JSONPath {action['target']!r}: {exc}", source=source, pointer=at + "/target"
            ) from None
        try:
            result = apply_action(result, path, action, source, at)
        except ApigenError:
            raise
        except Exception as exc:  # jsonpath_ng fails on nodes it cannot walk
            raise ApigenError(
                f"cannot apply {action['target']!r}: {type(exc).__name__}: {exc}",
                source=source,
                pointer=at,
            ) from None
        if not isinstance(result, dict):
            raise ApigenError(
                "the action replaces the whole document with something that is not an object",
                source=source,
                pointer=at,
            )
    check_local_refs(result, source)  # an overlay must not bring in a remote $ref either
    return result


def apply_action(
    document: dict[str, Any], path: Any, action: dict[str, Any], source: str, at: str
) -> Any:
    result: Any = document
    matches = path.find(result)
    if not matches:
        raise ApigenError(
            f"target {action['target']!r} selects nothing in the spec",
            source=source,
            pointer=at + "/target",
        )
    if action.get("remove") is True:
        return path.filter(lambda _: True, result)
    if "update" not in action:
        raise ApigenError("an action needs 'update' or 'remove: true'", source=source, pointer=at)
    for match in matches:
        result = match.full_path.update(result, merge(match.value, action["update"]))
    return result
