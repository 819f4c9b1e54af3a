"""The strict verdict against an independent oracle: kubernetes-validate's schemas for 1.35.

kubernetes-validate ships the JSON Schemas the community derives from every
Kubernetes release. For every generated TokenRequest document, valid or not,
our strict verdict must equal its strict verdict. Our validators also apply
the overlay's API server rules and check formats (int64 ranges, RFC 3339),
which those schemas do not: where the verdicts differ only because of such a
check, the test names it, and that is the only difference allowed. On the same
documents, the default (API server's) verdict must never refuse what the strict
one accepts, but for floats such as 600.0 that Go's decoder refuses.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubernetes_validate.utils import schema_contents
from referencing import Registry, Resource

RELEASE = "1.35"
SCHEMAS = "kubernetes-json-schema/v1.35.0-local-strict"
OVERLAY = ROOT / "generator" / "extensions" / "tokenrequest" / "tokenrequest.overlay.yaml"
DOCUMENTS = 1000
BATCH = 4  # documents per hypothesis example: generation costs less per document in batches


# --- the oracle -------------------------------------------------------------------------------


def oracle() -> jsonschema.protocols.Validator:
    """kubernetes-validate's strict TokenRequest validator, built once as `kubernetes_validate.validate` builds it."""
    schema = schema_contents(f"{SCHEMAS}/tokenrequest-authentication-v1.json", RELEASE)
    definitions = schema_contents(f"{SCHEMAS}/_definitions.json", RELEASE)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


ORACLE = oracle()
DEFINITIONS = schema_contents(f"{SCHEMAS}/_definitions.json", RELEASE)["$defs"]


def oracle_schema_at(field: str) -> dict[str, Any]:
    """The oracle's schema of a field path such as `spec.boundObjectRef.kind` or `metadata.labels[a]`."""
    node: dict[str, Any] = ORACLE.schema
    for part in field.replace("[", ".[").split("."):
        node = resolve(node)
        if part.startswith("["):
            node = node.get("items") or node.get("additionalProperties") or {}
        else:
            node = node.get("properties", {}).get(part, {})
    return resolve(node)


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    return DEFINITIONS[ref.rsplit("/", 1)[1]] if ref else node


# --- which differences are explained ----------------------------------------------------------


def overlay_rules() -> list[tuple[str, str]]:
    """(target, keyword) of every check the overlay adds."""
    actions = yaml.safe_load(OVERLAY.read_text())["actions"]
    return [
        (action["target"], keyword)
        for action in actions
        for keyword in action.get("update", {})
        if not keyword.startswith("x-")
    ]


RULES = overlay_rules()


def explanation(error: Any) -> str | None:
    """Why the oracle would not report this error of ours, or None if it should."""
    if error.origin == "format":
        return f"format check the JSON Schemas do not assert ({error.detail})"
    if error.origin in oracle_schema_at(error.field):
        return None  # the oracle checks this keyword too
    leaf = error.field.rsplit(".", 1)[-1]
    for target, keyword in RULES:
        if keyword == error.origin and target.endswith(f".properties.{leaf}"):
            return f"overlay rule {keyword} at {target}"
    return None


def compare(validators: ModuleType, document: dict[str, Any]) -> tuple[bool, list[str]]:
    """(the oracle's verdict, the rules that explain our extra errors); asserts the verdicts agree."""
    unknown: list[str] = []
    ours = validators.validate_token_request(document, strict=True, unknown=unknown)
    theirs = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in ORACLE.iter_errors(document)
    ]
    explained = {str(error): explanation(error) for error in ours}
    structural = [message for message, why in explained.items() if why is None] + unknown
    assert bool(structural) == bool(theirs), (
        f"verdicts differ on {document!r}\n ours: {structural} (explained: {explained})\n oracle: {theirs}"
    )
    return not theirs, [why for why in explained.values() if why]


def assert_api_server_is_more_lenient(validators: ModuleType, document: dict[str, Any]) -> None:
    """Every error of the default verdict is in the strict one, but for floats such as 600.0.

    Go's decoder refuses 600.0 for an integer; JSON Schema does not.
    """
    strict = {str(error) for error in validators.validate_token_request(document, strict=True)}
    lenient = {
        str(error)
        for error in validators.validate_token_request(document)
        if not (
            error.origin == "type" and isinstance(error.value, float) and error.value.is_integer()
        )
    }
    assert lenient <= strict, f"only the default verdict refuses {document!r}: {lenient - strict}"


# --- the documents ----------------------------------------------------------------------------

# Small pools keep generation fast; the structure, not the spelling, is what varies.
names = st.sampled_from(["a", "build-bot", "kube-system", "p1", "0123", "x.y_z"])
times = st.integers(0, 7_258_118_400).map(
    lambda seconds: datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
)


def nullable(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={name: nullable(s) for name, s in fields.items()})


owner_reference = st.fixed_dictionaries(
    {"apiVersion": names, "kind": names, "name": names, "uid": names},
    optional={"controller": nullable(st.booleans()), "blockOwnerDeletion": nullable(st.booleans())},
)
managed_fields_entry = optional(
    manager=names,
    fieldsV1=st.dictionaries(names, st.just({}), max_size=2),
    time=times,
)
object_meta = optional(
    name=names,
    labels=st.dictionaries(names, nullable(names), max_size=2),
    creationTimestamp=times,
    generation=st.integers(-(2**63), 2**63 - 1),
    finalizers=st.lists(nullable(names), max_size=2),
    ownerReferences=st.lists(nullable(owner_reference), max_size=1),
    managedFields=st.lists(nullable(managed_fields_entry), max_size=1),
)
bound_object_reference = st.fixed_dictionaries(
    {"kind": st.sampled_from(["Pod", "Secret", "Node"])},
    optional={
        "apiVersion": nullable(st.just("v1")),
        "name": nullable(names),
        "uid": nullable(names),
    },
)
token_request_spec = st.fixed_dictionaries(
    {"audiences": st.lists(nullable(names), max_size=3)},
    optional={
        "expirationSeconds": nullable(st.integers(600, 2**32)),
        "boundObjectRef": nullable(bound_object_reference),
    },
)
token_request_status = st.fixed_dictionaries(
    {"token": names, "expirationTimestamp": nullable(times)}
)
# Valid under both the oracle and every rule of ours.
valid_documents = st.fixed_dictionaries(
    {"spec": nullable(token_request_spec)},
    optional={
        "apiVersion": st.just("authentication.k8s.io/v1"),
        "kind": st.just("TokenRequest"),
        "metadata": nullable(object_meta),
        "status": nullable(token_request_status),
    },
)
# Values a mutation puts anywhere: every JSON type, and the edges of every rule.
BAD_VALUES = (
    None, True, 0, -1, 599, 600, 2**32, 2**32 + 1, 2**63, -(2**63) - 1, 1.5, 600.0, "", "x", "Pod",
    "Deployment", "authentication.k8s.io/v2", "TokenRequest", "2026-11-29T17:00:00Z", "2026-02-30T00:00:00Z",
    "2026-11-29 17:00:00", [], ["a"], [1], [None], {}, {"a": "b"}, {"a": 1},
)  # fmt: skip


def locations(node: Any) -> Iterator[tuple[Any, Any]]:
    """(container, key or index) of every value inside a document."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield node, key
            yield from locations(child)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield node, index
            yield from locations(child)


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document with one to three values replaced, keys removed or unknown keys added."""
    document = copy.deepcopy(draw(valid_documents))
    for _ in range(draw(st.integers(1, 3))):
        places = [(document, None), *locations(document)]
        container, key = places[draw(st.integers(0, len(places) - 1))]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "add" or key is None:
            target = container if isinstance(container, dict) else document
            target[draw(st.sampled_from(["extra", "spec", "kind", "uid", "token"]))] = draw(
                st.sampled_from(BAD_VALUES)
            )
        elif action == "delete" and isinstance(container, dict):
            del container[key]
        else:
            container[key] = copy.deepcopy(draw(st.sampled_from(BAD_VALUES)))
    return document


# Valid documents whose spec tests the edges of the overlay's rules, which the oracle lacks.
edge_documents = st.fixed_dictionaries(
    {
        "apiVersion": st.just("authentication.k8s.io/v1"),
        "kind": st.just("TokenRequest"),
        "spec": st.fixed_dictionaries(
            {"audiences": st.lists(names, max_size=2)},
            optional={
                "expirationSeconds": st.one_of(
                    st.integers(0, 2**33), st.sampled_from([599, 600, 2**32, 2**32 + 1])
                ),
                "boundObjectRef": st.fixed_dictionaries(
                    {"kind": st.sampled_from(["Pod", "Secret", "Node", "Deployment", "pod", ""])}
                ),
            },
        ),
    }
)
documents = st.one_of(valid_documents, mutated_documents(), edge_documents)


# --- the tests --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validators(generated_package: ModuleType) -> ModuleType:
    from authentication_k8s_io_v1 import validators as module

    return module


def test_the_oracle_is_kubernetes_validates_own_verdict() -> None:
    """Our prebuilt oracle says what `kubernetes_validate.validate(doc, "1.35", strict=True)` says."""
    good = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "spec": {"audiences": []},
    }
    bad = {**good, "spec": {"audiences": [], "extra": 1}}
    assert kubernetes_validate.validate(good, RELEASE, strict=True) == RELEASE
    assert ORACLE.is_valid(good)
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, RELEASE, strict=True)
    assert not ORACLE.is_valid(bad)


def test_strict_verdict_equals_kubernetes_validate(validators: ModuleType) -> None:
    verdicts: Counter[str] = Counter()
    explanations: Counter[str] = Counter()

    @settings(
        max_examples=DOCUMENTS // BATCH,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(documents, min_size=BATCH, max_size=BATCH))
    def agree(batch: list[dict[str, Any]]) -> None:
        for document in batch:
            valid, reasons = compare(validators, document)
            verdicts["valid" if valid else "invalid"] += 1
            explanations.update(reasons)
            assert_api_server_is_more_lenient(validators, document)

    agree()
    print(
        f"\n{sum(verdicts.values())} documents: {dict(verdicts)}; differences explained by: {dict(explanations)}"
    )
    assert sum(verdicts.values()) >= DOCUMENTS
    assert verdicts["valid"] >= DOCUMENTS // 10 and verdicts["invalid"] >= DOCUMENTS // 10
    # every overlay rule the oracle lacks was exercised and named
    assert {why.split(" at ")[0] for why in explanations if why.startswith("overlay")} == {
        "overlay rule minimum",
        "overlay rule maximum",
        "overlay rule enum",
    }


@pytest.mark.parametrize(
    ("document", "rule"),
    [
        (
            {"spec": {"audiences": [], "expirationSeconds": 60}},
            "overlay rule minimum at $.components.schemas['io.k8s.api.authentication.v1.TokenRequestSpec',"
            "'TokenRequestSpec'].properties.expirationSeconds",
        ),
        (
            {"spec": {"audiences": [], "expirationSeconds": 2**32 + 1}},
            "overlay rule maximum at $.components.schemas['io.k8s.api.authentication.v1.TokenRequestSpec',"
            "'TokenRequestSpec'].properties.expirationSeconds",
        ),
        (
            {"spec": {"audiences": [], "boundObjectRef": {"kind": "Deployment"}}},
            "overlay rule enum at $.components.schemas['io.k8s.api.authentication.v1.BoundObjectReference',"
            "'BoundObjectReference'].properties.kind",
        ),
        (
            {"spec": {"audiences": []}, "metadata": {"creationTimestamp": "yesterday"}},
            "format check the JSON Schemas do not assert (must be an RFC 3339 date-time)",
        ),
        (
            {"spec": {"audiences": []}, "metadata": {"generation": 2**63}},
            "format check the JSON Schemas do not assert (must fit in a signed 64-bit integer)",
        ),
    ],
)
def test_each_difference_names_its_rule(
    validators: ModuleType, document: dict[str, Any], rule: str
) -> None:
    document = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", **document}
    valid, reasons = compare(validators, document)
    assert valid  # the oracle accepts it ...
    assert reasons == [rule]  # ... and we refuse it for exactly this reason
    assert validators.validate_token_request(document, strict=True)


def test_where_the_oracle_has_the_rule_too_we_agree(validators: ModuleType) -> None:
    document = {"apiVersion": "authentication.k8s.io/v2", "spec": {"audiences": []}}
    valid, reasons = compare(validators, document)
    assert not valid and reasons == []
