"""What `apigen diff` reports between each consecutive pair of the nine upstream releases.

The expected lists were read off the documents; `test_extension_changes_are_what_the_documents_say`
recomputes the `x-kubernetes-*` part from the raw Swagger 2.0 documents with a walker of its
own, so the table cannot drift from what the documents say.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import RELEASES, upstream_path

from generator.drift.diff import diff_specs
from generator.errors import pointer
from generator.spec.load import LoadedSpec, load_document, load_spec

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
# 1.30 states how apply merges four lists (ownerReferences twice: a map keyed by uid).
LIST_TYPES = [
    ("extension-added", f"{SCHEMAS}/ObjectMeta/properties/finalizers/x-kubernetes-list-type"),
    ("extension-added", f"{SCHEMAS}/ObjectMeta/properties/managedFields/x-kubernetes-list-type"),
    (
        "extension-added",
        f"{SCHEMAS}/ObjectMeta/properties/ownerReferences/x-kubernetes-list-map-keys",
    ),
    ("extension-added", f"{SCHEMAS}/ObjectMeta/properties/ownerReferences/x-kubernetes-list-type"),
    ("extension-added", f"{SCHEMAS}/TokenRequestSpec/properties/audiences/x-kubernetes-list-type"),
]
EXPECTED = {
    ("1.28", "1.29"): [("description-changed", f"{OP}/parameters/5")],  # `pretty` reworded
    ("1.29", "1.30"): LIST_TYPES,
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


def test_1_30_states_how_apply_merges_four_lists() -> None:
    changes = diff_specs(release("1.29"), release("1.30"), "TokenRequest").changes
    assert [(c.extension, c.before, c.after) for c in changes] == [
        ("x-kubernetes-list-type", None, "set"),  # finalizers
        ("x-kubernetes-list-type", None, "atomic"),  # managedFields
        ("x-kubernetes-list-map-keys", None, ["uid"]),  # ownerReferences
        ("x-kubernetes-list-type", None, "map"),  # ownerReferences
        ("x-kubernetes-list-type", None, "atomic"),  # TokenRequestSpec.audiences
    ]
    assert all(c.breaks_clients and c.breaks_servers for c in changes)  # apply and patch
    assert {c.area for c in changes} == {"merge semantics"}


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


# -- the x-kubernetes-* extensions, read straight from the Swagger 2.0 documents -------------

DEFINITIONS = "#/definitions/"


@cache
def raw(name: str) -> dict[str, Any]:
    with gzip.open(upstream_path(name)) as file:
        return json.load(file)  # type: ignore[no-any-return]


def extensions_below(node: Any, at: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(pointer tokens, value) of each x-kubernetes-* keyword below a Swagger 2.0 schema or operation.

    The keys of `properties` are field names (JSONSchemaProps has fields called
    x-kubernetes-*), not keywords; `$ref`s are not followed.
    """
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from extensions_below(item, (*at, str(index)))
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key.startswith("x-kubernetes-"):
            yield (*at, key), value
        elif key == "properties" and isinstance(value, dict):
            for name, schema in value.items():
                yield from extensions_below(schema, (*at, key, name))
        else:
            yield from extensions_below(value, (*at, key))


def refs_below(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(DEFINITIONS):
            yield ref[len(DEFINITIONS) :]
        for value in node.values():
            yield from refs_below(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_below(value)


def tokenrequest_extensions(name: str) -> dict[str, Any]:
    """Pointer (as the converted slice has it) -> value of every extension in the closure."""
    document = raw(name)
    definitions = document["definitions"]
    root = "io.k8s.api.authentication.v1.TokenRequest"
    closure, pending = set(), [root]
    while pending:
        schema = pending.pop()
        if schema not in closure:
            closure.add(schema)
            pending.extend(refs_below(definitions[schema]))
    found = {}
    for schema in closure:
        short = schema.rsplit(".", 1)[1]  # the closure's short names are unique
        for at, value in extensions_below(definitions[schema], ("components", "schemas", short)):
            found[pointer(*at)] = value
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters" and DEFINITIONS + root in set(
                DEFINITIONS + r for r in refs_below(operation)
            ):
                for at, value in extensions_below(operation, ("paths", path, method)):
                    if "parameters" not in at and "responses" not in at:
                        found[pointer(*at)] = value
    return found


def test_the_walker_sees_the_closures_extensions() -> None:
    found = tokenrequest_extensions("1.30")
    assert found[f"{SCHEMAS}/ObjectMeta/properties/ownerReferences/x-kubernetes-list-map-keys"] == [
        "uid"
    ]
    assert found[f"{OP}/post/x-kubernetes-action"] == "post"
    assert len(found) == 12


@pytest.mark.parametrize(("old", "new"), list(EXPECTED), ids=lambda r: r)
def test_extension_changes_are_what_the_documents_say(old: str, new: str) -> None:
    before, after = tokenrequest_extensions(old), tokenrequest_extensions(new)
    expected = sorted(
        (at, before.get(at), after.get(at))
        for at in set(before) | set(after)
        if before.get(at) != after.get(at) or (at in before) != (at in after)
    )
    changes = diff_specs(release(old), release(new), "TokenRequest").changes
    assert sorted((c.pointer, c.before, c.after) for c in changes if c.extension) == expected


def without_extensions(node: Any, keep_kind: bool) -> Any:
    """The document with every x-kubernetes-* keyword dropped (the kinds' own GVK kept if asked)."""
    if isinstance(node, list):
        return [without_extensions(item, keep_kind) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            out[key] = {n: without_extensions(s, keep_kind) for n, s in value.items()}
        elif not key.startswith("x-kubernetes-") or (
            keep_kind and key == "x-kubernetes-group-version-kind" and isinstance(value, list)
        ):
            out[key] = without_extensions(value, keep_kind)
    return out


def test_every_extension_survives_conversion_and_slicing() -> None:
    """Against a copy stripped of them, the diff sees each extension of the closure, at its pointer."""
    stripped = without_extensions(raw("1.36"), keep_kind=True)  # the kind is found by its GVK
    changes = diff_specs(
        load_document(json.dumps(stripped).encode(), "stripped"), release("1.36"), "TokenRequest"
    ).changes
    expected = {
        at: value
        for at, value in tokenrequest_extensions("1.36").items()
        if at != f"{SCHEMAS}/TokenRequest/x-kubernetes-group-version-kind"
    }
    assert {c.pointer: c.after for c in changes} == expected
    assert {c.kind for c in changes} == {"extension-added"}
