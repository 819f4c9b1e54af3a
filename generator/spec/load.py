"""Stage 1, load: read a spec file (JSON, YAML, or gzip of either) into the internal form.

The internal form is an OpenAPI 3.0 document held as plain dicts. Swagger 2.0
input is converted to it (see `generator.spec.convert`); OpenAPI 3.1 is read as 3.0
with `type: [T, "null"]` folded into `nullable`. Nothing else is rewritten here:
allOf wrappers and dotted names are dealt with when the slice is lowered.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ApigenError
from generator.spec.convert import swagger2_to_openapi3

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class LoadedSpec:
    """A spec in the internal (OpenAPI 3.0) form, with where it came from."""

    source: str  # shown in messages: a path or URL
    document: dict[str, Any]
    sha256: str  # of the file's bytes, as `sha256sum` prints it, for generated headers
    original_version: str  # "2.0", "3.0.x" or "3.1.x"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ApigenError("no such file", source=str(path)) from None
    except IsADirectoryError:
        raise ApigenError("is a directory, not a spec file", source=str(path)) from None
    except OSError as exc:
        raise ApigenError(f"cannot read: {exc.strerror}", source=str(path)) from None


def parse_bytes(data: bytes, source: str) -> Any:
    """Bytes (maybe gzipped) to a Python object, JSON first (fast), YAML otherwise."""
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ApigenError(f"not a valid gzip file: {exc}", source=source) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApigenError(f"not UTF-8 text (byte {exc.start})", source=source) from None
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ApigenError(
                f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=source
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise ApigenError(f"invalid YAML{where}: {problem}", source=source) from None


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


def load_document(data: bytes, source: str) -> LoadedSpec:
    raw = parse_bytes(data, source)
    document, version = to_internal(raw, source)
    digest = hashlib.sha256(data).hexdigest()
    return LoadedSpec(source=source, document=document, sha256=digest, original_version=version)


def load_spec(path: Path) -> LoadedSpec:
    """Read and normalise the spec at `path`; any problem is an ApigenError naming the file."""
    return load_document(read_bytes(path), str(path))
