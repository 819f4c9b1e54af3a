"""Kubernetes' value types whose JSON form a plain Python type does not keep.

`MicroTime` is metav1.MicroTime: an RFC 3339 time that the API server always
writes with six fractional digits (`2026-01-02T03:04:05.000000Z`), so a value
read and written again is unchanged even when its microseconds are zero.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AwareDatetime, PlainSerializer

__all__ = ["MicroTime", "format_micro_time"]


def format_micro_time(value: datetime) -> str:
    """Go's RFC3339Micro layout in UTC, as kube-apiserver writes a MicroTime."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


MicroTime = Annotated[
    AwareDatetime, PlainSerializer(format_micro_time, return_type=str, when_used="json")
]
