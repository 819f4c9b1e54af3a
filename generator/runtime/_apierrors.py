"""The Kubernetes errors of the store, as apimachinery's `api/errors` words them.

`KubeError` is an `ApiError` (so the server answers it as it answers every
error) that carries its own `reason`, for the reasons `_status.REASONS` does not
map from the code alone: `AlreadyExists`, `Expired`.
"""

from __future__ import annotations

from typing import Any

from ._resource import ResourceInfo
from ._status import REASONS, ApiError, status_body

__all__ = [
    "KubeError",
    "already_exists",
    "apply_conflict",
    "bad_request",
    "conflict",
    "details",
    "expired",
    "invalid",
    "not_found",
    "qualified",
]

# What kube-apiserver says when a write carries a stale metadata.resourceVersion.
MODIFIED = (
    "the object has been modified; please apply your changes to the latest version and try again"
)


class KubeError(ApiError):
    """An `ApiError` whose Status has `reason` (which may differ from the code's usual one)."""

    def __init__(
        self, code: int, reason: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(code, message, details)
        self.reason = reason

    def status(self) -> dict[str, Any]:
        body = status_body(self.code if self.code in REASONS else 500, self.message, self.details)
        body["reason"] = self.reason
        body["code"] = self.code
        return body


def qualified(resource: ResourceInfo) -> str:
    """`configmaps`, or `deployments.apps`: the group-resource of messages."""
    return f"{resource.plural}.{resource.group}" if resource.group else resource.plural


def details(resource: ResourceInfo, name: str, uid: str = "") -> dict[str, Any]:
    """A Status' `details`: name, group (left out for the core group), kind (the plural)."""
    body: dict[str, Any] = {"name": name}
    if resource.group:
        body["group"] = resource.group
    body["kind"] = resource.plural
    if uid:
        body["uid"] = uid
    return body


def not_found(resource: ResourceInfo, name: str) -> KubeError:
    return KubeError(
        404, "NotFound", f'{qualified(resource)} "{name}" not found', details(resource, name)
    )


def already_exists(resource: ResourceInfo, name: str) -> KubeError:
    return KubeError(
        409,
        "AlreadyExists",
        f'{qualified(resource)} "{name}" already exists',
        details(resource, name),
    )


def conflict(resource: ResourceInfo, name: str, why: str = MODIFIED) -> KubeError:
    return KubeError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {qualified(resource)} "{name}": {why}',
        details(resource, name),
    )


def apply_conflict(message: str, causes: list[dict[str, Any]]) -> KubeError:
    """Server-side apply's 409: `details` holds only the causes, as NewApplyConflict does."""
    return KubeError(409, "Conflict", message, {"causes": causes})


def expired(message: str) -> KubeError:
    return KubeError(410, "Expired", message)


def bad_request(message: str) -> KubeError:
    return KubeError(400, "BadRequest", message)


def invalid(
    resource: ResourceInfo, kind: str, name: str, causes: list[dict[str, str]]
) -> KubeError:
    """A 422 worded as `errors.NewInvalid`: causes are {reason, message, field}."""
    what = f"{kind}.{resource.group}" if resource.group else kind
    parts = [f"{c['field']}: {c['message']}" for c in causes]
    text = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    body: dict[str, Any] = {"name": name}
    if resource.group:
        body["group"] = resource.group
    body["kind"] = kind
    body["causes"] = causes
    return KubeError(422, "Invalid", f'{what} "{name}" is invalid: {text}', body)
