"""Stage 3, validate: openapi-spec-validator on the slice.

Only the slice is validated: the whole 4 MB upstream document takes seconds,
its TokenRequest closure a few milliseconds, and problems outside the closure
cannot reach the generated code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from generator.errors import ApigenError, pointer
from generator.render.cache import memo_text
from generator.spec.load import check_local_refs

# The base URI the validator resolves against: not a file, not a URL it could fetch.
DOCUMENT_URI = "urn:apigen:document"
REMOTE_REF_MESSAGE = "a $ref leaves the document; only local refs ('#/...') are read"


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


class RemoteRefRefused(Exception):
    """Raised by the validator's resolver for any `$ref` outside the document."""


class NoRetrieval(dict[str, Any]):
    """The validator's handlers, by URI scheme: every scheme (file, http, https,
    and any other) maps to a handler that refuses. jsonschema-path falls back to
    urllib for a scheme it has no handler for, so "no handlers" would not do."""

    def __contains__(self, scheme: object) -> bool:
        return True

    def __getitem__(self, scheme: str) -> Any:
        return refuse_retrieval


def refuse_retrieval(uri: str) -> Any:
    raise RemoteRefRefused(uri)


def caused_by_remote_ref(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, RemoteRefRefused):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@contextmanager
def without_requests() -> Iterator[None]:
    """While openapi-spec-validator imports, `import requests` fails: jsonschema-path then
    takes its urllib handler for http(s) instead of importing requests (~60 ms of a cold
    run), for retrievals apigen refuses anyway (NoRetrieval). Once requests is imported,
    or once the block ends, nothing changes."""
    if "requests" in sys.modules:
        yield
        return
    sys.modules["requests"] = None  # type: ignore[assignment]  # the documented import block
    try:
        yield
    finally:
        if sys.modules.get("requests", 0) is None:
            del sys.modules["requests"]


def run_validator(document: dict[str, Any]) -> tuple[str, str] | None:
    with without_requests():
        from jsonschema.exceptions import best_match
        from jsonschema_path import SchemaPath
        from openapi_spec_validator.shortcuts import get_validator_cls
        from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    validator_cls = get_validator_cls(document)
    try:
        # As openapi_spec_validator.validate, with a resolver that cannot leave the document.
        spec = SchemaPath.from_dict(document, base_uri=DOCUMENT_URI, handlers=NoRetrieval())
        validator_cls(spec).validate()
    except OpenAPIValidationError as exc:
        if caused_by_remote_ref(exc):
            return "", REMOTE_REF_MESSAGE
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
    except RecursionError:
        return "", "nested too deeply to validate"
    except Exception as exc:  # the resolver's refusal, wrapped by referencing or pathable
        if caused_by_remote_ref(exc):
            return "", REMOTE_REF_MESSAGE
        raise
    finally:
        forget_validators(validator_cls)
    return None


def forget_validators(validator_cls: Any) -> None:
    """Empty the validator class's `iter_errors` cache: openapi-spec-validator memoises
    that method in an unbounded `functools.lru_cache` keyed by the validator, which keeps
    every validated document (and what was resolved in it) alive for the whole process,
    ~20 MB for v1.35's every definition, which black's forked workers then inherit."""
    method = getattr(validator_cls, "iter_errors", None)
    while method is not None:
        clear = getattr(method, "cache_clear", None)
        if callable(clear):
            clear()
            return
        method = getattr(method, "__wrapped__", None)


def validate_document(document: dict[str, Any], source: str) -> None:
    check_local_refs(document, source)  # before any validator sees it
    problem = first_problem(document)
    if problem is not None:
        where, message = problem
        raise ApigenError(f"invalid OpenAPI: {message}", source=source, pointer=where)
