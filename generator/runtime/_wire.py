"""Media types: request bodies in, responses out, as kube-apiserver negotiates them.

JSON always; YAML always; protobuf when the package embeds a descriptor set
(`_proto.py`). `Wire` holds what a package offers and does the negotiation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import yaml

from ._status import ApiError

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"
MAX_BODY_BYTES = 3 * 1024 * 1024  # kube-apiserver's limit for a request body

__all__ = ["JSON", "MAX_BODY_BYTES", "PROTOBUF", "YAML", "Codec", "Wire", "media_type"]


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
    """YAML that reads as JSON would: timestamps stay strings."""


_JsonYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# A JSON escape of a UTF-16 surrogate (\\ud800-\\udfff): only these can make a lone surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


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
                data: Any = self.protobuf.decode(body)
            elif kind == YAML:
                data = yaml.load(body, Loader=_JsonYamlLoader)  # noqa: S506 - a SafeLoader subclass
            else:
                data, duplicates = self._decode_json(body)
                if _SURROGATE_ESCAPE.search(body):  # rare: walk the data only then
                    data = _without_lone_surrogates(data)
        except (ValueError, yaml.YAMLError) as exc:
            raise ApiError(
                400, f"the body of the request could not be decoded: {_one_line(exc)}"
            ) from None
        if not isinstance(data, dict):
            raise ApiError(400, "the body of the request must be an object")
        return data, [error.field for error in duplicates]

    def response_type(self, accept: str) -> str:
        """The first media type of `Accept` the server writes (JSON for `*/*` or none); 406 if none."""
        return self.negotiate(accept)[0]

    def negotiate(self, accept: str) -> tuple[str, str]:
        """The media type of the answer and the conversion asked with it: the `as` parameter
        (`Table`, `PartialObjectMetadata`, ...) of the chosen media range, or ""."""
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
            return yaml.safe_dump(data, sort_keys=False).encode(), YAML
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


def _without_lone_surrogates(value: Any) -> Any:
    """JSON may escape half a surrogate pair (`"\\ud83d"`), which no UTF-8 text can hold;
    Go's decoder reads it as U+FFFD, and so does this."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
