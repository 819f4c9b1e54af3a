"""The storage behind a server's verb routes: a typed protocol, one method per verb.

The server framework (`_server.py`) parses a request into these arguments and
answers with what the method returns; a method raises `_status.ApiError` for
an error answer (404 NotFound, 409 Conflict, 410 Expired, 422 Invalid, ...).
Objects go in and out in their JSON form (`dict`), as the API server stores
them; `resource` says which resource (or subresource) of the package is meant.

A namespace of `None` is the all-namespaces collection of a namespaced resource
(`/api/v1/configmaps`); cluster-scoped resources get `""`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from ._resource import ResourceInfo

__all__ = ["Backend", "DeleteOptions", "ListOptions", "WriteOptions"]


@dataclass(frozen=True)
class ListOptions:
    """The query of a list, a watch or a deletecollection (metav1.ListOptions)."""

    label_selector: str = ""
    field_selector: str = ""
    limit: int = 0  # 0: no limit
    continue_token: str = ""  # `continue`
    resource_version: str = ""
    resource_version_match: str = ""
    timeout_seconds: int | None = None
    allow_watch_bookmarks: bool = False
    send_initial_events: bool | None = None


@dataclass(frozen=True)
class WriteOptions:
    """The query of a create, update or patch (metav1.CreateOptions and friends).

    `fieldValidation` has been applied by the framework already (unknown and
    repeated fields become Warnings or a 400); it is passed on for backends
    that validate nested objects of their own.
    """

    dry_run: bool = False  # dryRun=All: check everything, persist nothing
    field_manager: str = ""
    field_validation: str = "Warn"  # Strict, Warn or Ignore
    force: bool = False  # server-side apply: take over conflicting fields


@dataclass(frozen=True)
class DeleteOptions:
    """A delete's query and `DeleteOptions` body, merged (the body wins, as in kube-apiserver)."""

    dry_run: bool = False
    grace_period_seconds: int | None = None
    propagation_policy: str = ""  # Orphan, Background or Foreground
    preconditions_uid: str = ""
    preconditions_resource_version: str = ""


class Backend(Protocol):
    """What the generic verb routes ask of their storage.

    `create` gets `name` for a create on a subresource of a named object
    (`POST .../pods/{name}/eviction`), else "". `patch` gets the decoded patch
    (an object, or the operation list of a JSON patch) and its media type:
    `application/merge-patch+json`, `application/json-patch+json`,
    `application/strategic-merge-patch+json` or `application/apply-patch+yaml`.
    `delete` answers the object (with `deletionTimestamp` while finalizers hold
    it) or a `Status` of success; `deletecollection` answers the list of what
    it deleted. `watch` yields events `{"type": "ADDED", "object": {...}}`
    (`MODIFIED`, `DELETED`, `BOOKMARK`, and `ERROR` with a Status object), and
    ends when `timeout_seconds` runs out.
    """

    def get(self, resource: ResourceInfo, namespace: str, name: str) -> dict[str, Any]: ...

    def list(
        self, resource: ResourceInfo, namespace: str | None, options: ListOptions
    ) -> dict[str, Any]: ...

    def create(
        self,
        resource: ResourceInfo,
        namespace: str,
        body: dict[str, Any],
        options: WriteOptions,
        name: str = "",
    ) -> dict[str, Any]: ...

    def update(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        body: dict[str, Any],
        options: WriteOptions,
    ) -> dict[str, Any]: ...

    def patch(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        patch: Any,
        patch_type: str,
        options: WriteOptions,
    ) -> dict[str, Any]: ...

    def delete(
        self, resource: ResourceInfo, namespace: str, name: str, options: DeleteOptions
    ) -> dict[str, Any]: ...

    def deletecollection(
        self,
        resource: ResourceInfo,
        namespace: str | None,
        options: ListOptions,
        delete_options: DeleteOptions,
    ) -> dict[str, Any]: ...

    def watch(
        self, resource: ResourceInfo, namespace: str | None, options: ListOptions
    ) -> AsyncIterator[dict[str, Any]]: ...
