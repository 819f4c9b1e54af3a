"""Media types: request bodies in, responses out, as kube-apiserver negotiates them.

JSON always; YAML always; protobuf when the package embeds a descriptor set
(`_proto.py`). `Wire` holds what a package offers and does the negotiation.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import yaml

from ._status import ApiError

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"
MAX_BODY_BYTES = 3 * 1024 * 1024  # kube-apiserver's limit for a request body
MAX_DEPTH = 100  # objects and arrays nested deeper are a 400 (the validators recurse)
MAX_INTEGER = 2**64  # larger integers fit no Kubernetes field (int64, uint64): a 400
NEGOTIATED_KEPT = 256  # distinct Accept headers whose negotiation is remembered

__all__ = [
    "JSON",
    "MAX_BODY_BYTES",
    "MAX_DEPTH",
    "PROTOBUF",
    "YAML",
    "Codec",
    "Wire",
    "json_safe",
    "json_safe_body",
    "load_yaml",
    "safe_text",
    "media_type",
]


class Codec(Protocol):
    """What protobuf needs of a codec (`_protobuf.ProtobufCodec`)."""

    def decode(self, body: bytes) -> dict[str, Any]: ...

    def encode(self, data: dict[str, Any]) -> bytes: ...

    def can_encode(self, data: dict[str, Any]) -> bool: ...


class _HasField(Protocol):
    @property
    def field(self) -> str: ...


JsonDecoder = Callable[[bytes], tuple[Any, Sequence[_HasField]]]
"""JSON in, the data and one error (with its `.field` path) per repeated key out:
the generated `validators.decode`."""


class _JsonYamlLoader(yaml.SafeLoader):
    """YAML that reads as JSON would: timestamps stay strings, and nothing JSON cannot say.

    Aliases are refused (an alias tree of 452 bytes expands to gigabytes), and so
    are the tags with no JSON form (`!!binary`, `!!set`, `!!omap`, `!!pairs`,
    `!!timestamp`): each is a `yaml.YAMLError`, a 400.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases are not allowed in a request body", event.start_mark
            )
        return super().compose_node(parent, index)


_JsonYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_NOT_JSON_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("binary", "set", "omap", "pairs", "timestamp")
)
_JsonYamlLoader.yaml_constructors = {
    tag: construct
    for tag, construct in yaml.SafeLoader.yaml_constructors.items()
    if tag not in _NOT_JSON_TAGS
}


def load_yaml(body: bytes | str) -> Any:
    """YAML read as JSON would be (no aliases, no tags JSON has no form for)."""
    return yaml.load(body, Loader=_JsonYamlLoader)  # noqa: S506 - a SafeLoader subclass


def media_type(header: str) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return header.split(";", 1)[0].strip().lower()


def _plain_json(body: bytes) -> tuple[Any, Sequence[_HasField]]:
    return json.loads(body), ()


class Wire:
    """The media types a server reads and writes, in order of preference."""

    def __init__(
        self,
        media_types: Sequence[str] = (JSON, YAML),
        protobuf: Codec | None = None,
        decode_json: JsonDecoder = _plain_json,
    ) -> None:
        self.media_types = tuple(
            kind for kind in media_types if kind != PROTOBUF or protobuf is not None
        )
        self.protobuf = protobuf
        self._decode_json = decode_json
        self._negotiated: dict[str, tuple[str, str]] = {}  # Accept header -> answer

    def decode_body(self, body: bytes, content_type: str) -> tuple[dict[str, Any], list[str]]:
        """The JSON form of a request body and the paths of the keys it repeats (JSON only).

        415 for a type the server does not read, 400 for a malformed body.
        """
        kind = media_type(content_type) or JSON
        if kind not in self.media_types:
            raise ApiError(
                415,
                "the body of the request was in an unknown format - accepted media types include: "
                + ", ".join(self.media_types),
            )
        duplicates: Sequence[_HasField] = ()
        try:
            if kind == PROTOBUF and self.protobuf is not None:
                data: Any = json_safe(self._decode_protobuf(body))
            elif kind == YAML:
                data = json_safe(load_yaml(body))
            else:
                data, duplicates = self._decode_json(body)
                data = json_safe_body(body, data)
        except RecursionError:
            raise _undecodable(f"nested deeper than {MAX_DEPTH} levels") from None
        except (ValueError, yaml.YAMLError) as exc:
            raise _undecodable(_one_line(exc)) from None
        if not isinstance(data, dict):
            raise ApiError(400, "the body of the request must be an object")
        return data, [error.field for error in duplicates]

    def _decode_protobuf(self, body: bytes) -> Any:
        """The codec's answer; whatever the protobuf runtime raises on hostile bytes is a 400
        (invalid UTF-8 in a string, a `Time` past year 9999, ...)."""
        assert self.protobuf is not None
        try:
            return self.protobuf.decode(body)
        except (ValueError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - the runtime's errors have no common base
            raise ValueError(f"invalid protobuf: {type(exc).__name__}: {exc}") from None

    def response_type(self, accept: str) -> str:
        """The first media type of `Accept` the server writes (JSON for `*/*` or none); 406 if none."""
        return self.negotiate(accept)[0]

    def negotiate(self, accept: str) -> tuple[str, str]:
        """The media type of the answer and the conversion asked with it: the `as` parameter
        (`Table`, `PartialObjectMetadata`, ...) of the chosen media range, or ""."""
        known = self._negotiated.get(accept)  # a client sends the same Accept every time
        if known is not None:
            return known
        answer = self._negotiate(accept)
        if len(self._negotiated) < NEGOTIATED_KEPT:
            self._negotiated[accept] = answer
        return answer

    def _negotiate(self, accept: str) -> tuple[str, str]:
        if not accept.strip():
            return JSON, ""
        for kind, params in _accepted(accept):
            if kind in self.media_types:
                return kind, params.get("as", "")
            if kind in ("*/*", "application/*"):
                return JSON, ""
        raise ApiError(
            406, f"only the following media types are accepted: {', '.join(self.media_types)}"
        )

    def encode(self, data: dict[str, Any], kind: str) -> tuple[bytes, str]:
        """The body and its media type; an object protobuf cannot carry (a Status) goes as JSON."""
        if kind == PROTOBUF:
            if self.protobuf is not None and self.protobuf.can_encode(data):
                return self.protobuf.encode(data), PROTOBUF
            kind = JSON
        if kind == YAML:
            return safe_text(yaml.safe_dump(data, sort_keys=False)).encode(), YAML
        return json.dumps(data, separators=(",", ":")).encode(), JSON


def _accepted(accept: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The media types of an `Accept` header in order, with their parameters, less those
    refused with `q=0`."""
    for item in accept.split(","):
        kind, *parts = (part.strip() for part in item.split(";"))
        params = {k.strip().lower(): v.strip() for k, _, v in (p.partition("=") for p in parts)}
        if "q" in params and _is_zero(params["q"]):
            continue
        yield kind.lower(), params


def _is_zero(weight: str) -> bool:
    try:
        return float(weight) == 0
    except ValueError:
        return False


def json_safe(data: Any, max_depth: int = MAX_DEPTH) -> Any:
    """`data` as JSON can carry it, without recursion, or a `ValueError`.

    Keys must be strings; integers must fit 64 bits (a 4000-digit one would
    cost seconds to print); floats must be finite; nesting stops at
    `max_depth`. JSON may escape half a surrogate pair (`"\\ud83d"`), which no
    UTF-8 text can hold: Go's decoder reads it as U+FFFD, and so does this.
    """
    root: list[Any] = [data]
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        container, depth = stack.pop()
        pairs = container.items() if isinstance(container, dict) else enumerate(container)
        for key, value in pairs:
            kind = type(value)
            if kind is str:
                if not value.isascii() and _has_surrogate(value):
                    container[key] = safe_text(value)
            elif kind is int:
                if not -MAX_INTEGER < value < MAX_INTEGER:
                    raise ValueError("an integer does not fit 64 bits")
            elif kind is bool or value is None:
                continue
            elif kind is float:
                if not math.isfinite(value):
                    raise ValueError("a number is not finite")
            elif kind is dict or kind is list:
                if depth >= max_depth:
                    raise ValueError(f"nested deeper than {max_depth} levels")
                if kind is dict:
                    if not all(type(name) is str for name in value):
                        raise ValueError("a mapping key is not a string")
                    if not all(name.isascii() or not _has_surrogate(name) for name in value):
                        value = {safe_text(name): item for name, item in value.items()}
                        container[key] = value
                stack.append((value, depth + 1))
            else:
                raise ValueError(f"a value of type {kind.__name__} has no JSON form")
    return root[0]


# What, in a JSON text, could make `json_safe` change or refuse what it parses to: a `\u`
# escape (half a surrogate pair), NaN and infinities, 19 or more digits in a row (an integer
# past 64 bits), a three-digit exponent (a float past the finite range).
_UNSAFE_JSON = re.compile(rb"\\u|NaN|Infinity|\d{19}|[eE][+-]?\d{3}")


def json_safe_body(body: bytes, data: Any) -> Any:
    """`json_safe(data)` for `data` parsed from the JSON text `body`, without walking it
    when the text alone shows there is nothing to fix or refuse: ASCII (UTF-8) only, none
    of `_UNSAFE_JSON`, and too few brackets to nest past `MAX_DEPTH`."""
    if (
        body.isascii()
        and b"\x00" not in body  # UTF-16 or UTF-32, which json.loads also reads: walk it
        and body.count(b"{") + body.count(b"[") <= MAX_DEPTH
        and _UNSAFE_JSON.search(body) is None
    ):
        return data
    return json_safe(data)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def safe_text(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD."""
    if not _has_surrogate(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _undecodable(reason: str) -> ApiError:
    return ApiError(400, f"the body of the request could not be decoded: {reason}")


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
