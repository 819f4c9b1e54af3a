"""A content-addressed memo for the pipeline's pure but slow steps.

black, datamodel-code-generator, openapi-spec-validator and protoc take most
of a run (and their imports most of the start-up), yet each is a pure function
of its input. `memo(step, parts, compute)` keys an entry by the sha256 of the
step's name, the exact versions of the tools it uses and every input part, so
a hit is byte-identical to a miss by construction: the cache can only save
time. Nothing is imported or run on a hit.

Entries live in $APIGEN_CACHE_DIR, else $XDG_CACHE_HOME/apigen, else
~/.cache/apigen. APIGEN_NO_CACHE=1 turns the cache off. Writes are atomic
(temporary file, then rename); a cache that cannot be read or written is
ignored, never an error.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from generator import __version__


def cache_dir() -> Path | None:
    if os.environ.get("APIGEN_NO_CACHE"):
        return None
    explicit = os.environ.get("APIGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "apigen"


@cache
def tool_version(distribution: str) -> str:
    """The installed version of a tool; part of every key that uses it."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def cache_key(step: str, tools: Iterable[str], parts: Iterable[str | bytes]) -> str:
    digest = hashlib.sha256(f"apigen {__version__}\0{step}\0".encode())
    for tool in tools:
        digest.update(f"{tool}=={tool_version(tool)}\0".encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)  # length-prefixed: no ambiguity
    return digest.hexdigest()


def memo(
    step: str, tools: Iterable[str], parts: Iterable[str | bytes], compute: Callable[[], bytes]
) -> bytes:
    """`compute()`, or its stored result for exactly these tools and inputs."""
    folder = cache_dir()
    if folder is None:
        return compute()
    key = cache_key(step, tools, parts)
    path = folder / step / key[:2] / key
    try:
        return path.read_bytes()
    except OSError:
        pass
    result = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(result)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only or full disk costs time, never correctness
    return result


def memo_text(
    step: str, tools: Iterable[str], parts: Iterable[str | bytes], compute: Callable[[], str]
) -> str:
    return memo(step, tools, parts, lambda: compute().encode()).decode()
