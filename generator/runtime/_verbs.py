"""The generic handler of each verb: a request parsed into a `_backend.Backend` call.

`VERB_HANDLERS` maps a verb to a factory `(api, backend, operation) -> Handler`;
`verb_routes` gives every operation of a verb it knows its route. Bodies are
checked by the generated validators of the operation's body kind (422), with
`fieldValidation` applied to unknown and repeated fields, before the backend
sees them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import yaml

from ._backend import Backend, DeleteOptions, ListOptions, WriteOptions
from ._server import ApiSpec, Call, Handler, OperationInfo, Reply, Route, field_problems
from ._status import ApiError
from ._table import INCLUDE_OBJECT, to_table

__all__ = ["PATCH_TYPES", "VERB_HANDLERS", "verb_routes"]

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH)

HandlerFactory = Callable[[ApiSpec, Backend, OperationInfo], Handler]


def _get(api: ApiSpec, backend: Backend, operation: OperationInfo) -> Handler:
    async def handle(call: Call) -> Reply:
        found = backend.get(operation.resource, call.namespace or "", call.name)
        return Reply(converted(call, found))

    return handle


def _list(api: ApiSpec, backend: Backend, operation: OperationInfo) -> Handler:
    async def handle(call: Call) -> Reply:
        options = list_options(call)
        if call.query.get("watch") in ("true", "1"):
            return _watch_reply(call, backend.watch(operation.resource, call.namespace, options))
        return Reply(converted(call, backend.list(operation.resource, call.namespace, options)))

    return handle


def _watch(api: ApiSpec, backend: Backend, operation: OperationInfo) -> Handler:
    async def handle(call: Call) -> Reply:
        events = backend.watch(operation.resource, call.namespace, list_options(call))
        return _watch_reply(call, events)

    return handle


def converted(call: Call, body: dict[str, Any], include_object: str = "Metadata") -> dict[str, Any]:
    """`body` in the form Accept asked for: a meta.k8s.io/v1 Table for `as=Table`
    (a Status stays a Status), else as it is."""
    if call.conversion != "Table" or body.get("kind") == "Status":
        return body
    include = call.query.get("includeObject") or include_object
    return to_table(call.operation.resource, body, include_object=include)


def _watch_reply(call: Call, events: AsyncIterator[dict[str, Any]]) -> Reply:
    if call.conversion != "Table":
        return Reply({}, stream=events)
    include = call.query.get("includeObject") or "Object"
    if include not in INCLUDE_OBJECT:  # a 400 before streaming, as to_table says it
        raise ApiError(
            400,
            f'includeObject: Unsupported value: "{include}": supported values: '
            + ", ".join(f'"{v}"' for v in INCLUDE_OBJECT),
        )

    async def tables() -> AsyncIterator[dict[str, Any]]:
        async for event in events:
            if event.get("type") in ("ADDED", "MODIFIED", "DELETED"):
                table = converted(call, event["object"], include_object="Object")
                event = {"type": event["type"], "object": table}
            yield event

    return Reply({}, stream=tables())


def _create(api: ApiSpec, backend: Backend, operation: OperationInfo) -> Handler:
    async def handle(call: Call) -> Reply:
        body, warnings = checked_body(api, operation, call)
        try:
            created = backend.create(
                operation.resource, call.namespace or "", body, write_options(call), call.name
            )
        except ApiError as error:
            error.warnings = warnings
            raise
        return Reply(created, operation.success if operation.success >= 200 else 201, warnings)

    return handle


def _update(api: ApiSpec, backend: Backend, operation: OperationInfo) -> Handler:
    async def handle(call: Call) -> Reply:
        body, warnings = checked_body(api, operation, call)
        try:
            updated = backend.update(
                operation.resource, call.namespace or "", call.name, body, write_options(call)
            )
        except ApiError as error:
            error.warnings = warnings
            raise
        return Reply(updated, 200, warnings)

    return handle


def _patch(api: ApiSpec, backend: Backend, operation: OperationInfo) -> Handler:
    async def handle(call: Call) -> Reply:
        patch_type = call.request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        patch = decode_patch(call.raw_body, patch_type)
        options = write_options(call)
        if patch_type == APPLY_PATCH and not options.field_manager:
            raise ApiError(
                422, "PatchOptions.meta.k8s.io is invalid: fieldManager: Required value: "
                "is required for apply patch"
            )  # fmt: skip
        patched = backend.patch(
            operation.resource, call.namespace or "", call.name, patch, patch_type, options
        )
        return Reply(patched)

    return handle


def _delete(api: ApiSpec, backend: Backend, operation: OperationInfo) -> Handler:
    async def handle(call: Call) -> Reply:
        answer = backend.delete(
            operation.resource, call.namespace or "", call.name, delete_options(call)
        )
        return Reply(answer)

    return handle


def _deletecollection(api: ApiSpec, backend: Backend, operation: OperationInfo) -> Handler:
    async def handle(call: Call) -> Reply:
        answer = backend.deletecollection(
            operation.resource, call.namespace, list_options(call), delete_options(call)
        )
        return Reply(answer)

    return handle


VERB_HANDLERS: dict[str, HandlerFactory] = {
    "get": _get,
    "list": _list,
    "watch": _watch,
    "create": _create,
    "update": _update,
    "patch": _patch,
    "delete": _delete,
    "deletecollection": _deletecollection,
}


def verb_routes(api: ApiSpec, backend: Backend, operations: Sequence[OperationInfo]) -> list[Route]:
    """A route for each operation whose verb has a generic handler (connect has none)."""
    return [
        Route(operation, VERB_HANDLERS[operation.verb](api, backend, operation))
        for operation in operations
        if operation.verb in VERB_HANDLERS
    ]


# --- Reading the request -----------------------------------------------------------------


def checked_body(
    api: ApiSpec, operation: OperationInfo, call: Call
) -> tuple[dict[str, Any], list[str]]:
    """The body, validated as its kind (422), and the Warnings of `fieldValidation`."""
    body = call.body or {}
    unknown: list[str] = []
    error = api.check(operation.body_kind, body, call.name or _name_of(body), unknown)
    warnings = field_problems(call.field_validation, unknown, call.duplicates)
    if error is not None:
        error.warnings = warnings  # kube-apiserver sends them with errors too
        raise error
    return body, warnings


def _name_of(body: dict[str, Any]) -> str:
    metadata = body.get("metadata")
    return str(metadata.get("name") or "") if isinstance(metadata, dict) else ""


def decode_patch(raw: bytes, patch_type: str) -> Any:
    """The patch document, by its media type; 415 for another type, 400 if malformed."""
    if patch_type not in PATCH_TYPES:
        raise ApiError(
            415,
            f"the body of the request was in an unknown format - accepted media types include: "
            f"{', '.join(PATCH_TYPES)}",
        )
    try:
        patch = yaml.safe_load(raw) if patch_type == APPLY_PATCH else json.loads(raw)
    except (ValueError, yaml.YAMLError) as exc:
        raise ApiError(400, f"the body of the request could not be decoded: {exc}") from None
    expected = list if patch_type == JSON_PATCH else dict
    if not isinstance(patch, expected):
        raise ApiError(
            400, f"the patch must be a JSON {expected.__name__.replace('dict', 'object')}"
        )
    return patch


def _integer(call: Call, name: str) -> int | None:
    value = call.query.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiError(400, f'{name}: Invalid value: "{value}": must be an integer') from None


def _boolean(call: Call, name: str) -> bool | None:
    value = call.query.get(name)
    if value is None or value == "":
        return None
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise ApiError(400, f'{name}: Invalid value: "{value}": must be a boolean')


def list_options(call: Call) -> ListOptions:
    query = call.query
    return ListOptions(
        label_selector=query.get("labelSelector", ""),
        field_selector=query.get("fieldSelector", ""),
        limit=_integer(call, "limit") or 0,
        continue_token=query.get("continue", ""),
        resource_version=query.get("resourceVersion", ""),
        resource_version_match=query.get("resourceVersionMatch", ""),
        timeout_seconds=_integer(call, "timeoutSeconds"),
        allow_watch_bookmarks=bool(_boolean(call, "allowWatchBookmarks")),
        send_initial_events=_boolean(call, "sendInitialEvents"),
    )


def write_options(call: Call) -> WriteOptions:
    return WriteOptions(
        dry_run=call.dry_run,
        field_manager=call.query.get("fieldManager", ""),
        field_validation=call.field_validation,
        force=bool(_boolean(call, "force")),
    )


def delete_options(call: Call) -> DeleteOptions:
    """The query's options, overridden by a `DeleteOptions` body when one is sent."""
    body: dict[str, Any] = {}
    if call.raw_body.strip():
        try:
            decoded = json.loads(call.raw_body)
        except ValueError as exc:
            raise ApiError(400, f"the body of the request could not be decoded: {exc}") from None
        if not isinstance(decoded, dict):
            raise ApiError(400, "the body of the request must be an object")
        body = decoded
    preconditions = body.get("preconditions") or {}
    grace = body.get("gracePeriodSeconds", _integer(call, "gracePeriodSeconds"))
    return DeleteOptions(
        dry_run=call.dry_run or "All" in (body.get("dryRun") or []),
        grace_period_seconds=grace if isinstance(grace, int) else None,
        propagation_policy=str(
            body.get("propagationPolicy") or call.query.get("propagationPolicy", "")
        ),
        preconditions_uid=str(preconditions.get("uid") or ""),
        preconditions_resource_version=str(preconditions.get("resourceVersion") or ""),
    )
