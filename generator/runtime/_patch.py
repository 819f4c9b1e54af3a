"""The three patch formats of PATCH, applied to plain JSON objects.

- JSON merge patch (RFC 7386): `merge_patch`.
- JSON patch (RFC 6902), through the `jsonpatch` library: `json_patch`.
- Strategic merge patch (`application/strategic-merge-patch+json`):
  `strategic_merge_patch`, driven by a `MergeSchema` that the generator emits per
  kind from the spec's `x-kubernetes-patch-merge-key`, `x-kubernetes-patch-strategy`,
  `x-kubernetes-list-type`, `x-kubernetes-list-map-keys` and `x-kubernetes-map-type`.

Strategic merge patch supports: lists merged by merge key (or, for lists of
scalars with strategy `merge`, as a set); lists without a merge strategy replaced;
`null` deleting a field; the directives `$patch: replace` and `$patch: delete`
(on a map, and on an element of a merged list), `$patch: replace` as a list
element (replace the whole list), `$retainKeys` (strategy `retainKeys`),
`$setElementOrder/FIELD` and `$deleteFromPrimitiveList/FIELD`. Not supported:
`$patch: merge` beyond the default meaning, and the legacy `$patch` on primitive
lists. Directives in values that create new fields are dropped.

Server-side apply, which reads the same `MergeSchema`, is in `_apply.py`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonpatch  # type: ignore[import-untyped,unused-ignore]
import jsonpointer  # type: ignore[import-untyped,unused-ignore]

from ._apierrors import KubeError, bad_request

__all__ = [
    "METADATA_FIELDS",
    "FieldInfo",
    "MergeSchema",
    "json_patch",
    "merge_patch",
    "strategic_merge_patch",
]

Path = tuple[str, ...]


@dataclass(frozen=True)
class FieldInfo:
    """What the spec says of one field (a list, or a map).

    `list_type`: atomic, set or map (x-kubernetes-list-type); `map_keys`: the
    list-map keys (x-kubernetes-list-map-keys); `merge_key` and `strategy`:
    x-kubernetes-patch-merge-key and x-kubernetes-patch-strategy (`merge`,
    `retainKeys`, `replace`, or `merge,retainKeys`); `map_type`: granular or
    atomic (x-kubernetes-map-type).
    """

    list_type: str = ""
    map_keys: tuple[str, ...] = ()
    merge_key: str = ""
    strategy: str = ""
    map_type: str = ""

    @property
    def merges(self) -> bool:
        return "merge" in self.strategy.split(",")

    @property
    def retains_keys(self) -> bool:
        return "retainKeys" in self.strategy.split(",")

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys that identify a list element, for apply and strategic merge."""
        if self.map_keys:
            return self.map_keys
        return (self.merge_key,) if self.merge_key else ()

    @property
    def apply_list_type(self) -> str:
        """The list type server-side apply uses: the spec's, else derived from the patch strategy."""
        if self.list_type:
            return self.list_type
        if self.merges:
            return "map" if self.merge_key else "set"
        return "atomic"


# ObjectMeta's lists, which every kind shares.
METADATA_FIELDS: dict[Path, FieldInfo] = {
    ("metadata", "finalizers"): FieldInfo(list_type="set", strategy="merge"),
    ("metadata", "ownerReferences"): FieldInfo(
        list_type="map", map_keys=("uid",), merge_key="uid", strategy="merge"
    ),
}


@dataclass(frozen=True)
class MergeSchema:
    """Per-path field metadata of one kind. Paths name fields from the object's root,
    through list elements without an index: ("spec", "template", "spec", "containers",
    "ports") is every container's ports. ObjectMeta's lists are always known."""

    fields: Mapping[Path, FieldInfo] = field(default_factory=dict)

    def info(self, path: Path) -> FieldInfo:
        found = self.fields.get(path)
        if found is not None:
            return found
        return METADATA_FIELDS.get(path, FieldInfo())


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge, `null` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(target: dict[str, Any], patch: Any) -> dict[str, Any]:
    """RFC 6902. A patch that is not a list of operations is a 400; one that does not
    apply (a failed `test`, a missing path) a 422, as kube-apiserver answers."""
    if not isinstance(patch, list) or not all(isinstance(op, dict) for op in patch):
        raise bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    try:
        compiled = jsonpatch.JsonPatch(patch)
        result = compiled.apply(target)
    except jsonpatch.InvalidJsonPatch as exc:
        raise bad_request(str(exc)) from None
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
        raise KubeError(422, "Invalid", str(exc)) from None
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise KubeError(422, "Invalid", f"the JSON patch could not be applied: {exc}") from None
    if not isinstance(result, dict):
        raise KubeError(422, "Invalid", "the JSON patch must leave an object")
    return result


_DIRECTIVE = "$patch"
_RETAIN = "$retainKeys"
_ORDER = "$setElementOrder/"
_DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"


def _is_directive(key: str) -> bool:
    return key.startswith("$")


def _clean(value: Any) -> Any:
    """A patch value that creates new content, without directives."""
    if isinstance(value, dict):
        if value.get(_DIRECTIVE) == "delete":
            return None
        return {k: _clean(v) for k, v in value.items() if not _is_directive(k) and v is not None}
    if isinstance(value, list):
        items = [_clean(v) for v in value]
        return [v for v in items if v is not None]
    return value


def strategic_merge_patch(
    target: dict[str, Any], patch: Any, schema: MergeSchema | None = None
) -> dict[str, Any]:
    """Apply a strategic merge patch; a patch that is not an object is a 400."""
    if not isinstance(patch, dict):
        raise bad_request("the strategic merge patch must be a JSON object")
    result = _merge_map(target, patch, (), schema or MergeSchema())
    return result if isinstance(result, dict) else {}


def _merge_map(
    original: dict[str, Any], patch: dict[str, Any], path: Path, schema: MergeSchema
) -> dict[str, Any] | None:
    directive = patch.get(_DIRECTIVE)
    if directive == "delete":
        return None
    if directive == "replace":
        cleaned = _clean({k: v for k, v in patch.items() if k != _DIRECTIVE})
        return cleaned if isinstance(cleaned, dict) else {}
    if directive not in (None, "merge"):
        raise bad_request(f"Unknown patch type: {directive}")
    result = dict(original)
    for key, value in patch.items():
        if _is_directive(key):
            continue
        sub = (*path, key)
        info = schema.info(sub)
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            if info.map_type == "atomic" or info.strategy == "replace":
                result[key] = _clean(value)
            else:
                merged = _merge_map(result[key], value, sub, schema)
                if merged is None:
                    result.pop(key)
                else:
                    result[key] = merged
        elif isinstance(value, list) and isinstance(result.get(key), list):
            result[key] = _merge_list(result[key], value, sub, schema)
        elif isinstance(value, dict) and value.get(_DIRECTIVE) == "delete":
            result.pop(key, None)
        else:
            result[key] = _clean(value)
    for key, value in patch.items():
        if key.startswith(_DELETE_PRIMITIVE) and isinstance(value, list):
            name = key[len(_DELETE_PRIMITIVE) :]
            if isinstance(result.get(name), list):
                result[name] = [v for v in result[name] if v not in value]
    for key, value in patch.items():
        if key.startswith(_ORDER) and isinstance(value, list):
            name = key[len(_ORDER) :]
            if isinstance(result.get(name), list):
                result[name] = _order(result[name], value, schema.info((*path, name)))
    retain = patch.get(_RETAIN)
    if isinstance(retain, list):
        result = {k: v for k, v in result.items() if k in retain}
    return result


def _identity(item: Any, keys: tuple[str, ...]) -> Any:
    if keys and isinstance(item, dict):
        return tuple(item.get(k) for k in keys)
    return ("=", repr(item)) if isinstance(item, (dict, list)) else item


def _merge_list(
    original: list[Any], patch: list[Any], path: Path, schema: MergeSchema
) -> list[Any]:
    info = schema.info(path)
    if not info.merges:
        return list(_clean(patch))
    if any(isinstance(p, dict) and p.get(_DIRECTIVE) == "replace" for p in patch):
        kept = [p for p in patch if not (isinstance(p, dict) and p.get(_DIRECTIVE) == "replace")]
        return list(_clean(kept))
    keys = (info.merge_key,) if info.merge_key else info.keys
    result = list(original)
    if not keys or not all(isinstance(p, dict) for p in patch):
        for item in patch:
            if item not in result:
                result.append(_clean(item))
        return result
    for item in patch:
        missing = [k for k in keys if k not in item]
        if missing and not any(k.startswith("$") for k in item):
            shown = json.dumps(item, separators=(",", ":"), sort_keys=True)
            raise KubeError(
                422, "Invalid", f"map: {shown} does not contain declared merge key: {missing[0]}"
            )
        ident = _identity(item, keys)
        where = next((i for i, o in enumerate(result) if _identity(o, keys) == ident), None)
        if item.get(_DIRECTIVE) == "delete":
            result = [o for o in result if _identity(o, keys) != ident]
        elif where is None:
            result.append(_clean(item))
        elif isinstance(result[where], dict):
            merged = _merge_map(result[where], item, path, schema)
            if merged is None:
                del result[where]
            else:
                result[where] = merged
        else:
            result[where] = _clean(item)
    return result


def _order(items: list[Any], order: list[Any], info: FieldInfo) -> list[Any]:
    """`$setElementOrder`: the listed elements first, in that order, then the others."""
    keys = (info.merge_key,) if info.merge_key else info.keys
    rank = {_identity(o, keys): i for i, o in enumerate(order)}
    indexed = list(enumerate(items))
    indexed.sort(key=lambda pair: (rank.get(_identity(pair[1], keys), len(rank)), pair[0]))
    return [item for _, item in indexed]
