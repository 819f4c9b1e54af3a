"""An in-memory store with kube-apiserver's semantics, adapted to the server's
`_backend.Backend` by `StoreBackend`.

Objects are plain JSON dicts; resources are `ResourceInfo`. One `Store` holds
every resource of a package, with one cluster-wide, increasing resourceVersion.
Errors are `KubeError`s (an `ApiError`) carrying kube-apiserver's Status.

What it does, as kube-apiserver does:

- create fills `metadata.uid`, `creationTimestamp`, `resourceVersion`,
  `generation` (1, for objects with a `spec` or a status subresource), a name from
  `generateName`, the namespace from the URL; 409 AlreadyExists.
- update and patch: 404 NotFound (`configmaps "x" not found`), 409 Conflict on a
  stale `metadata.resourceVersion`, `generation` bumped when anything outside
  `metadata` (and `status`, with a status subresource) changes; a write that
  changes nothing stores nothing and sends no event.
- with a status subresource, writes to the resource keep the stored `status`, and
  writes to `status` keep everything but `status`; create drops `status`.
- delete answers the deleted object for the resources in `return_deleted` (pods,
  serviceaccounts, namespaces, storageclasses and custom resources), else a
  `Status` with `status: Success` and details; with finalizers it sets
  `deletionTimestamp` and `deletionGracePeriodSeconds: 0` and answers the object;
  removing the last finalizer then deletes. deletecollection answers the list of
  what it deleted.
- list: label and field selectors, `limit`/`continue` on a consistent snapshot
  (rebuilt from the event history; a token older than the history is 410 Expired).
- `dry_run` persists nothing and sends no event.
- a `validate` callable sees every object about to be stored and answers a
  422 `Status` dict (or raises an `ApiError`), or None.

Simplified: `resourceVersion`/`resourceVersionMatch` on list are ignored (a list
is always the latest state); update never creates; preconditions on delete are
uid and resourceVersion; graceful deletion is immediate (no pod termination).
"""

from __future__ import annotations

import base64
import datetime
import json
import random
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import yaml

from ._apierrors import (
    KubeError,
    already_exists,
    bad_request,
    conflict,
    details,
    expired,
    invalid,
    not_found,
)
from ._apply import apply, record_update
from ._backend import Backend, DeleteOptions, ListOptions, WriteOptions
from ._patch import MergeSchema, json_patch, merge_patch, strategic_merge_patch
from ._resource import ResourceInfo
from ._selectors import parse_field_selector, parse_label_selector
from ._status import ApiError
from ._watch import Event, EventLog, Watcher, WatchFilter

__all__ = [
    "PATCH_TYPES",
    "RETURN_DELETED",
    "Store",
    "StoreBackend",
    "Validate",
    "now_rfc3339",
]

JSON = dict[str, Any]
# A validator: the 422 Status dict of what is wrong with the object, or None.
Validate = Callable[[ResourceInfo, JSON], JSON | None]

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH)

# (group, plural) of the built-in resources whose delete answers the object, not a Status.
RETURN_DELETED = frozenset(
    {
        ("", "pods"),
        ("", "serviceaccounts"),
        ("", "namespaces"),
        ("storage.k8s.io", "storageclasses"),
    }
)

EXPIRED_CONTINUE = (
    "The provided continue parameter is too old to display a consistent list result. "
    "You can start a new list without the continue parameter, or use the continue token "
    "in this response to retrieve the remainder of the results. Continuing with the "
    "provided token results in an inconsistent list - objects that were created, modified, "
    "or deleted between the time the first chunk was returned and now may show up in the list."
)
_NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # apiserver's names.SimpleNameGenerator alphabet
_SERVER_FIELDS = ("uid", "creationTimestamp", "generation", "deletionTimestamp")


def now_rfc3339() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Key = tuple[str, str, str, str]  # group, plural, namespace, name
_T = TypeVar("_T")


def _copy(value: _T) -> _T:
    """A deep copy of JSON data (dicts, lists and scalars), as `copy.deepcopy` makes it
    but without its memo and dispatch: what a write keeps or a read answers is a copy."""
    return cast(_T, _copy_value(value))


def _copy_value(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copy_value(item) for key, item in value.items()}
    if kind is list:
        return [_copy_value(item) for item in value]
    return value


class Store:
    """The in-memory storage of `StoreBackend`: every resource of `resources` in memory.

    `schemas` maps a kind to its `MergeSchema` (for strategic merge and apply);
    `custom` names the (group, plural) of custom resources (no strategic merge,
    delete answers the object); `history` is the number of events kept for watch
    and paging; `clock` and `uid` are for tests.
    """

    def __init__(
        self,
        resources: Iterable[ResourceInfo],
        *,
        schemas: Mapping[str, MergeSchema] | None = None,
        validate: Validate | None = None,
        custom: Collection[tuple[str, str]] = (),
        return_deleted: Collection[tuple[str, str]] = RETURN_DELETED,
        field_selectors: Mapping[tuple[str, str], Collection[str]] | None = None,
        history: int = 1000,
        watch_queue: int = 1000,
        bookmark_interval: float = 60.0,
        clock: Callable[[], str] = now_rfc3339,
        uid: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        resources = list(resources)
        self.resources = [r for r in resources if not r.subresource]
        self._status = {(r.group, r.plural) for r in resources if r.subresource == "status"}
        self._schemas = dict(schemas or {})
        self._validate = validate
        self._custom = frozenset(custom)
        self._return_deleted = frozenset(return_deleted) | self._custom
        self._field_selectors = dict(field_selectors or {})
        self._clock = clock
        self._uid = uid
        self._watch_queue = watch_queue
        self._bookmark_interval = bookmark_interval
        self._lock = threading.RLock()
        self._objects: dict[Key, JSON] = {}
        # the same objects by (group, plural, namespace), then name: a list reads its own
        self._index: dict[tuple[str, str, str], dict[str, JSON]] = {}
        self._rv = 0
        self.log = EventLog(history)
        self._listeners: list[Callable[[], None]] = []

    # -- helpers ---------------------------------------------------------------

    @property
    def resource_version(self) -> int:
        return self._rv

    def has_status(self, resource: ResourceInfo) -> bool:
        return (resource.group, resource.plural) in self._status

    def resource_for(self, api_version: str, kind: str) -> ResourceInfo | None:
        return next(
            (r for r in self.resources if r.api_version == api_version and r.kind == kind), None
        )

    def add_listener(self, callback: Callable[[], None]) -> None:
        """`callback()` runs after every stored change, under the store's lock."""
        self._listeners.append(callback)

    def _schema(self, resource: ResourceInfo) -> MergeSchema:
        return self._schemas.get(resource.kind, MergeSchema())

    def _key(self, resource: ResourceInfo, namespace: str, name: str) -> Key:
        return (resource.group, resource.plural, namespace if resource.namespaced else "", name)

    def _load(self, resource: ResourceInfo, namespace: str, name: str) -> JSON:
        found = self._objects.get(self._key(resource, namespace, name))
        if found is None:
            raise not_found(resource, name)
        return found

    def _check_kind(self, resource: ResourceInfo, body: Any) -> JSON:
        if not isinstance(body, dict):
            raise bad_request("the body of the request must be an object")
        kind, api_version = body.get("kind"), body.get("apiVersion")
        if kind not in (None, "", resource.kind) or api_version not in (
            None,
            "",
            resource.api_version,
        ):
            raise bad_request(
                f"the object provided is unrecognized (must be of type {resource.kind}): "
                f"kind {kind!r}, apiVersion {api_version!r}"
            )
        obj: JSON = {"apiVersion": resource.api_version, "kind": resource.kind}
        obj.update((k, _copy(v)) for k, v in body.items() if k not in obj)
        metadata = obj.get("metadata")
        if metadata is None:
            obj["metadata"] = {}
        else:
            _check_metadata(resource, metadata)
        return obj

    def _check_namespace(self, resource: ResourceInfo, namespace: str, body: JSON) -> None:
        metadata = body["metadata"]
        if not resource.namespaced:
            metadata.pop("namespace", None)
            return
        given = metadata.get("namespace") or ""
        if given and given != namespace:
            raise bad_request(
                "the namespace of the provided object does not match the namespace sent on the request"
            )
        if not namespace:
            raise bad_request("an empty namespace may not be set when a resource name is provided")
        metadata["namespace"] = namespace

    def _run_validate(self, resource: ResourceInfo, obj: JSON) -> None:
        if self._validate is None:
            return
        status = self._validate(resource, obj)
        if status is not None:
            raise ApiError.from_status(status)

    def _commit(self, event_type: str, key: Key, old: JSON | None, new: JSON) -> JSON:
        self._rv += 1
        new["metadata"]["resourceVersion"] = str(self._rv)
        bucket = self._index.setdefault(key[:3], {})
        if event_type == "DELETED":
            del self._objects[key]
            del bucket[key[3]]
            if not bucket:
                del self._index[key[:3]]
        else:
            self._objects[key] = new
            bucket[key[3]] = new
        self.log.append(
            Event(event_type, (key[0], key[1]), key[2], key[3], new, old, resource_version=self._rv)
        )
        for listener in self._listeners:
            listener()
        return _copy(new)

    def _generation(self, resource: ResourceInfo, old: JSON, new: JSON) -> None:
        generation = old["metadata"].get("generation")
        if generation is None:
            return
        skip = {"metadata", "status"} if self.has_status(resource) else {"metadata"}

        def content(obj: JSON) -> JSON:
            return {k: v for k, v in obj.items() if k not in skip}

        changed = content(old) != content(new) or (
            new["metadata"].get("deletionTimestamp")
            and not old["metadata"].get("deletionTimestamp")
        )
        new["metadata"]["generation"] = generation + 1 if changed else generation

    # -- reads -----------------------------------------------------------------

    def get(self, resource: ResourceInfo, namespace: str, name: str, *, copy: bool = True) -> JSON:
        """The object; with `copy=False` the stored object itself, for a caller that only
        reads it (a stored object is never changed in place: a write stores a new one)."""
        with self._lock:
            found = self._load(resource, namespace, name)
            return _copy(found) if copy else found

    def get_status(
        self, resource: ResourceInfo, namespace: str, name: str, *, copy: bool = True
    ) -> JSON:
        return self.get(resource, namespace, name, copy=copy)

    def _selector(
        self, resource: ResourceInfo, label_selector: str, field_selector: str
    ) -> Callable[[JSON], bool]:
        labels = parse_label_selector(label_selector)
        fields = parse_field_selector(
            field_selector, self._field_selectors.get((resource.group, resource.plural), ())
        )
        return lambda obj: labels.matches(obj) and fields.matches(obj)

    def _snapshot(self, resource: ResourceInfo, resource_version: int) -> dict[Key, JSON]:
        """The resource's objects as they were at `resource_version` (410 if forgotten)."""
        try:
            events = self.log.since(resource_version)
        except KubeError:
            raise expired(EXPIRED_CONTINUE) from None
        objects = {
            k: v
            for k, v in self._objects.items()
            if (k[0], k[1]) == (resource.group, resource.plural)
        }
        for event in reversed(events):
            if event.resource != (resource.group, resource.plural):
                continue
            key = (event.resource[0], event.resource[1], event.namespace, event.name)
            if event.type == "ADDED":
                objects.pop(key, None)
            elif event.previous is not None:
                objects[key] = event.previous
        return objects

    def _current(self, resource: ResourceInfo, namespace: str) -> dict[Key, JSON]:
        """The resource's objects in `namespace` (every namespace for "")."""
        group, plural = resource.group, resource.plural
        if namespace:
            buckets = [(namespace, self._index.get((group, plural, namespace), {}))]
        else:
            buckets = [(k[2], v) for k, v in self._index.items() if k[:2] == (group, plural)]
        return {
            (group, plural, where, name): obj
            for where, bucket in buckets
            for name, obj in bucket.items()
        }

    def list(
        self,
        resource: ResourceInfo,
        namespace: str,
        *,
        label_selector: str = "",
        field_selector: str = "",
        limit: int = 0,
        continue_: str = "",
        copy: bool = True,
    ) -> JSON:
        """The list; with `copy=False` its items are the stored objects (see `get`)."""
        matches = self._selector(resource, label_selector, field_selector)
        if limit < 0:
            raise bad_request("limit must be a positive number")
        with self._lock:
            start: tuple[str, str] | None = None
            if continue_:
                rv, start = _decode_continue(continue_)
                objects = self._snapshot(resource, rv)
            else:
                rv = self._rv
                objects = self._current(resource, namespace)
            items: list[JSON] = []
            token, remaining = "", 0
            ordered = sorted(objects.items())
            for position, (key, obj) in enumerate(ordered):
                if namespace and key[2] != namespace:
                    continue
                if start is not None and (key[2], key[3]) <= start:
                    continue
                if not matches(obj):
                    continue
                if limit and len(items) == limit:
                    token = _encode_continue(rv, items[-1])
                    if not label_selector and not field_selector:
                        remaining = sum(
                            1 for k, _ in ordered[position:] if not namespace or k[2] == namespace
                        )
                    break
                items.append(_copy(obj) if copy else obj)
        metadata: JSON = {"resourceVersion": str(rv)}
        if token:
            metadata["continue"] = token
            if remaining:
                metadata["remainingItemCount"] = remaining
        return {
            "kind": resource.list_kind or f"{resource.kind}List",
            "apiVersion": resource.api_version,
            "metadata": metadata,
            "items": items,
        }

    def watch(
        self,
        resource: ResourceInfo,
        namespace: str,
        *,
        resource_version: str = "",
        label_selector: str = "",
        field_selector: str = "",
        allow_bookmarks: bool = False,
        timeout_seconds: float | None = None,
    ) -> Watcher:
        """A watch from `resource_version`; unset or "0" first sends ADDED for every
        matching object. A version older than the history is one ERROR event (410)."""
        matches = self._selector(resource, label_selector, field_selector)
        try:
            since = int(resource_version) if resource_version not in ("", "0") else None
        except ValueError:
            raise bad_request(f'invalid resource version "{resource_version}"') from None
        scope = WatchFilter(
            (resource.group, resource.plural), namespace if resource.namespaced else "", matches
        )
        with self._lock:
            if since is None:
                initial = [
                    {"type": "ADDED", "object": obj}
                    for key, obj in sorted(self._objects.items())
                    if (key[0], key[1]) == scope.resource
                    and (not scope.namespace or key[2] == scope.namespace)
                    and matches(obj)
                ]
                start = self._rv
            else:
                try:
                    events = self.log.since(since)
                except KubeError as error:
                    return Watcher.failed(
                        error, kind=resource.kind, api_version=resource.api_version
                    )
                initial = [e for e in (scope.event(ev) for ev in events) if e is not None]
                start = max(since, self._rv) if events else since
            return Watcher(
                self.log,
                scope,
                initial,
                kind=resource.kind,
                api_version=resource.api_version,
                resource_version=start,
                timeout_seconds=timeout_seconds,
                bookmarks=allow_bookmarks,
                bookmark_interval=self._bookmark_interval,
                queue_size=self._watch_queue,
            )

    # -- writes ----------------------------------------------------------------

    def create(
        self,
        resource: ResourceInfo,
        namespace: str,
        body: JSON,
        *,
        dry_run: bool = False,
        field_manager: str = "",
    ) -> JSON:
        return self._create(resource, namespace, body, dry_run=dry_run, manager=field_manager)

    def _create(
        self,
        resource: ResourceInfo,
        namespace: str,
        body: JSON,
        *,
        dry_run: bool,
        manager: str,
        managed: Any = None,
    ) -> JSON:
        """Create; `managed` is the managedFields of an apply that creates."""
        obj = self._check_kind(resource, body)
        self._check_namespace(resource, namespace, obj)
        metadata = obj["metadata"]
        with self._lock:
            if not metadata.get("name"):
                prefix = metadata.get("generateName") or ""
                if not prefix:
                    raise invalid(
                        resource,
                        resource.kind,
                        "",
                        [
                            {
                                "reason": "FieldValueRequired",
                                "message": "Required value: name or generateName is required",
                                "field": "metadata.name",
                            }
                        ],
                    )
                for _ in range(8):
                    metadata["name"] = prefix + "".join(random.choices(_NAME_CHARS, k=5))
                    if self._key(resource, namespace, metadata["name"]) not in self._objects:
                        break
            name = metadata["name"]
            key = self._key(resource, namespace, name)
            if key in self._objects:
                raise already_exists(resource, name)
            for field in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"):
                metadata.pop(field, None)
            metadata.pop("managedFields", None)
            metadata["uid"] = self._uid()
            metadata["creationTimestamp"] = self._clock()
            if self.has_status(resource):
                obj.pop("status", None)
            if "spec" in obj or self.has_status(resource) or self._is_custom(resource):
                metadata["generation"] = 1
            else:
                metadata.pop("generation", None)
            if managed is not None:
                metadata["managedFields"] = managed
            else:
                record_update(
                    None,
                    obj,
                    self._schema(resource),
                    manager=manager or "unknown",
                    api_version=resource.api_version,
                    now=self._clock(),
                    status_subresource=self.has_status(resource),
                )
            self._run_validate(resource, obj)
            if dry_run:
                return obj
            return self._commit("ADDED", key, None, obj)

    def _is_custom(self, resource: ResourceInfo) -> bool:
        return (resource.group, resource.plural) in self._custom

    def _store_update(
        self,
        resource: ResourceInfo,
        key: Key,
        old: JSON,
        new: JSON,
        *,
        subresource: str,
        dry_run: bool,
        manager: str | None,
    ) -> JSON:
        """Keep the server's fields, check the version, track managers, store."""
        name = key[3]
        self._check_namespace(resource, key[2], new)
        metadata = new["metadata"]
        given = metadata.get("name") or name
        if given != name:
            raise bad_request(
                f"the name of the object ({given}) does not match the name on the URL ({name})"
            )
        metadata["name"] = name
        wanted = metadata.get("resourceVersion")
        if wanted and wanted != old["metadata"].get("resourceVersion"):
            raise conflict(resource, name)
        uid = metadata.get("uid")
        if uid and uid != old["metadata"].get("uid"):
            raise conflict(
                resource,
                name,
                f"Precondition failed: UID in precondition: {uid}, "
                f"UID in object meta: {old['metadata'].get('uid')}",
            )
        if old["metadata"].get("deletionTimestamp") and subresource != "status":
            added = [
                f
                for f in metadata.get("finalizers") or []
                if f not in old["metadata"].get("finalizers", [])
            ]
            if added:
                listed = ", ".join(f'"{f}"' for f in added)
                raise invalid(
                    resource,
                    resource.kind,
                    name,
                    [
                        {
                            "reason": "FieldValueForbidden",
                            "message": "Forbidden: no new finalizers can be added if the object "
                            f"is being deleted, found new finalizers []string{{{listed}}}",
                            "field": "metadata.finalizers",
                        }
                    ],
                )
        if subresource == "status":
            status, managed = new.get("status"), metadata.get("managedFields")
            new = _copy(old)
            if status is None:
                new.pop("status", None)
            else:
                new["status"] = status
            metadata = new["metadata"]
            if manager is None:  # apply: the managedFields it computed
                metadata["managedFields"] = managed
        elif self.has_status(resource):
            if "status" in old:
                new["status"] = _copy(old["status"])
            else:
                new.pop("status", None)
        for field in _SERVER_FIELDS + ("deletionGracePeriodSeconds",):
            if field in old["metadata"]:
                metadata[field] = old["metadata"][field]
            else:
                metadata.pop(field, None)
        metadata["resourceVersion"] = old["metadata"].get("resourceVersion")
        self._generation(resource, old, new)
        if manager is not None:
            metadata["managedFields"] = _copy(old["metadata"].get("managedFields") or [])
            record_update(
                old,
                new,
                self._schema(resource),
                manager=manager or "unknown",
                api_version=resource.api_version,
                now=self._clock(),
                subresource=subresource,
                status_subresource=self.has_status(resource),
            )
        if new == old:
            return _copy(old)
        self._run_validate(resource, new)
        if metadata.get("deletionTimestamp") and not metadata.get("finalizers"):
            if dry_run:
                return new
            self._commit("DELETED", key, old, new)
            return _copy(new)
        if dry_run:
            return new
        return self._commit("MODIFIED", key, old, new)

    def _update(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        body: JSON,
        *,
        subresource: str,
        dry_run: bool,
        field_manager: str,
    ) -> JSON:
        new = self._check_kind(resource, body)
        with self._lock:
            old = self._load(resource, namespace, name)
            return self._store_update(
                resource,
                self._key(resource, namespace, name),
                old,
                new,
                subresource=subresource,
                dry_run=dry_run,
                manager=field_manager,
            )

    def update(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        body: JSON,
        *,
        dry_run: bool = False,
        field_manager: str = "",
    ) -> JSON:
        return self._update(
            resource,
            namespace,
            name,
            body,
            subresource="",
            dry_run=dry_run,
            field_manager=field_manager,
        )

    def update_status(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        body: JSON,
        *,
        dry_run: bool = False,
        field_manager: str = "",
    ) -> JSON:
        return self._update(
            resource,
            namespace,
            name,
            body,
            subresource="status",
            dry_run=dry_run,
            field_manager=field_manager,
        )

    def _patch(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        patch: Any,
        patch_type: str,
        *,
        subresource: str,
        dry_run: bool,
        field_manager: str,
        force: bool,
    ) -> JSON:
        patch_type = patch_type.split(";")[0].strip().lower()
        allowed = [t for t in PATCH_TYPES if t != STRATEGIC_PATCH or not self._is_custom(resource)]
        if patch_type not in allowed:
            raise KubeError(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - "
                f"accepted media types include: {', '.join(allowed)}",
            )
        patch = _decode_patch(patch, patch_type)
        schema = self._schema(resource)
        with self._lock:
            key = self._key(resource, namespace, name)
            old = self._objects.get(key)
            if patch_type == APPLY_PATCH:
                if not isinstance(patch, dict):
                    raise bad_request("the apply configuration must be an object")
                applied = self._check_kind(resource, patch)
                given = applied["metadata"].get("name")
                if given and given != name:
                    raise bad_request(
                        f"the name of the object ({given}) does not match the name on the URL ({name})"
                    )
                applied["metadata"]["name"] = name
                self._check_namespace(resource, namespace, applied)
                merged = apply(
                    old,
                    applied,
                    schema,
                    manager=field_manager,
                    force=force,
                    api_version=resource.api_version,
                    now=self._clock(),
                    subresource=subresource,
                    status_subresource=self.has_status(resource),
                )
                if old is None:
                    if subresource:
                        raise not_found(resource, name)
                    managed = merged["metadata"].pop("managedFields", None)
                    return self._create(
                        resource,
                        namespace,
                        merged,
                        dry_run=dry_run,
                        manager=field_manager,
                        managed=managed or [],
                    )
                return self._store_update(
                    resource,
                    key,
                    old,
                    merged,
                    subresource=subresource,
                    dry_run=dry_run,
                    manager=None,
                )
            if old is None:
                raise not_found(resource, name)
            if patch_type == JSON_PATCH:
                patched = json_patch(old, patch)
            elif patch_type == MERGE_PATCH:
                patched = merge_patch(old, patch)
                if not isinstance(patched, dict):
                    raise bad_request("the merge patch must be a JSON object")
            else:
                patched = strategic_merge_patch(old, patch, schema)
            new = self._check_kind(resource, patched)
            return self._store_update(
                resource,
                key,
                old,
                new,
                subresource=subresource,
                dry_run=dry_run,
                manager=field_manager,
            )

    def patch(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        patch: Any,
        patch_type: str,
        *,
        dry_run: bool = False,
        field_manager: str = "",
        force: bool = False,
    ) -> JSON:
        return self._patch(
            resource,
            namespace,
            name,
            patch,
            patch_type,
            subresource="",
            dry_run=dry_run,
            field_manager=field_manager,
            force=force,
        )

    def patch_status(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        patch: Any,
        patch_type: str,
        *,
        dry_run: bool = False,
        field_manager: str = "",
        force: bool = False,
    ) -> JSON:
        return self._patch(
            resource,
            namespace,
            name,
            patch,
            patch_type,
            subresource="status",
            dry_run=dry_run,
            field_manager=field_manager,
            force=force,
        )

    def _delete_locked(
        self, resource: ResourceInfo, key: Key, *, dry_run: bool, uid: str, resource_version: str
    ) -> JSON:
        old = self._objects.get(key)
        if old is None:
            raise not_found(resource, key[3])
        meta = old["metadata"]
        if uid and uid != meta.get("uid"):
            raise conflict(
                resource,
                key[3],
                f"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.get('uid')}",
            )
        if resource_version and resource_version != meta.get("resourceVersion"):
            raise conflict(
                resource,
                key[3],
                "Precondition failed: ResourceVersion in precondition: "
                f"{resource_version}, ResourceVersion in object meta: {meta.get('resourceVersion')}",
            )
        if meta.get("finalizers"):
            if meta.get("deletionTimestamp"):
                return _copy(old)
            new = _copy(old)
            new["metadata"]["deletionTimestamp"] = self._clock()
            new["metadata"]["deletionGracePeriodSeconds"] = 0
            if "generation" in meta:
                new["metadata"]["generation"] = meta["generation"] + 1
            return new if dry_run else self._commit("MODIFIED", key, old, new)
        if dry_run:
            deleted = _copy(old)
        else:
            deleted = self._commit("DELETED", key, old, _copy(old))
        if (resource.group, resource.plural) in self._return_deleted:
            return deleted
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": details(resource, key[3], str(meta.get("uid") or "")),
        }

    def delete(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        *,
        dry_run: bool = False,
        uid: str = "",
        resource_version: str = "",
    ) -> JSON:
        """The deleted object, or a Status (see `return_deleted`); with finalizers, the
        object marked with `deletionTimestamp`. The server answers 200 either way."""
        with self._lock:
            return self._delete_locked(
                resource,
                self._key(resource, namespace, name),
                dry_run=dry_run,
                uid=uid,
                resource_version=resource_version,
            )

    def deletecollection(
        self,
        resource: ResourceInfo,
        namespace: str,
        *,
        label_selector: str = "",
        field_selector: str = "",
        dry_run: bool = False,
    ) -> JSON:
        """The list of the objects deleted (or marked for deletion)."""
        matches = self._selector(resource, label_selector, field_selector)
        items = []
        with self._lock:
            for key, obj in sorted(self._objects.items()):
                if (key[0], key[1]) != (resource.group, resource.plural):
                    continue
                if (namespace and key[2] != namespace) or not matches(obj):
                    continue
                self._delete_locked(resource, key, dry_run=dry_run, uid="", resource_version="")
                items.append(_copy(self._objects.get(key, obj)))
            rv = self._rv
        return {
            "kind": resource.list_kind or f"{resource.kind}List",
            "apiVersion": resource.api_version,
            "metadata": {"resourceVersion": str(rv)},
            "items": items,
        }

    # -- state -----------------------------------------------------------------

    def dump(self) -> JSON:
        """Everything stored, as JSON (for `_persist`)."""
        with self._lock:
            return {
                "apiVersion": "apigen.dev/v1",
                "kind": "StoreState",
                "resourceVersion": str(self._rv),
                "objects": [
                    {"group": k[0], "resource": k[1], "object": _copy(v)}
                    for k, v in sorted(self._objects.items())
                ],
            }

    def restore(self, state: Mapping[str, Any]) -> None:
        """Replace the contents with a `dump()`; the watch history starts afresh."""
        known = {(r.group, r.plural): r for r in self.resources}
        objects: dict[Key, JSON] = {}
        for entry in state.get("objects") or []:
            resource = known.get((str(entry.get("group", "")), str(entry.get("resource", ""))))
            obj = entry.get("object")
            if resource is None or not isinstance(obj, dict):
                continue
            meta = obj.get("metadata") or {}
            objects[self._key(resource, str(meta.get("namespace") or ""), str(meta["name"]))] = obj
        rv = int(state.get("resourceVersion") or 0)
        index: dict[tuple[str, str, str], dict[str, JSON]] = {}
        for key, obj in objects.items():
            index.setdefault(key[:3], {})[key[3]] = obj
        with self._lock:
            self._objects = objects
            self._index = index
            self._rv = rv
            self.log.reset(rv)


_META_STRINGS = ("name", "generateName", "namespace", "resourceVersion", "uid")
_META_MAPS = ("labels", "annotations")


def _check_metadata(resource: ResourceInfo, metadata: Any) -> None:
    """The ObjectMeta types the store relies on; a mismatch is a 400 as a decoding error is."""

    def fail(field: str, expected: str) -> KubeError:
        return bad_request(
            f'{resource.kind} in version "{resource.version}" cannot be handled as a '
            f"{resource.kind}: metadata{field} must be {expected}"
        )

    if not isinstance(metadata, dict):
        raise fail("", "an object")
    for field in _META_STRINGS:
        if metadata.get(field) is not None and not isinstance(metadata[field], str):
            raise fail("." + field, "a string")
    for field in _META_MAPS:
        value = metadata.get(field)
        if value is not None and not (
            isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        ):
            raise fail("." + field, "an object of strings")
    finalizers = metadata.get("finalizers")
    if finalizers is not None and not (
        isinstance(finalizers, list) and all(isinstance(f, str) for f in finalizers)
    ):
        raise fail(".finalizers", "a list of strings")
    for field in ("ownerReferences", "managedFields"):
        value = metadata.get(field)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, dict) for v in value)
        ):
            raise fail("." + field, "a list of objects")


def _encode_continue(resource_version: int, last: JSON) -> str:
    meta = last["metadata"]
    token = {
        "v": "meta.k8s.io/v1",
        "rv": resource_version,
        "start": [meta.get("namespace") or "", meta["name"]],
    }
    return base64.urlsafe_b64encode(json.dumps(token, separators=(",", ":")).encode()).decode()


def _decode_continue(token: str) -> tuple[int, tuple[str, str]]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii") + b"=="))
        rv, (namespace, name) = int(data["rv"]), data["start"]
        if data.get("v") != "meta.k8s.io/v1" or rv < 0:
            raise ValueError("unknown version")
        return rv, (str(namespace), str(name))
    except (ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise bad_request(f"continue key is not valid: {exc}") from None


def _decode_patch(patch: Any, patch_type: str) -> Any:
    if isinstance(patch, (bytes, str)):
        try:
            if patch_type == APPLY_PATCH:
                return yaml.safe_load(patch)
            return json.loads(patch)
        except (ValueError, yaml.YAMLError) as exc:
            raise bad_request(f"the body of the request could not be decoded: {exc}") from None
    return patch


class StoreBackend:
    """The server's default `_backend.Backend`: the framework's verbs on a `Store`.

    A resource with `subresource == "status"` reads and writes the object's
    status (`get_status`, `update_status`, `patch_status`); `scale` reads and writes
    the object's `spec.replicas` as an autoscaling/v1 Scale; other subresources
    (eviction, ...) are not stored: 405 MethodNotAllowed.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def _parent(self, resource: ResourceInfo) -> ResourceInfo:
        """The resource whose status a `status` subresource is."""
        for found in self.store.resources:
            if (found.group, found.version, found.plural) == (
                resource.group,
                resource.version,
                resource.plural,
            ):
                return found
        raise ApiError(404, "the server could not find the requested resource")

    # The framework's verb handlers only read what get and list answer (they encode it, or
    # a Table of it), so those are the stored objects, not copies; Store's own methods copy.

    def get(self, resource: ResourceInfo, namespace: str, name: str) -> JSON:
        if resource.subresource == "status":
            return self.store.get_status(self._parent(resource), namespace, name, copy=False)
        if resource.subresource == "scale":
            return _scale_of(self.store.get(self._parent(resource), namespace, name, copy=False))
        return self.store.get(_plain(resource), namespace, name, copy=False)

    def _set_replicas(
        self, resource: ResourceInfo, namespace: str, name: str, scale: Any, options: WriteOptions
    ) -> JSON:
        """A Scale written: the object's `spec.replicas` (under the Scale's resourceVersion,
        when it names one); the answer is the new Scale."""
        spec = scale.get("spec") if isinstance(scale, dict) else None
        replicas = spec.get("replicas") if isinstance(spec, dict) else None
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            raise ApiError(
                422,
                f'Scale.autoscaling "{name}" is invalid: spec.replicas: Invalid value: '
                f"{json.dumps(replicas)}: must be greater than or equal to 0",
            )
        patch: JSON = {"spec": {"replicas": replicas}}
        version = (scale.get("metadata") or {}).get("resourceVersion")
        if version:
            patch["metadata"] = {"resourceVersion": version}
        updated = self.store.patch(
            self._parent(resource),
            namespace,
            name,
            patch,
            MERGE_PATCH,
            dry_run=options.dry_run,
            field_manager=options.field_manager,
        )
        return _scale_of(updated)

    def list(self, resource: ResourceInfo, namespace: str | None, options: ListOptions) -> JSON:
        return self.store.list(
            _plain(resource),
            namespace or "",
            label_selector=options.label_selector,
            field_selector=options.field_selector,
            limit=options.limit,
            continue_=options.continue_token,
            copy=False,
        )

    def create(
        self,
        resource: ResourceInfo,
        namespace: str,
        body: JSON,
        options: WriteOptions,
        name: str = "",
    ) -> JSON:
        return self.store.create(
            _plain(resource),
            namespace,
            body,
            dry_run=options.dry_run,
            field_manager=options.field_manager,
        )

    def update(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        body: JSON,
        options: WriteOptions,
    ) -> JSON:
        if resource.subresource == "scale":
            return self._set_replicas(resource, namespace, name, body, options)
        if resource.subresource == "status":
            return self.store.update_status(
                self._parent(resource),
                namespace,
                name,
                body,
                dry_run=options.dry_run,
                field_manager=options.field_manager,
            )
        return self.store.update(
            _plain(resource),
            namespace,
            name,
            body,
            dry_run=options.dry_run,
            field_manager=options.field_manager,
        )

    def patch(
        self,
        resource: ResourceInfo,
        namespace: str,
        name: str,
        patch: Any,
        patch_type: str,
        options: WriteOptions,
    ) -> JSON:
        if resource.subresource == "scale":
            current = _scale_of(self.store.get(self._parent(resource), namespace, name))
            if patch_type == JSON_PATCH:
                scale: Any = json_patch(current, patch)
            elif patch_type in (MERGE_PATCH, STRATEGIC_PATCH):
                scale = merge_patch(current, _decode_patch(patch, patch_type))
            else:
                raise ApiError(415, f"the scale subresource takes no {patch_type} patch")
            return self._set_replicas(resource, namespace, name, scale, options)
        if resource.subresource == "status":
            return self.store.patch_status(
                self._parent(resource),
                namespace,
                name,
                patch,
                patch_type,
                dry_run=options.dry_run,
                field_manager=options.field_manager,
                force=options.force,
            )
        return self.store.patch(
            _plain(resource),
            namespace,
            name,
            patch,
            patch_type,
            dry_run=options.dry_run,
            field_manager=options.field_manager,
            force=options.force,
        )

    def delete(
        self, resource: ResourceInfo, namespace: str, name: str, options: DeleteOptions
    ) -> JSON:
        return self.store.delete(
            _plain(resource),
            namespace,
            name,
            dry_run=options.dry_run,
            uid=options.preconditions_uid,
            resource_version=options.preconditions_resource_version,
        )

    def deletecollection(
        self,
        resource: ResourceInfo,
        namespace: str | None,
        options: ListOptions,
        delete_options: DeleteOptions,
    ) -> JSON:
        return self.store.deletecollection(
            _plain(resource),
            namespace or "",
            label_selector=options.label_selector,
            field_selector=options.field_selector,
            dry_run=delete_options.dry_run,
        )

    def watch(
        self, resource: ResourceInfo, namespace: str | None, options: ListOptions
    ) -> AsyncIterator[JSON]:
        """The events; a bad selector or resourceVersion is an error now, before streaming."""
        watcher = self.store.watch(
            _plain(resource),
            namespace or "",
            resource_version=options.resource_version,
            label_selector=options.label_selector,
            field_selector=options.field_selector,
            allow_bookmarks=options.allow_watch_bookmarks,
            timeout_seconds=options.timeout_seconds,
        )
        return _events(watcher)


async def _events(watcher: Watcher) -> AsyncIterator[JSON]:
    try:
        async for event in watcher:
            yield event
    finally:
        watcher.close()


def _scale_of(obj: JSON) -> JSON:
    """The autoscaling/v1 Scale of an object with `spec.replicas` (a Deployment's, say).

    Simplified: `status.selector` is made of `spec.selector.matchLabels` only."""
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    labels = (spec.get("selector") or {}).get("matchLabels") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: meta[key]
            for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if key in meta
        },
        "spec": {"replicas": spec.get("replicas", 1)},
        "status": {
            "replicas": (obj.get("status") or {}).get("replicas", 0),
            "selector": ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
        },
    }


def _plain(resource: ResourceInfo) -> ResourceInfo:
    """The resource itself; a subresource other than status and scale is not stored (405)."""
    if resource.subresource:
        raise ApiError(405, "the server does not allow this method on the requested resource")
    return resource


if TYPE_CHECKING:  # StoreBackend is a Backend
    _BACKEND: Backend = StoreBackend(Store(()))
