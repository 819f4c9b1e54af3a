"""The generated server over real HTTPS: kube-apiserver's TokenRequest behaviour, its tokens, its wire forms."""

from __future__ import annotations

import importlib
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import jwt
import pytest
import yaml
from conftest import KUBECTL_128_BODY
from server_harness import (
    ADMIN_TOKEN,
    API_AUDIENCES,
    ISSUER,
    MAX_EXPIRATION,
    NAMESPACE,
    NODE_UID,
    POD_UID,
    SA_UID,
    SECRET_UID,
    RunningServer,
    ServerFiles,
    app_server,
    files_fixture,  # noqa: F401 - the `files` fixture
    server_fixture,  # noqa: F401 - the `server` fixture
    server_process,
    verify_token,
    write_server_files,
)

pytestmark = pytest.mark.timeout(120)

PATH = f"/api/v1/namespaces/{NAMESPACE}/serviceaccounts/builder/token"
PROTOBUF = "application/vnd.kubernetes.protobuf"
# What kubectl 1.35 sent for `--audience https://example.com --duration 1h --bound-object-kind Pod
# --bound-object-name p1 --bound-object-uid 123` (KUBERNETES.md).
KUBECTL_SAMPLE = (
    b'k8s\x00\n(\n\x18authentication.k8s.io/v1\x12\x0cTokenRequest\x12F\n\x10\n\x00\x12\x00\x1a\x00"\x00*\x002\x00'
    b'8\x00B\x00\x12,\n\x13https://example.com\x1a\x12\n\x03Pod\x12\x02v1\x1a\x02p1"\x03123 \x90\x1c\x1a\x04\n\x00'
    b'\x12\x00\x1a\x00"\x00'
)


@pytest.fixture(scope="module")
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def body(spec: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    return {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "spec": spec or {},
        **top,
    }


def assert_status(response: httpx.Response, code: int, reason: str, message: str) -> dict[str, Any]:
    assert response.status_code == code, response.text
    assert response.headers["content-type"] == "application/json"
    status = response.json()
    assert {k: status[k] for k in ("kind", "apiVersion", "status", "code", "reason")} == {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "code": code,
        "reason": reason,
    }
    assert message in status["message"]
    return dict(status)


def test_created_token_has_kube_apiserver_claims_and_verifies_against_jwks(
    server: RunningServer, http: httpx.Client
) -> None:
    response = http.post(
        PATH,
        json=body(
            {
                "audiences": ["vault"],
                "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p1"},
            }
        ),
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["metadata"]["name"] == "builder"
    assert created["metadata"]["namespace"] == NAMESPACE
    assert created["metadata"]["creationTimestamp"].endswith("Z")
    assert created["spec"]["expirationSeconds"] == 3600
    assert created["status"]["expirationTimestamp"].endswith("Z")

    token = created["status"]["token"]
    claims = verify_token(token, server.jwks(), audience="vault")
    assert claims["sub"] == f"system:serviceaccount:{NAMESPACE}:builder"
    assert claims["aud"] == ["vault"]
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["nbf"] == claims["iat"]
    assert uuid.UUID(claims["jti"])
    assert claims["kubernetes.io"] == {
        "namespace": NAMESPACE,
        "serviceaccount": {"name": "builder", "uid": SA_UID},
        "pod": {"name": "p1", "uid": POD_UID},
        "node": {"name": "n1", "uid": NODE_UID},
    }
    assert jwt.get_unverified_header(token)["alg"] == "ES256"


def test_pod_bound_3607_second_token_for_the_api_server_is_extended_to_a_year(
    server: RunningServer, http: httpx.Client
) -> None:
    """As kube-apiserver with --service-account-extend-token-expiration (the default) does for
    projected volumes: the JWT lives a year and warns after the requested 3607 s, while the
    response reports the 3607 s."""
    pod = {"kind": "Pod", "apiVersion": "v1", "name": "p1"}
    extended = http.post(
        PATH,
        json=body(
            {"audiences": [API_AUDIENCES[0]], "expirationSeconds": 3607, "boundObjectRef": pod}
        ),
    )
    assert extended.status_code == 201, extended.text
    created = extended.json()
    claims = verify_token(created["status"]["token"], server.jwks(), audience=API_AUDIENCES[0])
    assert claims["exp"] - claims["iat"] == 365 * 24 * 3600
    assert claims["kubernetes.io"]["warnafter"] == claims["iat"] + 3607
    assert created["spec"]["expirationSeconds"] == 3607

    for spec in (
        {
            "audiences": ["vault"],
            "expirationSeconds": 3607,
            "boundObjectRef": pod,
        },  # not for the API server
        {"audiences": [API_AUDIENCES[0]], "expirationSeconds": 3607},  # not pod-bound
        {"audiences": [API_AUDIENCES[0]], "expirationSeconds": 3608, "boundObjectRef": pod},
    ):
        plain = http.post(PATH, json=body(spec))
        assert plain.status_code == 201, plain.text
        audience = spec["audiences"][0]  # type: ignore[index]
        claims = verify_token(plain.json()["status"]["token"], server.jwks(), audience=audience)
        assert claims["exp"] - claims["iat"] == spec["expirationSeconds"]
        assert "warnafter" not in claims["kubernetes.io"]


def test_no_extend_token_expiration_keeps_3607_seconds(
    files: ServerFiles, generated_package: ModuleType
) -> None:
    """`--no-extend-token-expiration` turns the year-long extension off: the JWT lives 3607 s."""
    server_module = importlib.import_module(f"{generated_package.__name__}.server")
    args = server_module.build_parser().parse_args(
        [*files.arguments(), "--no-extend-token-expiration"]
    )
    pod = {"kind": "Pod", "apiVersion": "v1", "name": "p1"}
    request = body(
        {"audiences": [API_AUDIENCES[0]], "expirationSeconds": 3607, "boundObjectRef": pod}
    )
    with app_server(server_module.app_from_args(args), files) as running:
        with running.client() as client:
            response = client.post(PATH, json=request)
        jwks = running.jwks()
    assert response.status_code == 201, response.text
    claims = verify_token(response.json()["status"]["token"], jwks, audience=API_AUDIENCES[0])
    assert claims["exp"] - claims["iat"] == 3607
    assert "warnafter" not in claims["kubernetes.io"]


def test_oidc_discovery_points_at_the_jwks(server: RunningServer, http: httpx.Client) -> None:
    discovery = http.get("/.well-known/openid-configuration").json()
    assert discovery["issuer"] == ISSUER
    assert discovery["jwks_uri"] == ISSUER + "/openid/v1/jwks"
    assert discovery["id_token_signing_alg_values_supported"] == ["ES256"]
    [key] = server.jwks()["keys"]
    assert key["kty"] == "EC" and key["alg"] == "ES256" and key["use"] == "sig"


def test_secret_binding_and_defaulted_audiences(server: RunningServer, http: httpx.Client) -> None:
    response = http.post(
        PATH,
        json=body(
            {
                "boundObjectRef": {
                    "kind": "Secret",
                    "apiVersion": "v1",
                    "name": "s1",
                    "uid": SECRET_UID,
                }
            }
        ),
    )
    assert response.status_code == 201, response.text
    assert response.json()["spec"]["audiences"] == list(API_AUDIENCES)
    claims = verify_token(response.json()["status"]["token"], server.jwks(), audience="api")
    assert claims["kubernetes.io"]["secret"] == {"name": "s1", "uid": SECRET_UID}
    assert "pod" not in claims["kubernetes.io"]


def test_node_binding_is_cluster_scoped(server: RunningServer, http: httpx.Client) -> None:
    ref = {"kind": "Node", "apiVersion": "v1", "name": "n1", "uid": NODE_UID}
    response = http.post(PATH, json=body({"audiences": ["a"], "boundObjectRef": ref}))
    assert response.status_code == 201, response.text
    claims = verify_token(response.json()["status"]["token"], server.jwks(), audience="a")
    assert claims["kubernetes.io"]["node"] == {"name": "n1", "uid": NODE_UID}


def test_old_kubectl_nulls_are_accepted_and_defaulted(http: httpx.Client) -> None:
    response = http.post(PATH, json=KUBECTL_128_BODY)
    assert response.status_code == 201, response.text
    assert response.json()["spec"] == {
        "audiences": list(API_AUDIENCES),
        "expirationSeconds": 3600,
        "boundObjectRef": None,  # KUBERNETES.md: the Go field has no omitempty
    }


def test_yaml_request_and_yaml_response(http: httpx.Client) -> None:
    request = yaml.safe_dump(body({"audiences": ["a"], "expirationSeconds": 7200}))
    response = http.post(
        PATH,
        content=request,
        headers={"Content-Type": "application/yaml", "Accept": "application/yaml"},
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/yaml"
    created = yaml.safe_load(response.text)
    assert created["spec"] == {
        "audiences": ["a"],
        "expirationSeconds": 7200,
        "boundObjectRef": None,
    }


def test_kubectl_protobuf_sample_gets_a_protobuf_answer(
    server: RunningServer, http: httpx.Client, generated_package: ModuleType
) -> None:
    proto = importlib.import_module(f"{generated_package.__name__}._proto")
    response = http.post(
        PATH,
        content=KUBECTL_SAMPLE,
        headers={"Content-Type": PROTOBUF, "Accept": f"{PROTOBUF},application/json"},
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == PROTOBUF
    assert response.content.startswith(b"k8s\x00")
    created = proto.CODEC.decode(response.content)
    assert created["apiVersion"] == "authentication.k8s.io/v1" and created["kind"] == "TokenRequest"
    assert created["spec"]["boundObjectRef"] == {
        "kind": "Pod",
        "apiVersion": "v1",
        "name": "p1",
        "uid": POD_UID,
    }
    claims = verify_token(created["status"]["token"], server.jwks(), audience="https://example.com")
    assert created["status"]["expirationTimestamp"] == _rfc3339(claims["exp"])


def test_protobuf_sample_decodes_with_kubernetes_field_numbers(
    generated_package: ModuleType,
) -> None:
    proto = importlib.import_module(f"{generated_package.__name__}._proto")
    assert proto.CODEC.decode(KUBECTL_SAMPLE) == {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "metadata": {"generation": 0},
        "spec": {
            "audiences": ["https://example.com"],
            "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p1", "uid": "123"},
            "expirationSeconds": 3600,
        },
        "status": {},
    }


def test_warnings_for_unknown_fields_and_shortened_expiration(http: httpx.Client) -> None:
    request = body({"expirationSeconds": MAX_EXPIRATION * 2, "foo": 1})
    response = http.post(PATH, json=request)
    assert response.status_code == 201, response.text
    assert response.headers.get_list("warning") == [
        '299 - "unknown field \\"spec.foo\\""',
        f'299 - "requested expiration of {MAX_EXPIRATION * 2} seconds shortened to {MAX_EXPIRATION} seconds"',
    ]
    assert response.json()["spec"]["expirationSeconds"] == MAX_EXPIRATION
    failed = http.post(PATH.replace("builder", "nope"), json=body({"foo": 1}))
    assert failed.status_code == 404
    assert failed.headers.get_list("warning") == ['299 - "unknown field \\"spec.foo\\""']
    ignored = http.post(PATH, params={"fieldValidation": "Ignore"}, json=body({"foo": 1}))
    assert ignored.status_code == 201 and "warning" not in ignored.headers


def test_fuzz_findings_non_latin1_field_names_and_lone_surrogates_are_answered(
    http: httpx.Client,
) -> None:
    """The two 500s schemathesis once found, pinned here rather than left to a fuzz run's luck:
    an unknown field named outside Latin-1 goes out as a UTF-8 Warning, and a lone surrogate
    escape reads as U+FFFD, as Go's decoder reads it."""
    request = json.dumps(body({"audiences": ["a"], "ключ": 1}), ensure_ascii=False).encode()
    warned = http.post(PATH, content=request, headers={"Content-Type": "application/json"})
    assert warned.status_code == 201, warned.text
    utf8_warning = '299 - "unknown field \\"spec.ключ\\""'.encode()
    assert warned.headers.raw.count((b"warning", utf8_warning)) == 1
    lone = b'{"kind": "TokenRequest", "spec": {"audiences": ["\\ud83d"]}}'
    replaced = http.post(PATH, content=lone, headers={"Content-Type": "application/json"})
    assert replaced.status_code == 201, replaced.text
    assert replaced.json()["spec"]["audiences"] == ["\ufffd"]


def test_dry_run_all_still_issues_the_token(server: RunningServer, http: httpx.Client) -> None:
    response = http.post(PATH, params={"dryRun": "All"}, json=body({"audiences": ["a"]}))
    assert response.status_code == 201, response.text
    verify_token(response.json()["status"]["token"], server.jwks(), audience="a")


def spec_error(spec: dict[str, Any]) -> dict[str, Any]:
    return {"json": body(spec)}


ERRORS = [
    # (case, request, code, reason, message)
    (
        "unknown service account",
        {"path": PATH.replace("builder", "nope"), "json": body()},
        404,
        "NotFound",
        'serviceaccounts "nope" not found',
    ),
    (
        "too short",
        spec_error({"expirationSeconds": 60}),
        422,
        "Invalid",
        "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes",
    ),
    (
        "too long",
        spec_error({"expirationSeconds": 2**32 + 1}),
        422,
        "Invalid",
        "may not specify a duration larger than 2^32 seconds",
    ),
    (
        "name mismatch",
        {"json": body(metadata={"name": "other"})},
        422,
        "Invalid",
        'metadata.name: Invalid value: "other": must match the service account name if specified',
    ),
    (
        "namespace mismatch",
        {"json": body(metadata={"namespace": "elsewhere"})},
        400,
        "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request",
    ),
    (
        "other api version",
        {"json": {**body(), "apiVersion": "authentication.k8s.io/v1beta1"}},
        400,
        "BadRequest",
        "authentication.k8s.io/v1beta1",
    ),
    (
        "unbindable kind",
        spec_error({"boundObjectRef": {"kind": "ConfigMap", "apiVersion": "v1", "name": "c"}}),
        400,
        "BadRequest",
        "cannot bind token to object of type /v1, Kind=ConfigMap",
    ),
    (
        "pod of another account",
        spec_error({"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p-other"}}),
        400,
        "BadRequest",
        "to pod running with different serviceaccount name.",  # the Pod's account is not named
    ),
    (
        "missing pod",
        spec_error({"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "gone"}}),
        404,
        "NotFound",
        'pods "gone" not found',
    ),
    (
        "uid mismatch",
        spec_error(
            {"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p1", "uid": "999"}}
        ),
        409,
        "Conflict",
        "the UID in the bound object reference (999) does not match the UID in record. The object",
    ),
    (
        "strict unknown field",
        {"json": body({"foo": 1}), "params": {"fieldValidation": "Strict"}},
        400,
        "BadRequest",
        'strict decoding error: unknown field "spec.foo"',
    ),
    (
        "strict duplicate field",
        {
            "content": b'{"spec": {"expirationSeconds": 3600, "expirationSeconds": 7200}}',
            "params": {"fieldValidation": "Strict"},
            "headers": {"Content-Type": "application/json"},
        },
        400,
        "BadRequest",
        'duplicate field "spec.expirationSeconds"',
    ),
    (
        "bad fieldValidation",
        {"json": body(), "params": {"fieldValidation": "Loose"}},
        422,  # KUBERNETES.md: CreateOptions problems are 422
        "Invalid",
        'fieldValidation: Unsupported value: "Loose"',
    ),
    (
        "bad dryRun",
        {"json": body(), "params": {"dryRun": "Some"}},
        422,
        "Invalid",
        'dryRun: Unsupported value: ["Some"]',
    ),
    (
        "malformed JSON",
        {"content": b"{", "headers": {"Content-Type": "application/json"}},
        400,
        "BadRequest",
        "json parse error: unexpected end of JSON input",
    ),
    (
        "malformed protobuf",
        {"content": b"k8s\x00\xff\xff", "headers": {"Content-Type": PROTOBUF}},
        400,
        "BadRequest",
        "the object provided is unrecognized (must be of type TokenRequest)",
    ),
    (
        "not an object",
        {"json": [1]},
        400,
        "BadRequest",
        "json: cannot unmarshal array into Go value",
    ),
    (
        "unsupported media type",
        {"content": b"x", "headers": {"Content-Type": "text/plain"}},
        415,
        "UnsupportedMediaType",
        "accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
    ),
    (
        "not acceptable",
        {"json": body(), "headers": {"Accept": "text/html"}},
        406,
        "NotAcceptable",
        "only the following media types are accepted",
    ),
    (
        "too large",
        {"content": b" " * (3 * 1024 * 1024 + 1), "headers": {"Content-Type": "application/json"}},
        413,
        "RequestEntityTooLarge",
        "Request entity too large: limit is 3145728",
    ),
    (
        "no such path",
        {"path": "/api/v1/namespaces/ci/pods", "json": body()},
        404,
        "NotFound",
        "the server could not find the requested resource",
    ),
]


@pytest.mark.parametrize(
    ("case", "request_args", "code", "reason", "message"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_errors_are_kube_apiserver_statuses(
    http: httpx.Client,
    case: str,
    request_args: dict[str, Any],
    code: int,
    reason: str,
    message: str,
) -> None:
    arguments = {"path": PATH, **request_args}
    response = http.post(arguments.pop("path"), **arguments)
    status = assert_status(response, code, reason, message)
    if code == 422 and status["details"]["kind"] == "TokenRequest":
        assert status["details"]["causes"][0]["reason"] == "FieldValueInvalid"


def test_an_unserved_method_is_a_405_status(http: httpx.Client) -> None:
    assert_status(
        http.get(PATH),
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
    )


def test_not_found_names_the_resource(http: httpx.Client) -> None:
    response = http.post(PATH.replace("builder", "nope"), json=body())
    assert response.json()["details"] == {"name": "nope", "kind": "serviceaccounts"}


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {ADMIN_TOKEN}"])
def test_unauthenticated_is_401(server: RunningServer, authorization: str | None) -> None:
    with server.client(None) as client:
        headers = {"Authorization": authorization} if authorization else {}
        assert_status(
            client.post(PATH, json=body(), headers=headers), 401, "Unauthorized", "Unauthorized"
        )


def test_authorizer_hook_answers_403_and_rs256_keys_sign(
    generated_package: ModuleType, tmp_path: Path
) -> None:
    server_module = importlib.import_module(f"{generated_package.__name__}.server")
    tokens = importlib.import_module(f"{generated_package.__name__}._tokens")
    backend_module = importlib.import_module(f"{generated_package.__name__}._token_backend")
    auth = importlib.import_module(f"{generated_package.__name__}._auth")
    files = write_server_files(tmp_path, algorithm="RS256")
    tokens_backend = backend_module.InMemoryTokenBackend(
        tokens.TokenSigner(tokens.load_key(files.signing_key), ISSUER),
        backend_module.load_objects(files.objects.read_text()),
    )
    users = {ADMIN_TOKEN: auth.User("admin"), "intern-token": auth.User("intern")}
    app = server_module.create_app(
        tokens=tokens_backend,
        authenticator=users.get,
        authorizer=lambda user, attributes: (  # the JWKS is authorized too, as a path
            user.name == "admin" and (attributes.subresource == "token" or bool(attributes.path))
        ),
    )
    with app_server(app, files) as running:
        with running.client("intern-token") as intern:
            status = assert_status(
                intern.post(PATH, json=body()),
                403,
                "Forbidden",
                'User "intern" cannot create resource "serviceaccounts/token"',
            )
            assert status["details"] == {"name": "builder", "kind": "serviceaccounts"}
        with running.client() as admin:
            created = admin.post(PATH, json=body({"audiences": ["a"]}))
        assert created.status_code == 201, created.text
        token = created.json()["status"]["token"]
        assert jwt.get_unverified_header(token)["alg"] == "RS256"
        verify_token(token, running.jwks(), audience="a")


def test_replicas_sharing_a_key_serve_the_same_jwks(
    files: ServerFiles, server: RunningServer, http: httpx.Client
) -> None:
    """A second replica, started with `apigen serve` and two workers, verifies what the first signed."""
    apigen_serve = [sys.executable, "-m", "generator", "serve", "--"]
    with server_process(files, *apigen_serve, extra=["--workers", "2"]) as replica:
        assert replica.jwks() == server.jwks()
        token = http.post(PATH, json=body({"audiences": ["a"]})).json()["status"]["token"]
        verify_token(token, replica.jwks(), audience="a")
        with replica.client() as replica_http:
            for _ in range(4):  # spread over both workers
                answer = replica_http.post(PATH, json=body({"audiences": ["a"]}))
                verify_token(answer.json()["status"]["token"], server.jwks(), audience="a")


def test_openapi_document_describes_the_operation(http: httpx.Client) -> None:
    document = http.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"][
        "post"
    ]
    assert operation["operationId"] == "createCoreV1NamespacedServiceAccountToken"
    assert {p["name"] for p in operation["parameters"]} >= {
        "name",
        "namespace",
        "dryRun",
        "fieldValidation",
    }
    assert set(document["components"]["schemas"]) >= {"TokenRequest", "TokenRequestSpec", "Status"}
    json.dumps(document)


def _rfc3339(seconds: int) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
