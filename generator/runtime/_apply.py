"""Server-side apply and `metadata.managedFields`, on plain JSON objects.

A field set is a set of paths; a path is a tuple of FieldsV1 elements: `f:NAME`
(a field), `k:{"name":"nginx"}` (the element of a list-map with those keys),
`v:"x"` (the value of a set) and `.` (the element itself). `to_fields_v1` and
`from_fields_v1` convert to and from the nested FieldsV1 form of managedFields.

Simplifications against kube-apiserver's structured-merge-diff (they matter only
to clients that read managedFields closely):

- Ownership is tracked on leaves: scalar fields, atomic lists and atomic maps,
  set values (`v:`), and list-map elements (`k:` with `.`). Structs and granular
  maps get no `.` entry of their own (kube writes `.` for granular maps).
- The list/map types come from the `MergeSchema`; a list the schema does not name
  is atomic, a map without `x-kubernetes-map-type: atomic` granular. The schema is
  not otherwise used: no defaulting, no type checking, no unions.
- Every write is tracked: `apply` for Apply, `record_update` for create, update
  and the other patches (operation Update, the manager's entry per subresource).
  An Update takes over the fields whose value it changed from every other manager,
  as kube does; an Apply that changes a field another manager owns is a conflict
  unless `force`.
- Conflicts compare values at the conflicting path; the message and causes are
  worded as kube-apiserver's (`Apply failed with 1 conflict: conflict with "m": .spec.replicas`).
- Fields of the status subresource (`status`) and of the server (`metadata.uid`,
  `resourceVersion`, `generation`, `creationTimestamp`, `managedFields`, ...) are
  never owned.
- `time` of an entry is the time of the write that last changed its field set.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from ._apierrors import apply_conflict, bad_request
from ._patch import MergeSchema

__all__ = [
    "FieldSet",
    "apply",
    "field_set",
    "from_fields_v1",
    "managed_sets",
    "path_string",
    "record_update",
    "to_fields_v1",
]

Element = str
FieldPath = tuple[Element, ...]
FieldSet = frozenset[FieldPath]

# Fields the server owns and that no manager ever owns.
_SERVER_METADATA = (
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
)


def _schema_path(path: FieldPath) -> tuple[str, ...]:
    return tuple(e[2:] for e in path if e.startswith("f:"))


def _key_element(item: dict[str, Any], keys: tuple[str, ...]) -> Element:
    values = {k: item[k] for k in sorted(keys) if item.get(k) is not None}
    return "k:" + json.dumps(values, separators=(",", ":"))


def field_set(obj: dict[str, Any], schema: MergeSchema, *, status_subresource: bool) -> FieldSet:
    """The leaves an object (or an applied configuration) sets."""
    out: set[FieldPath] = set()
    for key, value in obj.items():
        if key in ("apiVersion", "kind") or value is None:
            continue
        if key == "status" and status_subresource:
            continue
        if key == "metadata" and isinstance(value, dict):
            meta = {k: v for k, v in value.items() if k not in _SERVER_METADATA}
            _walk(meta, ("f:metadata",), schema, out)
            continue
        _walk_value(value, ("f:" + key,), schema, out)
    return frozenset(out)


def _walk(obj: dict[str, Any], path: FieldPath, schema: MergeSchema, out: set[FieldPath]) -> None:
    for key, value in obj.items():
        if value is not None:
            _walk_value(value, (*path, "f:" + key), schema, out)


def _walk_value(value: Any, path: FieldPath, schema: MergeSchema, out: set[FieldPath]) -> None:
    info = schema.info(_schema_path(path))
    if isinstance(value, dict) and value and info.map_type != "atomic":
        _walk(value, path, schema, out)
    elif isinstance(value, list) and value and info.apply_list_type == "map" and info.keys:
        for item in value:
            if isinstance(item, dict):
                element = (*path, _key_element(item, info.keys))
                out.add((*element, "."))
                _walk(item, element, schema, out)
    elif isinstance(value, list) and value and info.apply_list_type == "set":
        for item in value:
            out.add((*path, "v:" + json.dumps(item, separators=(",", ":"), sort_keys=True)))
    else:
        out.add(path)


_MISSING = object()


def _value_at(obj: Any, path: FieldPath) -> Any:
    value = obj
    for element in path:
        if element == ".":
            return value
        if element.startswith("f:"):
            if not isinstance(value, dict) or element[2:] not in value:
                return _MISSING
            value = value[element[2:]]
        elif element.startswith("k:"):
            want = json.loads(element[2:])
            if not isinstance(value, list):
                return _MISSING
            value = next(
                (
                    i
                    for i in value
                    if isinstance(i, dict) and all(i.get(k) == v for k, v in want.items())
                ),
                _MISSING,
            )
            if value is _MISSING:
                return _MISSING
        elif element.startswith("v:"):
            member = json.loads(element[2:])
            return member if isinstance(value, list) and member in value else _MISSING
    return value


def _remove(obj: dict[str, Any], path: FieldPath) -> None:
    """Remove the leaf at `path` from `obj` (in place), if it is there."""
    *parents, last = path
    if last == ".":
        *parents, last = parents
    container: Any = obj
    for element in parents:
        container = _value_at(container, (element,))
        if container is _MISSING:
            return
    if last.startswith("f:") and isinstance(container, dict):
        container.pop(last[2:], None)
    elif last.startswith("k:") and isinstance(container, list):
        want = json.loads(last[2:])
        container[:] = [
            i
            for i in container
            if not (isinstance(i, dict) and all(i.get(k) == v for k, v in want.items()))
        ]
    elif last.startswith("v:") and isinstance(container, list):
        member = json.loads(last[2:])
        container[:] = [i for i in container if i != member]


def _is_key_field(path: FieldPath) -> bool:
    if len(path) < 2 or not path[-2].startswith("k:") or not path[-1].startswith("f:"):
        return False
    return path[-1][2:] in json.loads(path[-2][2:])


def path_string(path: FieldPath) -> str:
    """A path as structured-merge-diff prints it: `.spec.containers[name="nginx"].image`."""
    out = ""
    for element in path:
        if element.startswith("f:"):
            out += "." + element[2:]
        elif element.startswith("k:"):
            keys = json.loads(element[2:])
            out += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in keys.items()) + "]"
        elif element.startswith("v:"):
            out += "[=" + element[2:] + "]"
    return out


def to_fields_v1(fields: Iterable[FieldPath]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in sorted(fields):
        node = tree
        for element in path:
            node = node.setdefault(element, {})
    return tree


def from_fields_v1(tree: Any, prefix: FieldPath = ()) -> set[FieldPath]:
    out: set[FieldPath] = set()
    if not isinstance(tree, dict):
        return out
    for element, sub in tree.items():
        path = (*prefix, str(element))
        if element == "." or not sub:
            out.add(path)
        else:
            out |= from_fields_v1(sub, path)
    return out


# One managedFields entry per (manager, operation, subresource).
EntryKey = tuple[str, str, str]


def managed_sets(obj: dict[str, Any]) -> dict[EntryKey, tuple[dict[str, Any], set[FieldPath]]]:
    """The object's managedFields entries, each with its field set."""
    out: dict[EntryKey, tuple[dict[str, Any], set[FieldPath]]] = {}
    for entry in (obj.get("metadata") or {}).get("managedFields") or []:
        if isinstance(entry, dict):
            key = (
                str(entry.get("manager", "")),
                str(entry.get("operation", "")),
                str(entry.get("subresource", "")),
            )
            out[key] = (entry, from_fields_v1(entry.get("fieldsV1")))
    return out


def _write_managed(
    obj: dict[str, Any],
    sets: dict[EntryKey, tuple[dict[str, Any], set[FieldPath]]],
    changed: set[EntryKey],
    api_version: str,
    now: str,
) -> None:
    entries = []
    for key, (entry, fields) in sets.items():
        if not fields:
            continue
        manager, operation, subresource = key
        if key in changed or not entry:
            entry = {"manager": manager, "operation": operation, "apiVersion": api_version}
            entry["time"] = now
            entry["fieldsType"] = "FieldsV1"
            entry["fieldsV1"] = to_fields_v1(fields)
            if subresource:
                entry["subresource"] = subresource
        entries.append(entry)
    metadata = obj.setdefault("metadata", {})
    if entries:
        metadata["managedFields"] = entries
    else:
        metadata.pop("managedFields", None)


def _changed(old: dict[str, Any], new: dict[str, Any], path: FieldPath) -> bool:
    """A leaf changed value; an element (`.`) changed if it is new."""
    if path[-1] == ".":
        return _value_at(old, path) is _MISSING
    return bool(_value_at(old, path) != _value_at(new, path))


def record_update(
    old: dict[str, Any] | None,
    new: dict[str, Any],
    schema: MergeSchema,
    *,
    manager: str,
    api_version: str,
    now: str,
    subresource: str = "",
    status_subresource: bool = False,
) -> None:
    """Track a non-apply write in `new`'s managedFields (in place): `manager` takes
    the fields whose value changed; fields gone from the object are owned by nobody."""
    present = field_set(new, schema, status_subresource=status_subresource)
    if subresource == "status":
        status = new.get("status")
        present = present | (
            field_set({"status": status}, schema, status_subresource=False) if status else set()
        )
    changed_fields = {p for p in present if old is None or _changed(old, new, p)}
    sets = managed_sets(old if old is not None else new)
    touched: set[EntryKey] = set()
    for key, (entry, fields) in sets.items():
        kept = (fields & present) - changed_fields
        if kept != fields:
            sets[key] = (entry, kept)
            touched.add(key)
    if changed_fields:
        key = (manager, "Update", subresource)
        entry, fields = sets.get(key, ({}, set()))
        sets[key] = (entry, fields | changed_fields)
        touched.add(key)
    _write_managed(new, sets, touched, api_version, now)


def _merge_applied(live: Any, applied: Any, path: FieldPath, schema: MergeSchema) -> Any:
    info = schema.info(_schema_path(path))
    if isinstance(applied, dict) and isinstance(live, dict) and info.map_type != "atomic":
        result = dict(live)
        for key, value in applied.items():
            if value is None:
                continue
            sub = (*path, "f:" + key)
            result[key] = _merge_applied(live.get(key, _MISSING), value, sub, schema)
        return result
    if isinstance(applied, list) and isinstance(live, list):
        kind = info.apply_list_type
        if kind == "map" and info.keys:
            result_list = list(live)
            for item in applied:
                if not isinstance(item, dict):
                    continue
                element = _key_element(item, info.keys)
                where = next(
                    (
                        i
                        for i, o in enumerate(result_list)
                        if isinstance(o, dict) and _key_element(o, info.keys) == element
                    ),
                    None,
                )
                if where is None:
                    result_list.append(copy.deepcopy(item))
                else:
                    result_list[where] = _merge_applied(
                        result_list[where], item, (*path, element), schema
                    )
            return result_list
        if kind == "set":
            return list(live) + [copy.deepcopy(i) for i in applied if i not in live]
    return copy.deepcopy(applied)


def apply(
    live: dict[str, Any] | None,
    applied: dict[str, Any],
    schema: MergeSchema,
    *,
    manager: str,
    force: bool,
    api_version: str,
    now: str,
    subresource: str = "",
    status_subresource: bool = False,
) -> dict[str, Any]:
    """The object after `manager` applies `applied` to `live` (None: apply creates).

    Raises the 409 of a conflict with another manager's fields, unless `force`, in
    which case those fields change owner. Fields the manager applied before and no
    longer applies are removed, unless another manager owns them too.
    """
    if not manager:
        raise bad_request("PATCH, application/apply-patch+yaml requires fieldManager to be set")
    if (applied.get("metadata") or {}).get("managedFields"):
        raise bad_request("metadata.managedFields must be nil")
    base: dict[str, Any] = copy.deepcopy(live) if live is not None else {}
    if subresource == "status":
        applied = {
            k: v for k, v in applied.items() if k in ("apiVersion", "kind", "metadata", "status")
        }
        new_fields = field_set(
            {"status": applied.get("status") or {}}, schema, status_subresource=False
        )
        new_fields = frozenset(p for p in new_fields if applied.get("status"))
    else:
        new_fields = field_set(applied, schema, status_subresource=status_subresource)
        if status_subresource:
            applied = {k: v for k, v in applied.items() if k != "status"}
    sets = managed_sets(base)
    key = (manager, "Apply", subresource)
    conflicts: list[tuple[str, FieldPath]] = []
    for other, (entry, fields) in sets.items():
        if other == key:
            continue
        for path in sorted(fields & new_fields):
            if path[-1] == ".":
                continue
            if _value_at(base, path) != _value_at(applied, path):
                conflicts.append((_print_manager(other, entry), path))
    if conflicts and not force:
        raise _conflict_error(conflicts)
    touched: set[EntryKey] = {key}
    if conflicts:
        lost = {path for _, path in conflicts}
        for other, (entry, fields) in sets.items():
            if other != key and fields & lost:
                sets[other] = (entry, fields - lost)
                touched.add(other)
    merged = _merge_applied(base, applied, (), schema)
    assert isinstance(merged, dict)
    previous = sets.get(key, ({}, set()))[1]
    owned_by_others: set[FieldPath] = set()
    for other, (_entry, fields) in sets.items():
        if other != key:
            owned_by_others |= fields
    for path in sorted(previous - new_fields, key=len, reverse=True):
        scope = path[:-1] if path[-1] == "." else path
        if any(o[: len(scope)] == scope or scope[: len(o)] == o for o in owned_by_others):
            continue
        if any(n[: len(path) - 1] == path[:-1] for n in new_fields if path[-1] == "."):
            continue
        if _is_key_field(path):  # a list-map element's key goes with the element
            continue
        _remove(merged, path)
    entry = sets.get(key, ({}, set()))[0]
    if previous == set(new_fields):
        touched.discard(key)
    sets[key] = (entry, set(new_fields))
    _write_managed(merged, sets, touched, api_version, now)
    return merged


def _print_manager(key: EntryKey, entry: dict[str, Any]) -> str:
    """A manager as the conflict message names it (apimachinery's printManager)."""
    manager, operation, subresource = key
    text = json.dumps(manager)
    if subresource:
        text += f" with subresource {json.dumps(subresource)}"
    if operation == "Update":
        text += f" using {entry.get('apiVersion', '')}"
    return text


def _conflict_error(conflicts: list[tuple[str, FieldPath]]) -> Exception:
    causes = [
        {
            "reason": "FieldManagerConflict",
            "message": f"conflict with {manager}",
            "field": path_string(path),
        }
        for manager, path in conflicts
    ]
    if len(conflicts) == 1:
        manager, path = conflicts[0]
        message = f"Apply failed with 1 conflict: conflict with {manager}: {path_string(path)}"
    else:
        lines = []
        for manager in sorted({m for m, _ in conflicts}):
            lines.append(f"conflicts with {manager}:")
            lines += [f"- {path_string(p)}" for m, p in conflicts if m == manager]
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return apply_conflict(message, causes)
