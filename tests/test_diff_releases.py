"""What `apigen diff` reports between each consecutive pair of the nine upstream releases."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from conftest import RELEASES, upstream_path

from generator.drift.diff import diff_specs
from generator.spec.load import LoadedSpec, load_spec

OP = "/paths/~1api~1v1~1namespaces~1{namespace}~1serviceaccounts~1{name}~1token"
SCHEMAS = "/components/schemas"
CBOR = [
    ("content-type-added", f"{OP}/post/responses/{code}/content/application~1cbor")
    for code in (200, 201, 202)
]
# 1.36 drops every required list of the closure and rewords the descriptions.
REQUIRED_DROPPED = [
    ("required-removed", f"{SCHEMAS}/TokenRequest/properties/spec"),
    ("required-removed", f"{SCHEMAS}/TokenRequestSpec/properties/audiences"),
    ("required-removed", f"{SCHEMAS}/TokenRequestStatus/properties/expirationTimestamp"),
    ("required-removed", f"{SCHEMAS}/TokenRequestStatus/properties/token"),
]
REWORDED = [
    ("description-changed", f"{SCHEMAS}/{schema}/properties/{name}")
    for schema, names in (
        ("BoundObjectReference", ("apiVersion", "kind", "name", "uid")),
        ("TokenRequest", ("metadata", "spec", "status")),
        ("TokenRequestSpec", ("audiences", "boundObjectRef", "expirationSeconds")),
        ("TokenRequestStatus", ("expirationTimestamp", "token")),
    )
    for name in names
]
EXPECTED = {
    ("1.28", "1.29"): [("description-changed", f"{OP}/parameters/5")],  # `pretty` reworded
    ("1.29", "1.30"): [],
    ("1.30", "1.31"): [],
    ("1.31", "1.32"): CBOR,
    ("1.32", "1.33"): [],
    ("1.33", "1.34"): [],
    ("1.34", "1.35"): [],
    ("1.35", "1.36"): REQUIRED_DROPPED + REWORDED,
}


@cache
def release(name: str) -> LoadedSpec:
    path: Path = upstream_path(name)
    return load_spec(path)


def test_every_consecutive_pair_is_listed() -> None:
    assert list(EXPECTED) == list(zip(RELEASES, RELEASES[1:], strict=False))


@pytest.mark.parametrize(("old", "new"), list(EXPECTED), ids=lambda r: r)
def test_consecutive_releases(old: str, new: str) -> None:
    changes = diff_specs(
        release(old), release(new), "TokenRequest", "authentication.k8s.io/v1"
    ).changes
    assert [(c.kind, c.pointer) for c in changes] == EXPECTED[(old, new)]


def test_1_36_breaks_by_dropping_required_only() -> None:
    changes = diff_specs(release("1.35"), release("1.36"), "TokenRequest").changes
    breaking = [c for c in changes if c.level == 2]
    assert {c.kind for c in breaking} == {"required-removed"}
    assert all(c.breaks_clients and c.breaks_servers for c in breaking)  # sent and received
    assert all("becomes Optional" in c.generated for c in breaking)
    assert all(c.description_only for c in changes if c not in breaking)
