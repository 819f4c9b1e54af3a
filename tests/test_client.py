"""The generated client against a recording fake API server: real uvicorn, real HTTP."""

from __future__ import annotations

import asyncio
import socket
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import ModuleType

import httpx
import pytest
from fake_apiserver import (
    FAKE_TOKEN,
    FakeApiServer,
    Reply,
    created,
    invalid,
    plain_text,
    status_body,
    too_many_requests,
    unauthorized,
)

SECRET = "s3cr3t-bearer-token"
TOKEN_PATH = "/api/v1/namespaces/team-a/serviceaccounts/builder/token"


@pytest.fixture
def client(kube: ModuleType, running: tuple[FakeApiServer, str]) -> Iterator[object]:
    fast = kube.Retry(attempts=2, backoff=0.01, max_delay=0.05)
    with kube.Client(running[1], token=SECRET, namespace="team-a", retry=fast) as made:
        yield made


def test_create_token_sends_what_kubectl_sends_and_parses_the_answer(client, fake, models):
    bound = models.BoundObjectReference.model_validate(
        {"kind": "Pod", "apiVersion": "v1", "name": "p1", "uid": "123"}
    )
    result = client.create_token(
        "builder", audiences=["https://example.com"], duration=3600, bound_object=bound
    )

    assert isinstance(result, models.TokenRequest)
    assert result.status.token == FAKE_TOKEN
    assert result.metadata.creation_timestamp is None
    [sent] = fake.requests
    assert (sent.method, sent.path) == ("POST", TOKEN_PATH)
    assert sent.headers["authorization"] == f"Bearer {SECRET}"
    assert sent.body == {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "spec": {
            "audiences": ["https://example.com"],
            "expirationSeconds": 3600,
            "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p1", "uid": "123"},
        },
    }


def test_explicit_nulls_of_a_real_answer_parse(client, fake):
    result = client.create_token("builder")
    assert result.spec.bound_object_ref is None
    assert result.to_dict()["spec"]["boundObjectRef"] is None
    assert fake.requests[0].body["spec"] == {"audiences": []}


def test_operation_method_sends_query_parameters_and_encodes_path(client, fake, models):
    body = models.TokenRequest.model_validate({"spec": {"audiences": ["a"]}})
    client.create_namespaced_service_account_token(
        "odd/name", "team-a", body, dry_run="All", field_manager="me", field_validation="Strict"
    )
    [sent] = fake.requests
    assert sent.path == "/api/v1/namespaces/team-a/serviceaccounts/odd%2Fname/token"
    assert sent.headers["host"].startswith("127.0.0.1")
    assert sorted(sent.query.split("&")) == [
        "dryRun=All",
        "fieldManager=me",
        "fieldValidation=Strict",
    ]


def test_a_plain_dict_body_gets_its_api_version_and_kind(client, fake):
    body = {"spec": {"audiences": ["a"]}}
    client.create_namespaced_service_account_token("builder", "team-a", body)
    assert fake.requests[0].body == {
        "spec": {"audiences": ["a"]},
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
    }
    assert body == {"spec": {"audiences": ["a"]}}  # the caller's dict is left alone


def test_a_duration_is_a_timedelta_or_seconds_and_positive(client, fake):
    client.create_token("builder", duration=timedelta(hours=1, seconds=30.9))
    assert fake.requests[0].body["spec"]["expirationSeconds"] == 3630
    for duration in (timedelta(0), -5):
        with pytest.raises(ValueError, match="duration must be positive"):
            client.create_token("builder", duration=duration)
    assert len(fake.requests) == 1


def test_a_server_url_with_a_path_keeps_it_as_a_prefix(kube, running, fake):
    """As behind Rancher or another proxy: https://proxy/k8s/clusters/c-1."""
    fake.replies.append(Reply.json(201, created("team-a", "builder", {})))
    with kube.Client(f"{running[1]}/k8s/clusters/c-1/") as client:
        client.create_token("builder", "team-a")
    assert fake.requests[0].path == "/k8s/clusters/c-1" + TOKEN_PATH


def test_client_side_validation_fails_before_any_round_trip(client, fake, kube):
    with pytest.raises(kube.Invalid) as caught:
        client.create_token("builder", duration=60)
    assert caught.value.code == 422
    assert [c.field for c in caught.value.causes] == ["spec.expirationSeconds"]
    assert "10 minutes" in str(caught.value)
    assert fake.requests == []


def test_server_side_invalid_carries_the_causes(kube, running, fake):
    fake.replies.append(
        invalid(
            "builder",
            "spec.expirationSeconds",
            60,
            "may not specify a duration less than 10 minutes",
        )
    )
    with kube.Client(running[1], validate=False) as client, pytest.raises(kube.Invalid) as caught:
        client.create_token("builder", "team-a", duration=60)
    assert caught.value.status.reason == "Invalid"
    assert caught.value.causes[0].field == "spec.expirationSeconds"
    assert str(caught.value).startswith('TokenRequest.authentication.k8s.io "builder" is invalid')


def test_unauthorized_never_shows_the_token(client, fake, kube, caplog):
    caplog.set_level("DEBUG")  # httpx and httpcore log every request at this level
    fake.replies.extend([plain_text(503, "busy"), unauthorized()])
    with pytest.raises(kube.Unauthorized) as caught:
        client.create_token("builder")
    error = caught.value
    assert isinstance(error, kube.ApiError)
    assert (error.code, error.reason, str(error)) == (401, "Unauthorized", "Unauthorized")
    for text in (str(error), repr(error), repr(client), repr(client._http.auth), caplog.text):
        assert SECRET not in text
    assert "retrying POST" in caplog.text
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    ("reply", "error_name"),
    [
        (Reply.json(403, status_body(403, "Forbidden", "forbidden")), "Forbidden"),
        (
            Reply.json(404, status_body(404, "NotFound", 'serviceaccounts "builder" not found')),
            "NotFound",
        ),
        (Reply.json(409, status_body(409, "Conflict", "uid mismatch")), "Conflict"),
        (Reply.json(400, status_body(400, "BadRequest", "namespace mismatch")), "BadRequest"),
    ],
)
def test_other_client_errors_are_typed_and_never_retried(client, fake, kube, reply, error_name):
    fake.replies.append(reply)
    with pytest.raises(getattr(kube, error_name)) as caught:
        client.create_token("builder")
    assert caught.value.code == reply.status
    assert len(fake.requests) == 1


def test_plain_text_server_error_is_readable_and_not_retried(client, fake, kube):
    fake.replies.append(
        plain_text(500, "upstream connect error or disconnect/reset before headers")
    )
    with pytest.raises(kube.ServerError) as caught:
        client.create_token("builder")
    assert caught.value.status is None
    assert str(caught.value) == (
        "the server answered 500 Internal Server Error: upstream connect error or disconnect/reset before headers"
    )
    assert len(fake.requests) == 1


def test_429_is_retried_honouring_retry_after(client, fake):
    fake.replies.extend([too_many_requests("0"), plain_text(503, "busy")])
    assert client.create_token("builder").status.token == FAKE_TOKEN
    assert len(fake.requests) == 3


def test_retries_are_bounded(client, fake, kube):
    fake.replies.extend([too_many_requests("0")] * 5)
    with pytest.raises(kube.TooManyRequests):
        client.create_token("builder")
    assert len(fake.requests) == 3  # the first try and client.retry.attempts == 2


def test_connection_refused_is_retried_then_raised(kube, caplog):
    caplog.set_level("INFO")
    with (
        socket_without_listener() as url,
        kube.Client(url, retry=kube.Retry(attempts=2, backoff=0.01)) as client,
    ):
        with pytest.raises(httpx.ConnectError):
            client.create_token("builder", "team-a")
    assert caplog.text.count("retrying POST") == 2


def test_retry_after_is_capped_and_jitter_stays_within_backoff(kube):
    retry = kube.Retry(attempts=3, backoff=1.0, max_delay=5.0)
    answer = httpx.Response(429, headers={"retry-after": "3600"})
    assert retry.delay(0, answer) == 5.0
    assert retry.delay(3, answer) is None
    assert retry.delay(0, httpx.Response(500)) is None
    assert all(1.0 <= retry.delay(1) <= 2.0 for _ in range(20))
    for offset, expected in ((timedelta(hours=1), 5.0), (-timedelta(hours=1), 0.0)):
        date = format_datetime(datetime.now(UTC) + offset, usegmt=True)
        assert retry.delay(0, httpx.Response(503, headers={"retry-after": date})) == expected


def test_warning_header_values_are_parsed_as_rfc_7234_says(kube):
    answer = httpx.Response(
        201,
        headers=[
            ("warning", '299 - "first, with a comma", 299 - "second \\"quoted\\""'),
            ("warning", '199 - "not an API warning"'),
        ],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kube.issue_warnings(answer)
    assert [str(w.message) for w in caught] == ["first, with a comma", 'second "quoted"']


def test_warning_headers_become_python_warnings(client, fake, kube):
    fake.warning = "requested expiration of 7200 seconds shortened to 3600 seconds"
    with pytest.warns(kube.ApiWarning, match="shortened to 3600 seconds"):
        client.create_token("builder", duration=7200)


def test_context_manager_closes_its_connections(kube, running):
    with kube.Client(running[1]) as client:
        pass
    assert client._http.is_closed


def test_async_client_has_the_same_behaviour(kube, running, fake):
    fake.replies.extend([too_many_requests("0"), unauthorized()])

    async def scenario() -> tuple[object, object]:
        retry = kube.Retry(attempts=1, backoff=0.01)
        async with kube.AsyncClient(
            running[1], token=SECRET, namespace="team-a", retry=retry
        ) as client:
            with pytest.raises(kube.Unauthorized):
                await client.create_token("builder")
            with pytest.raises(kube.Invalid):
                await client.create_token("builder", duration=1)
            return await client.create_token("builder", audiences=["x"]), client

    result, client = asyncio.run(scenario())
    assert result.spec.audiences == ["x"]
    assert client._http.is_closed
    assert [r.path for r in fake.requests] == [TOKEN_PATH] * 3


@contextmanager
def socket_without_listener() -> Iterator[str]:
    """A URL on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
