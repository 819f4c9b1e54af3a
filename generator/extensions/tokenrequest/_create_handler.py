"""What kube-apiserver's generic create handler does before and around the storage.

Sources: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go (the
order: read the body, validate the CreateOptions, decode, check the
namespace, run the field manager, call the storage), apimachinery's
meta/v1/validation (`ValidateCreateOptions`), the JSON serializer
(`SimpleMetaFactory.Interpret`, `transformDecodeError`, `summarizeData`) and
the managed-fields updater.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ._gotext import go_object_meta
from ._status import ApiError

FIELD_MANAGER_MAX_BYTES = 128
FIELD_VALIDATION = ("", "Ignore", "Strict", "Warn")
SCHEME = "pkg/api/legacyscheme/scheme.go:30"
# What the managed-fields updater strips before it records fields (StripMetaManager).
_STRIPPED_META = frozenset(
    {"name", "namespace", "creationTimestamp", "selfLink", "uid", "generation"}
    | {"managedFields", "resourceVersion"}
)
_INTERPRET_TYPE = (
    'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; '
    'Kind string "json:\\"kind,omitempty\\"" }'
)


@dataclass(frozen=True)
class CreateOptions:
    """The query's CreateOptions, already validated."""

    dry_run: tuple[str, ...]
    field_validation: str  # Ignore, Warn or Strict (Warn when unset)
    field_manager: str


_DEFAULT_OPTIONS = CreateOptions((), "Warn", "")


def create_options(query: Sequence[tuple[str, str]]) -> CreateOptions:
    """The options, or the handler's 422 on `CreateOptions.meta.k8s.io` (before the body)."""
    if not query:
        return _DEFAULT_OPTIONS
    values: dict[str, list[str]] = {}
    for key, value in query:
        values.setdefault(key, []).append(value)
    dry_run = values.get("dryRun", [])
    field_validation = (values.get("fieldValidation") or [""])[0]
    field_manager = (values.get("fieldManager") or [""])[0]
    causes: list[tuple[str, str, str]] = []
    manager_problem = _field_manager_problem(field_manager)
    if manager_problem:
        causes.append(manager_problem)
    if any(value != "All" for value in dry_run):
        shown = json.dumps(dry_run, ensure_ascii=False, separators=(",", ":"))
        causes.append(
            (
                "FieldValueNotSupported",
                "dryRun",
                f'Unsupported value: {shown}: supported values: "All"',
            )
        )
    if field_validation not in FIELD_VALIDATION:
        supported = ", ".join(json.dumps(v) for v in FIELD_VALIDATION)
        causes.append(
            (
                "FieldValueNotSupported",
                "fieldValidation",
                f"Unsupported value: {_quote(field_validation)}: supported values: {supported}",
            )
        )
    if causes:
        raise invalid("meta.k8s.io", "CreateOptions", "", causes)
    return CreateOptions(tuple(dry_run), field_validation or "Warn", field_manager)


def _field_manager_problem(manager: str) -> tuple[str, str, str] | None:
    if len(manager.encode()) > FIELD_MANAGER_MAX_BYTES:
        return (
            "FieldValueTooLong",
            "fieldManager",
            f"Too long: may not be more than {FIELD_MANAGER_MAX_BYTES} bytes",
        )
    for position, character in enumerate(manager):
        if not character.isprintable():
            detail = f"invalid character U+{ord(character):04X} (at position {position})"
            return (
                "FieldValueInvalid",
                "fieldManager",
                f"Invalid value: {_quote(manager)}: {detail}",
            )
    return None


def invalid(group: str, kind: str, name: str, causes: Sequence[tuple[str, str, str]]) -> ApiError:
    """apimachinery's `errors.NewInvalid`: causes are (reason, field, message)."""
    texts = list(dict.fromkeys(f"{field}: {message}" for _, field, message in causes))
    summary = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    details: dict[str, Any] = {"name": name} if name else {}
    details.update({"group": group, "kind": kind})
    details["causes"] = [{"reason": r, "message": m, "field": f} for r, f, m in causes]
    return ApiError(422, f"{kind}.{group} {_quote(name)} is invalid: {summary}", details)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def unrecognized(kind: str, reason: str, body: bytes) -> ApiError:
    """`transformDecodeError` when the body's kind could not be read."""
    return ApiError(
        400,
        f"the object provided is unrecognized (must be of type {kind}): {reason} ({summarize(body)})",
    )


def cannot_handle(data_kind: str, version: str, kind: str, reason: str) -> ApiError:
    """`transformDecodeError` when the body named its kind."""
    return ApiError(
        400, f"{data_kind} in version {_quote(version)} cannot be handled as a {kind}: {reason}"
    )


def summarize(body: bytes, limit: int = 30) -> str:
    """The serializer's `summarizeData`: the start of the body, as text or hex."""
    if not body:
        return "<empty>"
    head = body[:limit]
    shown = head.decode("utf-8", "replace") if body[:1] == b"{" else head.hex()
    return shown + (" ..." if len(body) > limit else "")


def json_parse_error(exc: json.JSONDecodeError) -> str:
    """Go's `encoding/json` words for the commonest syntax errors."""
    if exc.pos >= len(exc.doc.rstrip()):
        return "unexpected end of JSON input"
    character = exc.doc[exc.pos]
    if exc.msg.startswith("Expecting property name"):
        return f"invalid character {_go_char(character)} looking for beginning of object key string"
    if exc.msg.startswith("Expecting ',' delimiter") and "{" in exc.doc[: exc.pos]:
        return f"invalid character {_go_char(character)} after object key:value pair"
    if exc.msg.startswith("Extra data"):
        return f"invalid character {_go_char(character)} after top-level value"
    return f"invalid character {_go_char(character)} looking for beginning of value"


def _go_char(character: str) -> str:
    if character == "'":
        return "'\\''"
    if character == '"':
        return "'\"'"
    return f"'{character}'" if character.isprintable() else f"'\\x{ord(character):02x}'"


def interpret(data: Any, body: bytes, kind: str) -> tuple[str, str]:
    """`SimpleMetaFactory.Interpret`: the body's apiVersion and kind, or a 400."""
    if not isinstance(data, dict):
        word = _json_word(data)
        reason = (
            "couldn't get version/kind; json parse error: json: cannot unmarshal "
            f"{word} into Go value of type {_INTERPRET_TYPE}"
        )
        raise unrecognized(kind, reason, body)
    api_version, data_kind = data.get("apiVersion"), data.get("kind")
    for field, value in (("apiVersion", api_version), ("kind", data_kind)):
        if value is not None and not isinstance(value, str):
            reason = (
                "couldn't get version/kind; json parse error: json: cannot unmarshal "
                f"{_json_word(value)} into Go struct field .{field} of type string"
            )
            raise unrecognized(kind, reason, body)
    api_version, data_kind = api_version or "", data_kind or ""
    if api_version.count("/") > 1:
        raise unrecognized(kind, f"unexpected GroupVersion string: {api_version}", body)
    return api_version, data_kind


def _json_word(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


def type_error_reason(
    field: str, value: Any, detail: str, parents: Sequence[str], go_type: str
) -> str:
    """Go's `UnmarshalTypeError` text for a value of the wrong JSON type.

    `parents` are the struct names along the path; the message names the
    innermost and the path of JSON names without list indices or map keys.
    """
    path = _without_indices(field)
    word = _json_word(value)
    if word == "number" and go_type.startswith("int") and detail != "must be of type string":
        word = f"number {json.dumps(value)}"
    return (
        f"json: cannot unmarshal {word} into Go struct field {parents[-1]}.{path} of type {go_type}"
    )


def _without_indices(field: str) -> str:
    out: list[str] = []
    depth = 0
    for character in field:
        if character == "[":
            depth += 1
        elif character == "]":
            depth -= 1
        elif not depth:
            out.append(character)
    return "".join(out)


def field_problems(
    data: Any, pairs: Any, unknown: Sequence[str], duplicates_known: bool = True
) -> list[str]:
    """The strict decoder's problems in document order, each once.

    `pairs` is the body parsed with `object_pairs_hook=Pairs` (JSON with a repeated
    key), or None (no repeated keys: YAML, protobuf, JSON without repeats); `unknown`
    the paths the validators did not know.
    """
    if pairs is None and not unknown:  # no repeated key (see `Pairs`), no unknown field
        return []
    unknown_set = set(unknown)
    problems = _walk_problems(pairs if pairs is not None else data, "", unknown_set)
    return list(dict.fromkeys(problems))  # each once, in document order


class Pairs(list[tuple[str, Any]]):
    """A JSON object as its key/value pairs in document order (repeats kept)."""


def _walk_problems(node: Any, field: str, unknown: set[str]) -> Iterator[str]:
    items: list[tuple[str, Any]] | None = None
    if isinstance(node, Pairs):
        items = list(node)
    elif isinstance(node, dict):
        items = list(node.items())
    if items is not None:
        prefix = field + "." if field else ""
        seen: set[str] = set()
        for key, child in items:
            path = prefix + key
            if path in unknown:
                yield f'unknown field "{path}"'
                continue
            if key in seen:
                yield f'duplicate field "{path}"'
            seen.add(key)
            yield from _walk_problems(child, path, unknown)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk_problems(child, f"{field}[{index}]", unknown)


def drop_fields(data: Any, paths: Sequence[str], field: str = "") -> None:
    """Remove the fields at `paths` (validator paths such as `spec.foo`) from `data`."""
    if paths:
        _drop(data, set(paths), field)


def _drop(data: Any, wanted: set[str], field: str) -> None:
    if isinstance(data, dict):
        prefix = field + "." if field else ""
        for key in list(data):
            if prefix + key in wanted:
                del data[key]
            else:
                _drop(data[key], wanted, prefix + key)
    elif isinstance(data, list):
        for index, child in enumerate(data):
            if isinstance(child, dict | list):
                _drop(child, wanted, f"{field}[{index}]")


@functools.lru_cache(maxsize=256)  # a client sends the same User-Agent every time
def manager_name(field_manager: str, user_agent: str) -> str:
    """`managerOrUserAgent`: the fieldManager, else the User-Agent up to its first `/`."""
    if field_manager:
        return field_manager
    kept: list[str] = []
    size = 0
    for character in user_agent.split("/", 1)[0]:
        if (
            not character.isprintable()
            or unicodedata.category(character) == "Zs"
            and character != " "
        ):
            continue
        size += len(character.encode())
        if size > FIELD_MANAGER_MAX_BYTES:
            break
        kept.append(character)
    return "".join(kept)


def fields_v1(data: dict[str, Any]) -> dict[str, Any]:
    """The FieldsV1 set an Update records for `data` on an empty live object.

    Metadata the updater strips is left out; maps carry `.` for themselves,
    as do the fields under a struct given as an object (a pointer in Go).
    """
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("apiVersion", "kind"):
            continue
        if key == "metadata" and isinstance(value, dict):
            meta = {k: v for k, v in value.items() if k not in _STRIPPED_META}
            recorded = _fields_of(meta, top=True)
            if recorded:
                fields["f:metadata"] = recorded
            continue
        fields[f"f:{key}"] = _fields_of(value, top=True) if isinstance(value, dict) else {}
    return dict(sorted(fields.items()))


def recorded_nothing(metadata: dict[str, Any]) -> bool:
    """Whether `fields_v1` records no field of this ObjectMeta (all of it is stripped)."""
    return _STRIPPED_META.issuperset(metadata)


def _fields_of(value: dict[str, Any], top: bool = False) -> dict[str, Any]:
    recorded: dict[str, Any] = {} if top else {".": {}}
    for key, child in value.items():
        if isinstance(child, dict):
            recorded[f"f:{key}"] = _fields_of(child)
        else:
            recorded[f"f:{key}"] = {}
    return dict(sorted(recorded.items()))


def ordered_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """ObjectMeta in Go's field order, empty (omitempty) fields left out."""
    return go_object_meta(metadata)
