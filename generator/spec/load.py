"""Stage 1, load: read a spec file (JSON, YAML, or gzip of either) into the internal form.

The internal form is an OpenAPI 3.0 document held as plain dicts. Swagger 2.0
input is converted to it (see `generator.spec.convert`); OpenAPI 3.1 is read as 3.0
with `type: [T, "null"]` folded into `nullable`. Nothing else is rewritten here:
allOf wrappers and dotted names are dealt with when the slice is lowered.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ApigenError, pointer
from generator.spec.convert import swagger2_to_openapi3

GZIP_MAGIC = b"\x1f\x8b"
# Bounds on what a spec may cost (docs/safety.md). Upstream Kubernetes documents
# are under 4 MB decompressed and nest 8 levels deep.
MAX_BYTES_ENV = "APIGEN_MAX_SPEC_BYTES"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64  # objects and arrays inside each other
MAX_INT_BITS = 128  # Kubernetes' integers are int64; an example may be a little wider


@dataclass(frozen=True)
class LoadedSpec:
    """A spec in the internal (OpenAPI 3.0) form, with where it came from."""

    source: str  # shown in messages: a path or URL
    document: dict[str, Any]
    sha256: str  # of the file's bytes, as `sha256sum` prints it, for generated headers
    original_version: str  # "2.0", "3.0.x" or "3.1.x"


def max_bytes() -> int:
    """The largest spec, compressed or not, that apigen reads: $APIGEN_MAX_SPEC_BYTES or 64 MiB."""
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ApigenError(f"must be a positive number of bytes, not {raw!r}", source=MAX_BYTES_ENV)
    return value


def too_large(source: str, limit: int, what: str = "is larger than") -> ApigenError:
    return ApigenError(f"{what} {limit} bytes (raise {MAX_BYTES_ENV} to read it)", source=source)


def read_bytes(path: Path) -> bytes:
    limit = max_bytes()
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise ApigenError("no such file", source=str(path)) from None
    except IsADirectoryError:
        raise ApigenError("is a directory, not a spec file", source=str(path)) from None
    except OSError as exc:
        raise ApigenError(f"cannot read: {exc.strerror}", source=str(path)) from None
    if len(data) > limit:
        raise too_large(str(path), limit)
    return data


def gunzip(data: bytes, source: str) -> bytes:
    """Decompress, never past the size limit: a small bomb stops at the limit, not in memory."""
    limit = max_bytes()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ApigenError(f"not a valid gzip file: {exc}", source=source) from None
    if len(out) > limit:
        raise too_large(source, limit, "decompresses to more than")
    return out


class NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (`*name`): an alias tree can expand
    a few hundred bytes into billions of nodes ("billion laughs"). Anchors alone
    are harmless and allowed."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event: Any = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not accepted", event.start_mark
            )
        return super().compose_node(parent, index)


def parse_bytes(data: bytes, source: str) -> Any:
    """Bytes (maybe gzipped) to a Python object, JSON first (fast), YAML otherwise.

    Bounded: the size (`max_bytes`), the nesting depth, the width of integers;
    YAML aliases are refused and strings must be valid Unicode (no lone surrogates).
    """
    if len(data) > max_bytes():
        raise too_large(source, max_bytes())
    if data[:2] == GZIP_MAGIC:
        data = gunzip(data, source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApigenError(f"not UTF-8 text (byte {exc.start})", source=source) from None
    is_json = text.lstrip()[:1] in ("{", "[")
    wide: list[int] = []  # JSON's integers wider than MAX_INT_BITS, seen as they are parsed
    try:
        raw = parse_json(text, source, wide) if is_json else parse_yaml(text, source)
    except RecursionError:
        raise nesting_error(source, "") from None
    # Decoded JSON holds a lone surrogate only where its text has a \uD800-\uDFFF escape;
    # without one (and without a wide integer) only nesting and refs remain to be checked,
    # by a walk that keeps no path. Anything found there is found again, with its pointer,
    # by check_tree.
    if is_json and not wide and not _SURROGATE_ESCAPE.search(text) and _only_local_refs(raw):
        return raw
    check_tree(raw, source)
    return raw


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _only_local_refs(raw: Any) -> bool:
    """No container nested MAX_DEPTH deep and no `$ref` string that leaves the document."""
    stack: list[tuple[Any, int]] = [(raw, 0)]
    while stack:
        node, depth = stack.pop()
        if depth >= MAX_DEPTH:
            return False
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return False
            values: Any = node.values()
        else:
            values = node
        stack.extend((value, depth + 1) for value in values if isinstance(value, dict | list))
    return True


def parse_json(text: str, source: str, wide: list[int] | None = None) -> Any:
    """`json.loads`; integers wider than MAX_INT_BITS are appended to `wide` (if given)."""

    def parse_int(digits: str) -> int:
        value = int(digits)
        if wide is not None and value.bit_length() > MAX_INT_BITS:
            wide.append(value)
        return value

    try:
        return json.loads(text, parse_int=parse_int)
    except json.JSONDecodeError as exc:
        raise ApigenError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=source
        ) from None
    except ValueError as exc:  # an integer of more than 4300 digits
        raise ApigenError(f"invalid JSON: {exc}", source=source) from None


def parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=NoAliasLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise ApigenError(f"invalid YAML{where}: {problem}", source=source) from None
    except ValueError as exc:  # an integer of more than 4300 digits
        raise ApigenError(f"invalid YAML: {exc}", source=source) from None


def nesting_error(source: str, at: str) -> ApigenError:
    return ApigenError(f"nested more than {MAX_DEPTH} levels deep", source=source, pointer=at)


def safe_token(token: object) -> str:
    """A pointer token fit for a message, even when it holds a lone surrogate."""
    return str(token).encode("utf-8", "backslashreplace").decode("utf-8")


def check_tree(raw: Any, source: str) -> None:
    """Walk the whole parsed document without recursion and refuse, with the JSON
    pointer of the first one: nesting deeper than MAX_DEPTH, a string (key or
    value) with a lone surrogate, an integer wider than MAX_INT_BITS, and any
    `$ref` that is not local to the document (`#...`): apigen never reads
    another file or URL on a spec's behalf."""
    stack: list[tuple[Any, tuple[object, ...]]] = [(raw, ())]
    while stack:
        node, at = stack.pop()
        if isinstance(node, dict):
            items: Any = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            check_scalar(node, at, source)
            continue
        if len(at) >= MAX_DEPTH:
            raise nesting_error(source, pointer(*map(safe_token, at)))
        for key, value in items:
            where = (*at, key)
            if isinstance(key, str):
                check_scalar(key, where, source)
            if key == "$ref" and isinstance(node, dict) and isinstance(value, str):
                check_local_ref(value, where, source)
            stack.append((value, where))


def check_scalar(value: Any, at: tuple[object, ...], source: str) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ApigenError(
                "a string holds a lone surrogate (not valid Unicode)",
                source=source,
                pointer=pointer(*map(safe_token, at)),
            ) from None
    elif isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > MAX_INT_BITS:
            raise ApigenError(
                f"integer wider than {MAX_INT_BITS} bits",
                source=source,
                pointer=pointer(*map(safe_token, at)),
            )


def check_local_ref(ref: str, at: tuple[object, ...], source: str) -> None:
    if not ref.startswith("#"):
        shown = ref if len(ref) <= 80 else ref[:77] + "..."
        raise ApigenError(
            f"$ref {safe_token(shown)!r} leaves the document; only local refs ('#/...') are read",
            source=source,
            pointer=pointer(*map(safe_token, at)),
        )


def check_local_refs(document: Any, source: str) -> None:
    """The same checks, for a document built in memory (after an overlay)."""
    check_tree(document, source)


def to_internal(raw: Any, source: str) -> tuple[dict[str, Any], str]:
    """Check the document is OpenAPI and bring it to the internal 3.0 form."""
    if not isinstance(raw, dict):
        raise ApigenError(
            "not an OpenAPI document: the top level is not an object", source=source, pointer=""
        )
    if str(raw.get("swagger", "")).startswith("2."):
        return swagger2_to_openapi3(raw, source), "2.0"
    version = str(raw.get("openapi", ""))
    if version.startswith("3.0"):
        return raw, version
    if version.startswith("3.1"):
        return {**fold_31_nullable(raw), "openapi": "3.0.3"}, version
    raise ApigenError(
        "not an OpenAPI document: no 'openapi: 3.x' or 'swagger: 2.0' field",
        source=source,
        pointer="",
    )


def fold_31_nullable(node: Any) -> Any:
    """OpenAPI 3.1's `type: [T, "null"]` becomes 3.0's `type: T, nullable: true`."""
    if isinstance(node, list):
        return [fold_31_nullable(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: fold_31_nullable(v) for k, v in node.items()}
    types = out.get("type")
    if isinstance(types, list):
        rest = [t for t in types if t != "null"]
        if len(rest) == 1:
            out["type"] = rest[0]
        if len(rest) < len(types):
            out["nullable"] = True
    return out


_PATH_TEMPLATE = re.compile(
    r"/(?:[^{}/]*(?:\{[^{}/]+\}[^{}/]*)*)?(?:/[^{}/]*(?:\{[^{}/]+\}[^{}/]*)*)*"
)


def check_paths(document: dict[str, Any], source: str) -> None:
    """Every path is a template the client and server can fill: it starts with `/`
    and its braces pair up around a parameter name, as in `/api/v1/{name}`."""
    paths = document.get("paths")
    if paths is None:
        return
    if not isinstance(paths, dict):
        raise ApigenError("'paths' is not an object", source=source, pointer="/paths")
    for path in paths:
        if not isinstance(path, str) or not _PATH_TEMPLATE.fullmatch(path):
            raise ApigenError(
                "not a path template: it must start with '/' and each '{' close"
                " with '}' around a parameter name",
                source=source,
                pointer=pointer("paths", safe_token(path)),
            )


def load_document(data: bytes, source: str) -> LoadedSpec:
    raw = parse_bytes(data, source)
    document, version = to_internal(raw, source)
    check_paths(document, source)
    digest = hashlib.sha256(data).hexdigest()
    return LoadedSpec(source=source, document=document, sha256=digest, original_version=version)


def load_spec(path: Path) -> LoadedSpec:
    """Read and normalise the spec at `path`; any problem is an ApigenError naming the file."""
    return load_document(read_bytes(path), str(path))
