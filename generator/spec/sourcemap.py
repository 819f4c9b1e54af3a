"""Where a pointer into the internal document is in the user's file.

Loading converts Swagger 2.0 (`#/definitions/X` becomes `#/components/schemas/X`,
body parameters become `requestBody`), and slicing shortens names
(`io.k8s.api.authentication.v1.BoundObjectReference` becomes
`BoundObjectReference`). Errors found later name the internal pointer; this map
turns it back into the one the user can open, so that a problem in an upstream
document reads `swagger.json#/definitions/io.k8s.api...BoundObjectReference/...`.
"""

from __future__ import annotations

import re

from generator.errors import ApigenError, pointer_escape

SCHEMAS = "/components/schemas/"
_REQUEST_BODY = re.compile(r"^(/paths/[^/]+/[a-z]+)/requestBody(?=/|$)")


def source_pointers(renames: dict[str, str], swagger: bool) -> tuple[tuple[str, str], ...]:
    """(internal prefix, source prefix) pairs for a slice's renamed schemas."""
    home = "/definitions/" if swagger else SCHEMAS
    pairs = [
        (SCHEMAS + pointer_escape(short), home + pointer_escape(full))
        for full, short in sorted(renames.items())
        if (home, full) != (SCHEMAS, short)
    ]
    if swagger:
        pairs.append(("/components/parameters", "/parameters"))
    return tuple(pairs)


def locate(at: str, pairs: tuple[tuple[str, str], ...], swagger: bool = False) -> str:
    """The source pointer of an internal one: the longest matching prefix is replaced."""
    best = ""
    for prefix, _ in pairs:
        if (at == prefix or at.startswith(prefix + "/")) and len(prefix) > len(best):
            best = prefix
    if best:
        return dict(pairs)[best] + at[len(best) :]
    if swagger:  # a request body was a body parameter; its schema was that parameter's
        at = _REQUEST_BODY.sub(r"\1/parameters", at)
    return at


def relocate(error: ApigenError, pairs: tuple[tuple[str, str], ...]) -> ApigenError:
    """The same error with its pointer in the user's file (the error itself if unchanged)."""
    if error.pointer is None or not pairs:
        return error
    swagger = any(source == "/parameters" for _, source in pairs)
    moved = locate(error.pointer, pairs, swagger)
    if moved == error.pointer:
        return error
    return ApigenError(error.message, source=error.source, pointer=moved)
