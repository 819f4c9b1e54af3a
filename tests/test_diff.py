"""`apigen diff`: classification of changes, on synthetic edits of the vendored spec and on the real CLI."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SPEC, run_apigen, upstream_path
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.drift.diff import Change, diff_specs
from generator.spec.load import LoadedSpec, load_document

PATH = "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"
OP = "/paths/~1api~1v1~1namespaces~1{namespace}~1serviceaccounts~1{name}~1token"
SCHEMAS = "/components/schemas"


def vendored() -> dict[str, Any]:
    return json.loads(SPEC.read_text())


def as_spec(document: dict[str, Any], name: str) -> LoadedSpec:
    return load_document(json.dumps(document).encode(), name)


def changes_after(edit: Callable[[dict[str, Any]], None]) -> list[Change]:
    new = vendored()
    edit(new)
    return diff_specs(as_spec(vendored(), "old"), as_spec(new, "new"), "TokenRequest").changes


def schemas(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]  # type: ignore[no-any-return]


def remove_property(doc: dict[str, Any]) -> None:
    del schemas(doc)["BoundObjectReference"]["properties"]["uid"]


def change_type(doc: dict[str, Any]) -> None:
    schemas(doc)["TokenRequestSpec"]["properties"]["expirationSeconds"]["type"] = "string"


def tighten_minimum(doc: dict[str, Any]) -> None:
    schemas(doc)["TokenRequestSpec"]["properties"]["expirationSeconds"]["minimum"] = 600


def add_enum(doc: dict[str, Any]) -> None:
    schemas(doc)["BoundObjectReference"]["properties"]["kind"]["enum"] = ["Pod", "Secret", "Node"]


def require_more(doc: dict[str, Any]) -> None:
    schemas(doc)["BoundObjectReference"]["required"] = ["name"]


def add_property(doc: dict[str, Any]) -> None:
    schemas(doc)["TokenRequestSpec"]["properties"]["nodeName"] = {"type": "string"}


def add_required_parameter(doc: dict[str, Any]) -> None:
    doc["paths"][PATH]["parameters"].append(
        {"in": "query", "name": "mode", "required": True, "schema": {"type": "string"}}
    )


def drop_yaml(doc: dict[str, Any]) -> None:
    del doc["paths"][PATH]["post"]["responses"]["201"]["content"]["application/yaml"]


def drop_operation(doc: dict[str, Any]) -> None:
    doc["paths"][PATH]["put"] = doc["paths"][PATH].pop("post")


def reword(doc: dict[str, Any]) -> None:
    schemas(doc)["TokenRequestStatus"]["properties"]["token"]["description"] = "The token."


BOTH, CLIENTS, OK = "breaks clients and servers", "breaks clients", "compatible"
SECONDS = f"{SCHEMAS}/TokenRequestSpec/properties/expirationSeconds"
BOUND = f"{SCHEMAS}/BoundObjectReference/properties"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (remove_property, [("property-removed", f"{BOUND}/uid", CLIENTS)]),
        (change_type, [("type-changed", SECONDS, BOTH)]),
        (tighten_minimum, [("constraint-changed", SECONDS, BOTH)]),
        (add_enum, [("enum-changed", f"{BOUND}/kind", BOTH)]),
        (require_more, [("required-added", f"{BOUND}/name", BOTH)]),
        (add_property, [("property-added", f"{SCHEMAS}/TokenRequestSpec/properties/nodeName", OK)]),
        (add_required_parameter, [("parameter-added", f"{OP}/parameters/6", CLIENTS)]),
        (drop_yaml, [("content-type-removed", f"{OP}/post/responses/201/content/application~1yaml", CLIENTS)]),
        (drop_operation, [("operation-removed", f"{OP}/post", CLIENTS), ("operation-added", f"{OP}/put", OK)]),
        (reword, [("description-changed", f"{SCHEMAS}/TokenRequestStatus/properties/token", "description only")]),
    ],
)  # fmt: skip
def test_each_kind_of_change_is_classified(
    edit: Callable[[dict[str, Any]], None], expected: list[tuple[str, str, str]]
) -> None:
    assert [(c.kind, c.pointer, c.impact) for c in changes_after(edit)] == expected


def test_a_required_field_that_becomes_optional_says_so_for_the_models() -> None:
    def relax(doc: dict[str, Any]) -> None:
        del schemas(doc)["TokenRequestStatus"]["required"]

    changes = changes_after(relax)
    assert {c.pointer for c in changes} == {
        f"{SCHEMAS}/TokenRequestStatus/properties/token",
        f"{SCHEMAS}/TokenRequestStatus/properties/expirationTimestamp",
    }
    token = next(c for c in changes if c.pointer.endswith("/token"))
    assert token.kind == "required-removed"
    assert token.generated == "models: `TokenRequestStatus.token` becomes Optional (default None)"


def test_a_renamed_ref_target_with_equal_content_is_not_a_removal() -> None:
    def rename(doc: dict[str, Any]) -> None:
        text = json.dumps(doc).replace('"BoundObjectReference"', '"ObjectBinding"')
        text = text.replace("/BoundObjectReference", "/ObjectBinding")
        doc.clear()
        doc.update(json.loads(text))

    changes = changes_after(rename)
    assert [(c.kind, c.pointer, c.impact) for c in changes] == [
        ("schema-renamed", f"{SCHEMAS}/ObjectBinding", "compatible")
    ]


def test_no_change_is_no_change() -> None:
    assert changes_after(lambda doc: None) == []


def test_swagger_v2_and_its_sliced_v3_import_are_the_same_api(tmp_path: Path) -> None:
    """Full v2 against the allOf-wrapped v3 slice of the same release: nothing changed."""
    imported = tmp_path / "tokenrequest.openapi.json"
    assert (
        run_apigen(
            "import", upstream_path("1.35"), "--kind", "TokenRequest", "-o", imported
        ).returncode
        == 0
    )
    result = run_apigen("diff", upstream_path("1.35"), imported, "--fail-on", "any")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no changes to the TokenRequest closure" in result.stdout


def test_cli_exit_codes_and_formats() -> None:
    old, new = upstream_path("1.35"), upstream_path("1.36")
    breaking = run_apigen("diff", old, new, "--format", "json")
    assert breaking.returncode == 1, breaking.stderr
    report = json.loads(breaking.stdout)
    assert report["summary"] == {"breaking": 4, "compatible": 0, "description only": 12}
    relaxed = run_apigen("diff", old, new, "--format", "markdown", "--fail-on", "none")
    assert relaxed.returncode == 0
    markdown = relaxed.stdout
    assert markdown.startswith("### apigen diff: TokenRequest\n")
    assert "| breaks clients and servers | TokenRequest.spec is no longer required |" in markdown
    assert "<details><summary>12 description-only changes</summary>" in markdown

    compatible = (upstream_path("1.31"), upstream_path("1.32"))
    assert run_apigen("diff", *compatible).returncode == 0
    assert run_apigen("diff", *compatible, "--fail-on", "any").returncode == 1

    missing = run_apigen("diff", SPEC, "/nonexistent/spec.json")
    assert missing.returncode == 2 and "/nonexistent/spec.json: no such file" in missing.stderr


def test_other_kinds_diff_over_their_own_closure() -> None:
    result = run_apigen(
        "diff",
        upstream_path("1.35"),
        upstream_path("1.36"),
        "--kind",
        "TokenReview",
        "--format",
        "json",
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["kind"] == "TokenReview"
    assert all("TokenRequest" not in c["pointer"] for c in report["changes"])


def test_bad_spec_is_an_error_with_exit_2(tmp_path: Path) -> None:
    broken = copy.deepcopy(vendored())
    schemas(broken)["TokenRequest"]["properties"]["spec"]["allOf"] = [
        {"$ref": "#/components/schemas/Nope"}
    ]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    result = run_apigen("diff", SPEC, path)
    assert result.returncode == 2
    assert (
        "dangling $ref" in result.stderr
        and "broken.json#/components/schemas/TokenRequest" in result.stderr
    )


MIRROR = {
    "added": "removed", "removed": "added", "required-added": "required-removed",
    "required-removed": "required-added",
}  # fmt: skip
MIRRORED_EDITS = [
    remove_property,
    add_property,
    drop_yaml,
    reword,
    require_more,
    change_type,
    drop_operation,
]


def mirrored(kind: str) -> str:
    if kind in MIRROR:
        return MIRROR[kind]
    stem, _, end = kind.rpartition("-")
    return f"{stem}-{MIRROR[end]}" if end in MIRROR else kind


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(MIRRORED_EDITS), min_size=1, max_size=4, unique=True))
def test_diffing_backwards_mirrors_diffing_forwards(
    edits: list[Callable[[dict[str, Any]], None]],
) -> None:
    old, new = vendored(), vendored()
    for edit in sorted(edits, key=MIRRORED_EDITS.index):  # drop_operation last: others edit `post`
        edit(new)
    forwards = diff_specs(as_spec(old, "old"), as_spec(new, "new"), "TokenRequest").changes
    backwards = diff_specs(as_spec(new, "new"), as_spec(old, "old"), "TokenRequest").changes
    assert sorted((mirrored(c.kind), c.pointer) for c in forwards) == sorted(
        (c.kind, c.pointer) for c in backwards
    )
