"""Kubernetes `Status` error bodies: every error the server answers is one of these."""

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
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    500: "InternalError",  # only the safety net for a bug: no request should reach it
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
        "reason": REASONS[code],
    }
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


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
