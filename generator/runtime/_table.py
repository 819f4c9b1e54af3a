"""The Table form of `kubectl get` (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`).

`to_table` turns a list (or one object) into a `meta.k8s.io/v1` Table: a Name
column, then an Age column (as kube-apiserver's printers write it, `5s`, `3m2s`),
or, for a custom resource, its `additionalPrinterColumns` evaluated with
jsonpath-ng. Each row's `object` is a PartialObjectMetadata by default, the full
object with `include_object="Object"`, left out with `"None"`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from jsonpath_ng.ext.parser import parse as parse_jsonpath

from ._apierrors import bad_request
from ._resource import PrinterColumn, ResourceInfo

__all__ = ["INCLUDE_OBJECT", "PrinterColumn", "human_duration", "to_table", "wants_table"]

INCLUDE_OBJECT = ("None", "Metadata", "Object")
NAME_DESCRIPTION = (
    "Name must be unique within a namespace. Is required when creating resources, although "
    "some resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
AGE_DESCRIPTION = (
    "CreationTimestamp is a timestamp representing the server time when this object was "
    "created. It is not guaranteed to be set in happens-before order across separate "
    "operations. Clients may not set this value. It is represented in RFC3339 form and is "
    "in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)


def wants_table(accept: str) -> bool:
    """Whether an Accept header asks for a meta.k8s.io/v1 Table first."""
    for media in accept.split(","):
        params = {
            k.strip(): v.strip() for k, _, v in (p.partition("=") for p in media.split(";")[1:])
        }
        if params.get("as") == "Table" and params.get("g") == "meta.k8s.io":
            return params.get("v", "v1") in ("v1", "v1beta1")
    return False


def human_duration(seconds: float) -> str:
    """apimachinery's duration.HumanDuration."""
    whole = int(seconds)
    if whole < -1:
        return "<invalid>"
    if whole < 0:
        return "0s"
    if whole < 120:
        return f"{whole}s"
    minutes = whole // 60
    if minutes < 10:
        rest = whole % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = whole // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if days == 0 else f"{years}y{days}d"
    return f"{hours // 24 // 365}y"


def _age(obj: dict[str, Any], now: datetime.datetime) -> str:
    stamp = (obj.get("metadata") or {}).get("creationTimestamp")
    if not stamp:
        return "<unknown>"
    try:
        created = datetime.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return "<unknown>"
    return human_duration((now - created).total_seconds())


def _cell(obj: dict[str, Any], column: PrinterColumn) -> Any:
    try:
        expression = parse_jsonpath("$" + column.json_path)
    except Exception:  # jsonpath-ng raises several kinds on a bad expression
        return None
    values = [m.value for m in expression.find(obj)]
    if not values:
        return None
    value = values[0]
    if column.type == "integer" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if column.type == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if column.type == "boolean" and isinstance(value, bool):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return value if isinstance(value, str) else str(value)


def to_table(
    resource: ResourceInfo,
    body: dict[str, Any],
    *,
    columns: Sequence[PrinterColumn] | None = None,
    include_object: str = "Metadata",
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """`body` is a list (with `items`) or one object; `columns` the CRD's printer
    columns (None: the resource's, and without those Name and Age)."""
    if include_object not in INCLUDE_OBJECT:
        raise bad_request(
            f'includeObject: Unsupported value: "{include_object}": supported values: '
            + ", ".join(f'"{v}"' for v in INCLUDE_OBJECT)
        )
    now = now or datetime.datetime.now(datetime.UTC)
    if columns is None and resource.printer_columns:
        columns = resource.printer_columns
    definitions: list[dict[str, Any]] = [
        {
            "name": "Name",
            "type": "string",
            "format": "name",
            "description": NAME_DESCRIPTION,
            "priority": 0,
        }
    ]
    if columns is None:
        definitions.append(
            {
                "name": "Age",
                "type": "string",
                "format": "",
                "description": AGE_DESCRIPTION,
                "priority": 0,
            }
        )
    else:
        definitions += [
            {
                "name": c.name,
                "type": c.type,
                "format": c.format,
                "description": c.description,
                "priority": c.priority,
            }
            for c in columns
        ]
    items = body["items"] if isinstance(body.get("items"), list) else [body]
    rows = []
    for obj in items:
        metadata = obj.get("metadata") or {}
        cells: list[Any] = [metadata.get("name", "")]
        if columns is None:
            cells.append(_age(obj, now))
        else:
            cells += [_cell(obj, c) for c in columns]
        row: dict[str, Any] = {"cells": cells}
        if include_object == "Object":
            row["object"] = obj
        elif include_object == "Metadata":
            row["object"] = {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": metadata,
            }
        rows.append(row)
    list_meta = body.get("metadata") if "items" in body else None
    table_meta: dict[str, Any] = {}
    if isinstance(list_meta, dict):
        table_meta = {
            k: list_meta[k]
            for k in ("resourceVersion", "continue", "remainingItemCount")
            if k in list_meta
        }
    else:
        version = (body.get("metadata") or {}).get("resourceVersion")
        if version:
            table_meta["resourceVersion"] = version
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": table_meta,
        "columnDefinitions": definitions,
        "rows": rows,
    }
