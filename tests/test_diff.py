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
from generator.drift.kube_extensions import verdict
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


# -- x-kubernetes-* extensions ----------------------------------------------------------------

META = f"{SCHEMAS}/ObjectMeta/properties"
EXT = "x-kubernetes-"


def prop(doc: dict[str, Any], schema: str, name: str) -> dict[str, Any]:
    return schemas(doc)[schema]["properties"][name]  # type: ignore[no-any-return]


def audiences_become_a_set(doc: dict[str, Any]) -> None:
    prop(doc, "TokenRequestSpec", "audiences")[EXT + "list-type"] = "set"


def owners_keyed_by_name_too(doc: dict[str, Any]) -> None:
    prop(doc, "ObjectMeta", "ownerReferences")[EXT + "list-map-keys"] = ["uid", "name"]


def owner_reference_granular(doc: dict[str, Any]) -> None:
    schemas(doc)["OwnerReference"][EXT + "map-type"] = "granular"


def finalizers_not_merged(doc: dict[str, Any]) -> None:
    del prop(doc, "ObjectMeta", "finalizers")[EXT + "patch-strategy"]


def owners_merged_by_name(doc: dict[str, Any]) -> None:
    prop(doc, "ObjectMeta", "ownerReferences")[EXT + "patch-merge-key"] = "name"


def seconds_int_or_string(doc: dict[str, Any]) -> None:
    prop(doc, "TokenRequestSpec", "expirationSeconds")[EXT + "int-or-string"] = True


def bound_ref_keeps_unknown_fields(doc: dict[str, Any]) -> None:
    schemas(doc)["BoundObjectReference"][EXT + "preserve-unknown-fields"] = True


def bound_ref_restates_pruning(doc: dict[str, Any]) -> None:
    schemas(doc)["BoundObjectReference"][EXT + "preserve-unknown-fields"] = False


def bound_ref_embedded(doc: dict[str, Any]) -> None:
    prop(doc, "TokenRequestSpec", "boundObjectRef")[EXT + "embedded-resource"] = True


def bound_ref_cel_rule(doc: dict[str, Any]) -> None:
    schemas(doc)["BoundObjectReference"][EXT + "validations"] = [
        {"rule": "self.kind != 'Node' || has(self.uid)", "message": "a Node needs its uid"}
    ]


def kind_in_v2(doc: dict[str, Any]) -> None:
    schemas(doc)["TokenRequest"][EXT + "group-version-kind"][0]["version"] = "v2"


def operation_gvk_v2(doc: dict[str, Any]) -> None:
    doc["paths"][PATH]["post"][EXT + "group-version-kind"]["version"] = "v2"


def action_create(doc: dict[str, Any]) -> None:
    doc["paths"][PATH]["post"][EXT + "action"] = "create"


def bound_ref_union(doc: dict[str, Any]) -> None:
    schemas(doc)["BoundObjectReference"][EXT + "unions"] = [
        {"discriminator": "kind", "fields-to-discriminateBy": {"name": "Name"}}
    ]


def unknown_extension(doc: dict[str, Any]) -> None:
    schemas(doc)["TokenRequestStatus"][EXT + "future-thing"] = 1


AUDIENCES = f"{SCHEMAS}/TokenRequestSpec/properties/audiences"
BOUND_REF = f"{SCHEMAS}/BoundObjectReference"
SPEC_PROPS = f"{SCHEMAS}/TokenRequestSpec/properties"
MERGE, IDENTITY, ADMIT = "merge semantics", "identity", "admission"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (audiences_become_a_set, ("extension-changed", f"{AUDIENCES}/{EXT}list-type", BOTH, MERGE)),
        (owners_keyed_by_name_too, ("extension-changed", f"{META}/ownerReferences/{EXT}list-map-keys", BOTH, MERGE)),
        (owner_reference_granular, ("extension-changed", f"{SCHEMAS}/OwnerReference/{EXT}map-type", BOTH, MERGE)),
        (finalizers_not_merged, ("extension-removed", f"{META}/finalizers/{EXT}patch-strategy", BOTH, MERGE)),
        (owners_merged_by_name, ("extension-changed", f"{META}/ownerReferences/{EXT}patch-merge-key", BOTH, MERGE)),
        (bound_ref_union, ("extension-added", f"{BOUND_REF}/{EXT}unions", BOTH, MERGE)),
        (seconds_int_or_string, ("extension-added", f"{SECONDS}/{EXT}int-or-string", BOTH, "type")),
        # TokenRequest travels both ways, so a tighter or looser rule breaks both sides.
        (bound_ref_keeps_unknown_fields, ("extension-added", f"{BOUND_REF}/{EXT}preserve-unknown-fields", BOTH, ADMIT)),
        (bound_ref_restates_pruning, ("extension-added", f"{BOUND_REF}/{EXT}preserve-unknown-fields", OK, ADMIT)),
        (bound_ref_embedded, ("extension-added", f"{SPEC_PROPS}/boundObjectRef/{EXT}embedded-resource", BOTH, ADMIT)),
        (bound_ref_cel_rule, ("extension-added", f"{BOUND_REF}/{EXT}validations", BOTH, ADMIT)),
        (kind_in_v2, ("extension-changed", f"{SCHEMAS}/TokenRequest/{EXT}group-version-kind", BOTH, IDENTITY)),
        (operation_gvk_v2, ("extension-changed", f"{OP}/post/{EXT}group-version-kind", BOTH, IDENTITY)),
        (action_create, ("extension-changed", f"{OP}/post/{EXT}action", BOTH, IDENTITY)),
        (unknown_extension, ("extension-added", f"{SCHEMAS}/TokenRequestStatus/{EXT}future-thing", OK, "unknown")),
    ],
)  # fmt: skip
def test_each_extension_change_is_classified(
    edit: Callable[[dict[str, Any]], None], expected: tuple[str, str, str, str]
) -> None:
    changes = changes_after(edit)
    assert [(c.kind, c.pointer, c.impact, c.area) for c in changes] == [expected]
    assert changes[0].extension == expected[1].rsplit("/", 1)[1]


def test_a_changed_extension_carries_both_values() -> None:
    (change,) = changes_after(audiences_become_a_set)
    assert (change.before, change.after) == ("atomic", "set")
    assert change.detail == 'TokenRequestSpec.audiences: x-kubernetes-list-type "atomic" -> "set"'
    assert "apply and strategic merge patch" in change.generated


@pytest.mark.parametrize(
    ("key", "before", "after", "tighter", "looser"),
    [
        (
            "x-kubernetes-preserve-unknown-fields",
            None,
            True,
            False,
            True,
        ),  # kept: receivers get more
        ("x-kubernetes-preserve-unknown-fields", True, None, True, False),  # pruned again
        ("x-kubernetes-preserve-unknown-fields", None, False, False, False),  # restated
        ("x-kubernetes-embedded-resource", None, True, True, False),
        ("x-kubernetes-embedded-resource", True, False, False, True),
        ("x-kubernetes-validations", None, [{"rule": "a"}], True, False),
        ("x-kubernetes-validations", [{"rule": "a"}], [], False, True),
        ("x-kubernetes-validations", [{"rule": "a"}], [{"rule": "b"}], True, True),
        (
            "x-kubernetes-validations",
            [{"rule": "a", "message": "x"}],
            [{"rule": "a"}],
            False,
            False,
        ),
    ],
)
def test_admission_extensions_have_a_direction(
    key: str, before: Any, after: Any, tighter: bool, looser: bool
) -> None:
    found = verdict(key, before, after, "X.y")
    assert (found.tighter, found.looser, found.both) == (tighter, looser, False)


def test_a_tighter_rule_on_a_parameter_breaks_clients_only() -> None:
    """Parameters travel one way (client to server): direction decides whom a rule breaks."""

    def cel_on_pretty(doc: dict[str, Any]) -> None:
        pretty = next(p for p in doc["paths"][PATH]["parameters"] if p["name"] == "pretty")
        pretty[EXT + "validations"] = [{"rule": "self in ['true', 'false']"}]

    (change,) = changes_after(cel_on_pretty)
    assert change.impact == CLIENTS and change.pointer.endswith(f"/{EXT}validations")
    (relaxed,) = diff_specs(
        as_spec(modified(cel_on_pretty), "old"), as_spec(vendored(), "new"), "TokenRequest"
    ).changes
    assert relaxed.kind == "extension-removed" and relaxed.impact == "breaks servers"


def modified(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = vendored()
    edit(document)
    return document


EXTENSION_ONLY = (audiences_become_a_set, bound_ref_union, unknown_extension)


def test_an_extension_only_pair_in_every_format(tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(vendored()))
    document = vendored()
    for edit in EXTENSION_ONLY:
        edit(document)
    new.write_text(json.dumps(document))
    pointers = [
        f"{AUDIENCES}/{EXT}list-type",
        f"{SCHEMAS}/BoundObjectReference/{EXT}unions",
        f"{SCHEMAS}/TokenRequestStatus/{EXT}future-thing",
    ]
    text = run_apigen("diff", old, new)
    assert text.returncode == 1, text.stderr  # list-type and unions are breaking
    assert (
        "3 changes to the TokenRequest closure: 2 breaking, 1 compatible (3 to x-kubernetes-* extensions)"
        in text.stdout
    )
    for at, impact in zip(pointers, (BOTH, BOTH, OK), strict=True):
        kind = "extension-changed" if at.endswith("list-type") else "extension-added"
        assert f"[{impact}] {kind} {at}" in text.stdout

    report = json.loads(run_apigen("diff", old, new, "--format", "json").stdout)
    assert report["extension_changes"] == 3
    found = {c["pointer"]: (c["extension"], c["before"], c["after"]) for c in report["changes"]}
    assert found == {
        pointers[0]: (f"{EXT}list-type", "atomic", "set"),
        pointers[1]: (f"{EXT}unions", None, [{"discriminator": "kind", "fields-to-discriminateBy": {"name": "Name"}}]),
        pointers[2]: (f"{EXT}future-thing", None, 1),
    }  # fmt: skip

    markdown = run_apigen("diff", old, new, "--format", "markdown", "--fail-on", "none")
    assert markdown.returncode == 0
    assert "#### Kubernetes schema extensions (3)" in markdown.stdout
    assert (
        f'| breaks clients and servers | `{EXT}list-type` | `{pointers[0]}` | `"atomic"` → `"set"` '
        "| merge semantics |" in markdown.stdout
    )
    assert (
        f"| compatible | `{EXT}future-thing` | `{pointers[2]}` | absent → `1` | unknown |"
        in markdown.stdout
    )
    assert "| impact | change | where | generated code |" not in markdown.stdout  # no other table

    assert run_apigen("diff", old, new, "--fail-on", "any").returncode == 1
    only_unknown = vendored()
    unknown_extension(only_unknown)
    new.write_text(json.dumps(only_unknown))
    assert run_apigen("diff", old, new).returncode == 0  # compatible: below --fail-on breaking


def test_1_29_to_1_30_in_every_format() -> None:
    old, new = upstream_path("1.29"), upstream_path("1.30")
    strict = run_apigen("diff", old, new, "--kind", "TokenRequest", "--fail-on", "any")
    assert strict.returncode == 1, strict.stderr
    assert (
        "5 changes to the TokenRequest closure: 5 breaking (5 to x-kubernetes-* extensions)"
        in strict.stdout
    )
    assert (
        f"[breaks clients and servers] extension-added {META}/ownerReferences/{EXT}list-map-keys"
        in strict.stdout
    )
    report = json.loads(run_apigen("diff", old, new, "--format", "json").stdout)
    assert report["summary"] == {"breaking": 5, "compatible": 0, "description only": 0}
    assert [(c["extension"], c["after"]) for c in report["changes"]] == [
        (f"{EXT}list-type", "set"), (f"{EXT}list-type", "atomic"), (f"{EXT}list-map-keys", ["uid"]),
        (f"{EXT}list-type", "map"), (f"{EXT}list-type", "atomic"),
    ]  # fmt: skip
    markdown = run_apigen("diff", old, new, "--format", "markdown").stdout
    assert "#### Kubernetes schema extensions (5)" in markdown
    assert f'| `{AUDIENCES}/{EXT}list-type` | absent → `"atomic"` | merge semantics |' in markdown


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
    audiences_become_a_set,
    bound_ref_union,
    finalizers_not_merged,
    action_create,
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
