"""Stage 3, validate: openapi-spec-validator on the slice.

Only the slice is validated: the whole 4 MB upstream document takes seconds,
its TokenRequest closure a few milliseconds, and problems outside the closure
cannot reach the generated code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from generator.errors import ApigenError, pointer
from generator.render.cache import memo_text


def first_problem(document: dict[str, Any]) -> tuple[str, str] | None:
    """(JSON pointer, message) of the first problem, or None for a valid document.

    The verdict is remembered for the exact document (generator.render.cache): the
    validator's import alone takes most of a second.
    """
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    verdict = memo_text(
        "openapi-spec-validator",
        ["openapi-spec-validator", "jsonschema"],
        [canonical],
        lambda: json.dumps(run_validator(document)),
    )
    found = json.loads(verdict)
    return None if found is None else (found[0], found[1])


def run_validator(document: dict[str, Any]) -> tuple[str, str] | None:
    from jsonschema.exceptions import best_match
    from openapi_spec_validator import validate as validate_openapi
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate_openapi(document)
    except OpenAPIValidationError as exc:
        # A failed oneOf hides the real cause in its context: take the deepest match.
        best: Any = exc
        while getattr(best, "context", None):
            best = best_match(best.context)
        path: Sequence[str | int] = getattr(best, "absolute_path", None) or exc.absolute_path
        where = pointer(*path)
        message = str(getattr(best, "message", None) or str(exc)).strip().splitlines()[0]
        if "is not valid under any of the" in message:  # the message would repeat the value
            message = "matches none of the forms allowed here (not a valid schema or $ref)"
        return where, message if len(message) <= 200 else message[:197] + "..."
    return None


def validate_document(document: dict[str, Any], source: str) -> None:
    problem = first_problem(document)
    if problem is not None:
        where, message = problem
        raise ApigenError(f"invalid OpenAPI: {message}", source=source, pointer=where)
