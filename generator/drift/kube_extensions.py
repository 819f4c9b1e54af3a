"""Kubernetes' own schema extensions (`x-kubernetes-*`) in `apigen diff`: what a change to each does.

Each extension is classified by what it governs, which decides whom its change
breaks (docs/drift.md has the table and the reasons):

- merge semantics (`list-type`, `list-map-keys`, `map-type`, `patch-strategy`,
  `patch-merge-key`, `unions`): how server-side apply and strategic merge patch
  combine a value. A client building patches and a server applying them must
  agree, so any change breaks both;
- identity (`group-version-kind`, `action`): the apiVersion and kind the models
  write, and the verb of each operation. The generated code is built from them,
  so any change breaks both;
- type (`int-or-string`): the value may be an integer or a string; turning it
  on or off changes the models' field type, like a type change;
- admission (`embedded-resource`, `preserve-unknown-fields`, `validations`):
  what the API server accepts or keeps. These have a direction, as constraints
  do: a tighter rule breaks whoever sends the value, a looser one whoever
  receives it.

Any other `x-kubernetes-*` key is still reported, as compatible: apigen does not
know what it means. A boolean extension that changes between absent and
`false` says the same thing twice and is compatible too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

PREFIX = "x-kubernetes-"
MERGE, IDENTITY, TYPE, ADMISSION, UNKNOWN = (
    "merge semantics", "identity", "type", "admission", "unknown",
)  # fmt: skip
AREAS = {
    "list-type": MERGE,
    "list-map-keys": MERGE,
    "map-type": MERGE,
    "patch-strategy": MERGE,
    "patch-merge-key": MERGE,
    "unions": MERGE,
    "group-version-kind": IDENTITY,
    "action": IDENTITY,
    "int-or-string": TYPE,
    "embedded-resource": ADMISSION,
    "preserve-unknown-fields": ADMISSION,
    "validations": ADMISSION,
}
BOOLEAN = ("int-or-string", "embedded-resource", "preserve-unknown-fields")


@dataclass(frozen=True)
class Verdict:
    """What one extension's change does: whom it breaks, and to which generated code."""

    area: str
    tighter: bool  # the sender may no longer send (or keep) what it used to
    looser: bool  # the receiver must accept what it never got before
    both: bool  # breaks clients and servers, whichever way the value travels
    generated: str


def extension_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The `x-kubernetes-*` keys either side has, sorted."""
    keys = {k for k in (*old, *new) if isinstance(k, str) and k.startswith(PREFIX)}
    return sorted(keys)


def shown(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def describe(key: str, before: Any, after: Any, absent_old: bool, absent_new: bool) -> str:
    if absent_old:
        return f"{key} added: {shown(after)}"
    if absent_new:
        return f"{key} removed (was {shown(before)})"
    return f"{key} {shown(before)} -> {shown(after)}"


def rules(value: Any) -> dict[str, Any]:
    """The CEL rules of an `x-kubernetes-validations` list, by rule text."""
    if not isinstance(value, list):
        return {}
    return {str(r.get("rule")) if isinstance(r, dict) else shown(r): r for r in value}


def verdict(key: str, before: Any, after: Any, where: str) -> Verdict:
    """The classification of `key` changing from `before` to `after` (None: absent) at `where`."""
    name = key[len(PREFIX) :]
    area = AREAS.get(name, UNKNOWN)
    if area == MERGE:
        return Verdict(
            area, False, False, True,
            f"client and server: how apply and strategic merge patch merge `{where}` changes",
        )  # fmt: skip
    if area == IDENTITY:
        what = "verb" if name == "action" else "group, version or kind"
        return Verdict(
            area, False, False, True,
            f"models, client and server: the {what} of `{where}` changes",
        )  # fmt: skip
    if area == UNKNOWN:
        return Verdict(area, False, False, False, f"none: apigen does not read {key}")
    if name in BOOLEAN and bool(before) == bool(after):  # absent and false say the same
        return Verdict(area, False, False, False, f"none: {key} restated")
    if area == TYPE:
        return Verdict(
            area, False, False, True,
            f"models and validators: `{where}` "
            + ("may now be an integer or a string" if after else "is no longer int-or-string"),
        )  # fmt: skip
    if name == "preserve-unknown-fields":
        kept = bool(after)
        return Verdict(
            area, not kept, kept, False,
            f"server: unknown fields below `{where}` are {'kept' if kept else 'pruned'}",
        )  # fmt: skip
    if name == "embedded-resource":
        now = bool(after)
        return Verdict(
            area, now, not now, False,
            f"server: `{where}` {'must now' if now else 'need no longer'} carry apiVersion, "
            "kind and metadata",
        )  # fmt: skip
    old_rules, new_rules = rules(before), rules(after)
    added, dropped = set(new_rules) - set(old_rules), set(old_rules) - set(new_rules)
    return Verdict(
        area, bool(added), bool(dropped), False,
        f"server: the CEL rules of `{where}` change (+{len(added)} -{len(dropped)}); "
        "the generated validators do not evaluate CEL",
    )  # fmt: skip
