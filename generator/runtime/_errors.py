"""What the client raises and warns: the `Status` an API server answers errors with,
parsed, and one exception class per kind of answer.

The server side writes `Status` bodies in `_status`; this module only reads
them. Messages are cut to `MESSAGE_LIMIT` characters, so a hostile or broken
server cannot make an exception text of megabytes, and `printable` escapes
control characters (ANSI and OSC escapes included) for a terminal.

    ApiError              any non-2xx answer: .code (HTTP status), .status (Status or None)
    +-- BadRequest        400
    +-- Unauthorized      401
    +-- Forbidden         403
    +-- NotFound          404
    +-- Conflict          409
    +-- Gone              410, as a watch's ERROR event says of a resourceVersion too old
    +-- Invalid           422, .causes; also raised before sending by client-side validation
    +-- TooManyRequests   429, when the retries ran out
    +-- ServerError       5xx
"""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import Field, ValidationError

from ._base import KubeModel

__all__ = [
    "ApiError",
    "ApiWarning",
    "BadRequest",
    "Conflict",
    "Expired",
    "Forbidden",
    "Gone",
    "Invalid",
    "MESSAGE_LIMIT",
    "NotFound",
    "ServerError",
    "Status",
    "StatusCause",
    "StatusDetails",
    "TooManyRequests",
    "Unauthorized",
    "error_from_body",
    "error_from_status",
    "issue_warnings",
    "printable",
    "shorten",
]

MESSAGE_LIMIT = 1000  # characters of a server's message kept in an exception or a warning
WARNINGS_LIMIT = 100  # Warning headers of one answer issued; kube-apiserver sends fewer


# --- Status, the body of every API server error ------------------------------------


class StatusCause(KubeModel):
    """One reason an object was rejected, such as one invalid field."""

    reason: str | None = None
    message: str | None = None
    field: str | None = None


class StatusDetails(KubeModel):
    """What the error is about: the object, and for 422 every field at fault."""

    name: str | None = None
    group: str | None = None
    kind: str | None = None
    uid: str | None = None
    causes: list[StatusCause] | None = None
    retry_after_seconds: int | None = Field(None, alias="retryAfterSeconds")


class Status(KubeModel):
    """The `Status` object (meta/v1) an API server answers an error with, and some
    deletions with."""

    kind: str | None = None
    api_version: str | None = Field(None, alias="apiVersion")
    status: str | None = None
    message: str | None = None
    reason: str | None = None
    details: StatusDetails | None = None
    code: int | None = None


def parse_status(content: bytes | Mapping[str, Any]) -> Status | None:
    """The `Status` in a body, or None when the body is not one."""
    try:
        if isinstance(content, Mapping):
            status = Status.model_validate(content)
        else:
            status = Status.model_validate_json(content)
    except (ValidationError, ValueError):
        return None
    return status if status.kind == "Status" else None


# --- Errors --------------------------------------------------------------------------


class ApiError(Exception):
    """The API server answered with a status that is not 2xx.

    `code` is the HTTP status, `status` the parsed `Status` body, or None when
    the body was not one (plain text from a proxy, say); `str()` reads either way
    and is at most about `MESSAGE_LIMIT` characters.
    """

    def __init__(self, code: int, status: Status | None, message: str) -> None:
        super().__init__(shorten(message))
        self.code = code
        self.status = status

    @property
    def reason(self) -> str:
        """The Status reason (`NotFound`, `Invalid`, ...), or "" without a Status."""
        return (self.status.reason if self.status else None) or ""


class BadRequest(ApiError):
    """400: the request cannot be served as sent."""


class Unauthorized(ApiError):
    """401: no credentials, or credentials the server does not accept."""


class Forbidden(ApiError):
    """403: the credentials may not do this."""


class NotFound(ApiError):
    """404: the object, or one the request names, does not exist."""


class Conflict(ApiError):
    """409: the request conflicts with the stored state."""


class Gone(ApiError):
    """410: the resourceVersion asked for is too old (a watch or a list continue token
    expired); list again and watch from the list's resourceVersion."""


Expired = Gone  # the name client-go's `IsResourceExpired` suggests


class Invalid(ApiError):
    """422: the object is invalid; `causes` lists every field at fault."""

    @property
    def causes(self) -> list[StatusCause]:
        details = self.status.details if self.status else None
        return list(details.causes or []) if details else []


class TooManyRequests(ApiError):
    """429: throttled, and still so when the retries ran out."""


class ServerError(ApiError):
    """5xx: the server, or a proxy before it, failed."""


_ERRORS_BY_CODE: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: Gone,
    422: Invalid,
    429: TooManyRequests,
}
_BODY_EXCERPT = 300  # characters of a non-Status body kept in the message


def _error_type(code: int) -> type[ApiError]:
    return _ERRORS_BY_CODE.get(code, ServerError if code >= 500 else ApiError)


def error_from_status(status: Status, code: int | None = None) -> ApiError:
    """The typed error a `Status` describes (its own `code` unless `code` is given)."""
    code = code if code is not None else (status.code or 500)
    message = status.message or status.reason or f"the server answered {code}"
    return _error_type(code)(code, status, message)


def error_from_body(code: int, reason_phrase: str, content: bytes) -> ApiError:
    """The typed error for a non-2xx answer, with a readable message whatever its body
    (which may have been cut short: then it is read as text)."""
    status = parse_status(content)
    if status is not None and status.message:
        return error_from_status(status, code)
    text = " ".join(content.decode("utf-8", "replace").split())[:_BODY_EXCERPT] or "no body"
    message = f"the server answered {code} {reason_phrase}: {text}"
    return _error_type(code)(code, status, message)


def invalid_from_status(status: Mapping[str, Any], fallback: str) -> Invalid:
    """The 422 a client-side check raises, from the `Status` the validators build."""
    parsed = parse_status(status) or Status.model_validate(status)
    return Invalid(422, parsed, parsed.message or fallback)


# --- Text fit for a terminal and a log line -------------------------------------------


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`text`, or its first `limit` characters and how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


_KEPT = frozenset("\n\t")


def printable(text: str) -> str:
    """`text` with every control, format and unassigned character escaped (`\\x1b`,
    `\\u202e`), so a server's message cannot drive the terminal it is printed on."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        category = unicodedata.category(char)
        if char in _KEPT or not (category[0] == "C" or category in ("Zl", "Zp")):
            out.append(char)
        else:
            out.append(json.dumps(char)[1:-1])  # \u001b, \r, \ud800: always ASCII
    return "".join(out)


# --- Warning headers -----------------------------------------------------------------


class ApiWarning(UserWarning):
    """A warning the API server sent in a `Warning` header (RFC 7234, code 299)."""


# `299 - "text"`, several per header value, comma separated; the text may escape quotes.
_WARNING = re.compile(r'(\d{3})\s+\S+\s+"((?:[^"\\]|\\.)*)"(?:\s+"[^"]*")?')


def warning_texts(values: Iterable[str]) -> list[str]:
    """The texts of the `299` warnings among `Warning` header values, at most
    `WARNINGS_LIMIT`, each cut to `MESSAGE_LIMIT` characters."""
    texts: list[str] = []
    for value in values:
        for match in _WARNING.finditer(value):
            if match.group(1) == "299":
                texts.append(shorten(re.sub(r"\\(.)", r"\1", match.group(2))))
                if len(texts) == WARNINGS_LIMIT:
                    return texts
    return texts


def issue_warnings(response: Any, stacklevel: int = 4) -> None:
    """Issue each `299` warning of an answer (anything with httpx-like `headers`) as an
    `ApiWarning`, as client-go logs them."""
    for text in warning_texts(response.headers.get_list("warning")):
        warnings.warn(text, ApiWarning, stacklevel=stacklevel)
