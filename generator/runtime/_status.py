"""Kubernetes `Status` (meta/v1): the body of every error the server answers, defined once.

`status_body` writes it as kube-apiserver does; `ApiError` is the exception the
server framework (`_server.py`) turns into one. `parse_status` reads one back,
for clients and tests.
"""

from __future__ import annotations

from typing import Any

REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",  # only the safety net for a bug: no request should reach it
    503: "ServiceUnavailable",
    504: "Timeout",
}


STATUS_SCHEMA: dict[str, Any] = {  # the JSON Schema of what status_body writes
    "type": "object",
    "description": "The error body of every failed request.",
    "required": ["kind", "apiVersion", "status", "message", "reason", "code"],
    "properties": {
        "kind": {"type": "string", "enum": ["Status"]},
        "apiVersion": {"type": "string", "enum": ["v1"]},
        "metadata": {"type": "object"},
        "status": {"type": "string", "enum": ["Failure"]},
        "message": {"type": "string"},
        "reason": {"type": "string"},
        "details": {"type": "object"},
        "code": {"type": "integer"},
    },
}


class ApiError(Exception):
    """An error answered as a `Status` with `code` and the matching `reason`.

    `details` is the Status' `details` object; kube-apiserver leaves it out of
    400s, so it is optional.
    """

    def __init__(self, code: int, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.warnings: list[str] = []  # sent as Warning headers with the error

    @classmethod
    def from_status(cls, status: dict[str, Any]) -> ApiError:
        """The error a `Status` body (such as the validators' `to_status`) describes."""
        return cls(int(status["code"]), str(status["message"]), status.get("details"))

    def status(self) -> dict[str, Any]:
        return status_body(self.code, self.message, self.details)


def status_body(code: int, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """A `Status` object as kube-apiserver writes it."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": REASONS.get(code, "Unknown"),
    }
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def success_status(details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `Status` of a success without an object (a delete answered by a Status)."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
    }
    if details is not None:
        body["details"] = details
    return body


def parse_status(data: Any) -> dict[str, Any] | None:
    """`data` (decoded JSON) if it is a `Status` object, else None."""
    if isinstance(data, dict) and data.get("kind") == "Status":
        return data
    return None


def not_found(resource: str, name: str) -> ApiError:
    return ApiError(404, f'{resource} "{name}" not found', {"name": name, "kind": resource})


def invalid(
    kind: str, group: str, name: str, field: str, cause: str, reason: str = "FieldValueInvalid"
) -> ApiError:
    """A 422 on one field, worded as apimachinery's `errors.NewInvalid`."""
    return ApiError(
        422,
        f'{kind}.{group} "{name}" is invalid: {field}: {cause}',
        {
            "name": name,
            "group": group,
            "kind": kind,
            "causes": [{"reason": reason, "message": cause, "field": field}],
        },
    )


def method_not_allowed() -> ApiError:
    """A path the server knows, with a method it does not serve there."""
    return ApiError(405, "the server does not allow this method on the requested resource", {})


def page_not_found() -> ApiError:
    """A path the server does not serve: kube-apiserver's words for an unknown path."""
    return ApiError(404, "the server could not find the requested resource", {})
