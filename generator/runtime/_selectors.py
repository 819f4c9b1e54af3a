"""Label and field selectors, parsed and matched as kube-apiserver does.

Label selectors: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`
(and `k>1`, `k<1`), joined by commas (AND). `!=` and `notin` match objects that
lack the label. Field selectors: `f=v`, `f==v`, `f!=v` on `metadata.name`,
`metadata.namespace` and whatever extra fields the resource supports.
A selector that does not parse is a 400 BadRequest.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ._apierrors import bad_request

__all__ = [
    "FieldSelector",
    "LabelSelector",
    "Requirement",
    "parse_field_selector",
    "parse_label_selector",
]

_KEY = r"[A-Za-z0-9][-A-Za-z0-9_./]*"
_VALUE = r"(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?"
_SET = re.compile(rf"^({_KEY})\s+(in|notin)\s*\(([^()]*)\)$")
_NOT_EXISTS = re.compile(rf"^!\s*({_KEY})$")
_COMPARE = re.compile(rf"^({_KEY})\s*(==|=|!=|>|<)\s*(\S*)$")
_EXISTS = re.compile(rf"^({_KEY})$")
_VALUE_RE = re.compile(rf"^{_VALUE}$")
BASE_FIELDS = ("metadata.name", "metadata.namespace")


@dataclass(frozen=True)
class Requirement:
    """One term of a label selector: `op` is one of = != in notin exists !exists gt lt."""

    key: str
    op: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key, "")
        if self.op == "exists":
            return present
        if self.op == "!exists":
            return not present
        if self.op in ("=", "in"):
            return present and value in self.values
        if self.op in ("!=", "notin"):
            return not present or value not in self.values
        if not present:
            return False
        try:
            have, want = int(value), int(self.values[0])
        except ValueError:
            return False
        return have > want if self.op == "gt" else have < want


@dataclass(frozen=True)
class LabelSelector:
    requirements: tuple[Requirement, ...] = ()

    def matches(self, obj: Mapping[str, Any]) -> bool:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return all(r.matches(labels) for r in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements


@dataclass(frozen=True)
class FieldSelector:
    """Terms (field, op, value) with op `=` or `!=`; fields are dotted JSON paths."""

    terms: tuple[tuple[str, str, str], ...] = ()

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return all((_field(obj, f) == v) == (op == "=") for f, op, v in self.terms)

    @property
    def empty(self) -> bool:
        return not self.terms


def _field(obj: Mapping[str, Any], path: str) -> str:
    value: Any = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _split(text: str) -> list[str]:
    """Commas outside parentheses separate terms."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _value(term: str, value: str) -> str:
    if not _VALUE_RE.match(value) or len(value) > 63:
        raise bad_request(f"unable to parse requirement: values[0]: Invalid value: {value!r}")
    return value


def parse_label_selector(text: str) -> LabelSelector:
    if not text.strip():
        return LabelSelector()
    requirements = []
    for term in _split(text):
        if match := _SET.match(term):
            values = tuple(_value(term, v.strip()) for v in match.group(3).split(","))
            requirements.append(Requirement(match.group(1), match.group(2), values))
        elif match := _NOT_EXISTS.match(term):
            requirements.append(Requirement(match.group(1), "!exists"))
        elif match := _COMPARE.match(term):
            op = {"==": "=", ">": "gt", "<": "lt"}.get(match.group(2), match.group(2))
            value = match.group(3)
            if op in ("gt", "lt") and not re.fullmatch(r"-?\d+", value):
                raise bad_request(
                    f"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: {value!r}"
                )
            requirements.append(Requirement(match.group(1), op, (_value(term, value),)))
        elif match := _EXISTS.match(term):
            requirements.append(Requirement(match.group(1), "exists"))
        else:
            raise bad_request(f"unable to parse requirement: found {term!r}, expected: selector")
    return LabelSelector(tuple(requirements))


def parse_field_selector(text: str, extra_fields: Collection[str] = ()) -> FieldSelector:
    """Only `metadata.name`, `metadata.namespace` and `extra_fields` are known fields."""
    if not text.strip():
        return FieldSelector()
    terms = []
    for term in _split(text):
        match = re.fullmatch(r"([^=!\s]+)\s*(==|=|!=)\s*(.*)", term)
        if match is None:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{term}'")
        field, op, value = match.group(1), match.group(2), match.group(3)
        if field not in BASE_FIELDS and field not in extra_fields:
            raise bad_request(f"field label not supported: {field}")
        terms.append((field, "!=" if op == "!=" else "=", value))
    return FieldSelector(tuple(terms))
