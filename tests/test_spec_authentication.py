"""The embedded spec's TokenReview and SelfSubjectReview, written by hand, match upstream v1.35
field by field: schema names, types and formats, required lists, group-version-kinds and
the create operation of each. Descriptions are our own and are not compared."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import SPEC, upstream_path
from test_spec import shape

from generator.config import resolve_target
from generator.spec.load import load_spec
from generator.spec.slice import slice_kind

KINDS = {
    "TokenReview": "/apis/authentication.k8s.io/v1/tokenreviews",
    "SelfSubjectReview": "/apis/authentication.k8s.io/v1/selfsubjectreviews",
}


def closure(path: Any, kind: str) -> dict[str, Any]:
    spec = load_spec(path)
    sliced, _ = slice_kind(spec.document, kind, "authentication.k8s.io/v1", spec.source)
    return sliced


@pytest.fixture(scope="module", params=list(KINDS))
def pair(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any], dict[str, Any]]:
    kind = request.param
    return kind, closure(SPEC, kind), closure(upstream_path("1.35"), kind)


def test_the_default_target_is_the_whole_group_version() -> None:
    assert resolve_target(None).kinds == ("TokenRequest", "TokenReview", "SelfSubjectReview")


def test_schemas_match_upstream_field_by_field(
    pair: tuple[str, dict[str, Any], dict[str, Any]],
) -> None:
    kind, ours, upstream = pair
    mine, theirs = ours["components"]["schemas"], upstream["components"]["schemas"]
    assert sorted(mine) == sorted(theirs)
    for name, schema in theirs.items():
        own = mine[name]
        assert own.get("type") == schema.get("type"), name
        assert own.get("format") == schema.get("format"), name
        assert sorted(own.get("required", [])) == sorted(schema.get("required", [])), name
        gvk = "x-kubernetes-group-version-kind"
        assert own.get(gvk) == schema.get(gvk), name
        assert sorted(own.get("properties", {})) == sorted(schema.get("properties", {})), name
        for prop, value in schema.get("properties", {}).items():
            assert shape(own["properties"][prop]) == shape(value), f"{name}.{prop}"
            for key in ("x-kubernetes-list-type", "x-kubernetes-patch-strategy"):
                assert own["properties"][prop].get(key) == value.get(key), f"{name}.{prop} {key}"
    assert kind in mine


def test_operation_matches_upstream(pair: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
    kind, ours, upstream = pair
    path = KINDS[kind]
    assert list(ours["paths"]) == list(upstream["paths"]) == [path]
    mine, theirs = ours["paths"][path], upstream["paths"][path]

    def params(item: dict[str, Any]) -> set[tuple[str, str, bool]]:
        return {
            (p["name"], p["in"], bool(p.get("required")))
            for p in item.get("parameters", []) + item["post"].get("parameters", [])
        }

    assert params(mine) == params(theirs)
    for key in ("operationId", "x-kubernetes-action", "x-kubernetes-group-version-kind", "tags"):
        assert mine["post"][key] == theirs["post"][key]
    assert mine["post"]["requestBody"]["required"] is True
    assert sorted(mine["post"]["requestBody"]["content"]) == sorted(
        theirs["post"]["requestBody"]["content"]
    )
    assert sorted(mine["post"]["responses"]) == sorted(theirs["post"]["responses"])
    for status, response in theirs["post"]["responses"].items():
        assert sorted(mine["post"]["responses"][status].get("content", {})) == sorted(
            response.get("content", {})
        )


def test_descriptions_are_our_own(pair: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
    """The hand-written schemas do not carry upstream's prose (shared ObjectMeta aside)."""
    kind, ours, upstream = pair
    for name in ("TokenReviewSpec", "TokenReviewStatus", "UserInfo", "SelfSubjectReviewStatus"):
        if name in upstream["components"]["schemas"]:
            mine = ours["components"]["schemas"][name]
            theirs = upstream["components"]["schemas"][name]
            assert mine["description"] != theirs["description"]
            for prop, value in theirs["properties"].items():
                assert mine["properties"][prop]["description"] != value["description"]


def test_the_committed_package_has_the_three_kinds(models: Any) -> None:
    review = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenReview",
        "metadata": {"creationTimestamp": None},
        "spec": {"token": "abc", "audiences": ["api"]},
        "status": {
            "authenticated": True,
            "audiences": ["api"],
            "user": {"username": "system:serviceaccount:ns:sa", "groups": ["g"],
                     "extra": {"authentication.kubernetes.io/pod-name": ["p"]}},
        },
    }  # fmt: skip
    assert models.TokenReview.model_validate(review).to_dict() == review
    whoami = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "SelfSubjectReview",
        "metadata": {"creationTimestamp": "2026-11-29T17:00:00Z"},
        "status": {"userInfo": {"username": "admin", "groups": ["system:masters"]}},
    }
    assert models.SelfSubjectReview.model_validate(whoami).to_dict() == whoami
    assert models.SelfSubjectReview.model_validate(whoami).validate_k8s() == []
    assert models.TokenRequest.__name__ == "TokenRequest"  # the primary kind is still there


def test_resources_of_the_default_package() -> None:
    from generator.render.pipeline import build_api

    api = build_api(resolve_target(None))
    by_plural = {r.plural: r for r in api.resources}
    assert set(by_plural) == {"serviceaccounts", "tokenreviews", "selfsubjectreviews"}
    for plural in ("tokenreviews", "selfsubjectreviews"):
        resource = by_plural[plural]
        assert resource.group == "authentication.k8s.io" and not resource.namespaced
        assert resource.verbs == ("create",)
    assert [s.name for s in by_plural["serviceaccounts"].subresources] == ["token"]
    assert [k.kind for k in api.kinds] == ["TokenRequest", "TokenReview", "SelfSubjectReview"]
