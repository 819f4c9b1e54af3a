"""TokenRequest answered exactly as kube-apiserver 1.35 answers it, over real HTTPS.

Every case names the code, reason, message and details kube-apiserver writes
(KUBERNETES.md, and the sources it names: the generic create handler
`staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go`, the storage
`pkg/registry/core/serviceaccount/storage/token.go`, apimachinery's
`errors.NewInvalid`, `NewConflict`, `NewNotFound` and the JSON serializer).
The tests speak HTTP only, so they hold whatever module serves it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import yaml
from server_harness import (
    ADMIN_TOKEN,
    MAX_EXPIRATION,
    NAMESPACE,
    NODE_UID,
    OBJECTS_YAML,
    POD_UID,
    SA_UID,
    SECRET_UID,
    RunningServer,
    ServerFiles,
    server_process,
    verify_token,
    write_server_files,
)

pytestmark = pytest.mark.timeout(120)

PATH = f"/api/v1/namespaces/{NAMESPACE}/serviceaccounts/builder/token"
GROUP = "authentication.k8s.io"
PROTOBUF = "application/vnd.kubernetes.protobuf"
DEFAULT_SA_UID = "5a000000-0000-4000-8000-00000000000d"
LOST_POD_UID = "90d00000-0000-4000-8000-000000000006"
PLAIN_POD_UID = "90d00000-0000-4000-8000-000000000007"
# Beyond the harness' objects: a Pod whose Node does not exist, a Pod loaded without
# serviceAccountName (admission would have set `default`), and the `default` account.
EXTRA_OBJECTS = f"""\
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: default, namespace: {NAMESPACE}, uid: {DEFAULT_SA_UID}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: p-lost, namespace: {NAMESPACE}, uid: {LOST_POD_UID}}}
spec: {{serviceAccountName: builder, nodeName: gone-node}}
---
apiVersion: v1
kind: Pod
metadata: {{name: p-plain, namespace: {NAMESPACE}, uid: {PLAIN_POD_UID}}}
spec: {{containers: [{{name: c, image: busybox}}]}}
"""
NOT_REGISTERED = 'in scheme "pkg/api/legacyscheme/scheme.go:30"'
HANDLED = 'TokenRequest in version "v1" cannot be handled as a TokenRequest: '


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> ServerFiles:
    written = write_server_files(tmp_path_factory.mktemp("exact"))
    written.objects.write_text(OBJECTS_YAML + EXTRA_OBJECTS)
    written.token_auth_file.write_text(
        f'{ADMIN_TOKEN},admin,1000,"system:masters,dev"\nintern-token,intern,1001,\n'
    )
    return written


@pytest.fixture(scope="module")
def server(files: ServerFiles) -> Iterator[RunningServer]:
    with server_process(files) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def body(spec: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    return {"apiVersion": f"{GROUP}/v1", "kind": "TokenRequest", "spec": spec or {}, **top}


def raw(text: str | bytes, **request: Any) -> dict[str, Any]:
    content = text.encode() if isinstance(text, str) else text
    return {"content": content, "headers": {"Content-Type": "application/json"}, **request}


def status(code: int, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole `Status` body kube-apiserver writes, in its key order."""
    reasons = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        405: "MethodNotAllowed",
        409: "Conflict",
        413: "RequestEntityTooLarge",
        422: "Invalid",
    }
    answer: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reasons[code],
    }
    if details is not None:
        answer["details"] = details
    answer["code"] = code
    return answer


def invalid_spec(field: str, cause: str, reason: str = "FieldValueInvalid") -> dict[str, Any]:
    """Validation's 422: `NewInvalid(gvk.GroupKind(), "", errs)`: no name in the details."""
    return status(
        422,
        f'TokenRequest.{GROUP} "" is invalid: {field}: {cause}',
        {
            "group": GROUP,
            "kind": "TokenRequest",
            "causes": [{"reason": reason, "message": cause, "field": field}],
        },
    )


def invalid_options(*causes: tuple[str, str, str]) -> dict[str, Any]:
    """The handler's 422 on CreateOptions.meta.k8s.io, one cause per (reason, field, message)."""
    texts = [f"{field}: {message}" for _, field, message in causes]
    summary = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    return status(
        422,
        f'CreateOptions.meta.k8s.io "" is invalid: {summary}',
        {
            "group": "meta.k8s.io",
            "kind": "CreateOptions",
            "causes": [{"reason": r, "message": m, "field": f} for r, f, m in causes],
        },
    )


POD = {"kind": "Pod", "apiVersion": "v1", "name": "p1"}
UID_409 = (
    f'Operation cannot be fulfilled on TokenRequest.{GROUP} "builder": the UID in the token request '
    f"(stale) does not match the UID of the service account ({SA_UID})"
)
OTHER_ACCOUNT = 'cannot bind token for serviceaccount "builder" to pod running with different serviceaccount name.'
CONFIG_MAP = {"kind": "ConfigMap", "apiVersion": "v1", "name": "c"}
SHORT = "Invalid value: 60: may not specify a duration less than 10 minutes"
LONG_FIELD_MANAGER = "m" * 129

CASES = [
    # (id, request, expected Status)
    # 1. decode: 400 with the serializer's words
    (
        "string for an integer",
        {"json": body({"expirationSeconds": "3600"})},
        status(400, HANDLED + "json: cannot unmarshal string into Go struct field "
               "TokenRequestSpec.spec.expirationSeconds of type int64"),
    ),
    (
        "int64 overflow",
        raw('{"spec": {"expirationSeconds": 9223372036854775808}}'),
        status(400, HANDLED + "json: cannot unmarshal number 9223372036854775808 into Go struct field "
               "TokenRequestSpec.spec.expirationSeconds of type int64"),
    ),
    (
        "string for a list",
        {"json": body({"audiences": "vault"})},
        status(400, HANDLED + "json: cannot unmarshal string into Go struct field "
               "TokenRequestSpec.spec.audiences of type []string"),
    ),
    (
        "unknown kind",
        {"json": {**body(), "kind": "Foo"}},
        status(400, f'Foo in version "v1" cannot be handled as a TokenRequest: no kind "Foo" is registered '
               f'for version "{GROUP}/v1" {NOT_REGISTERED}'),
    ),
    (
        "other version",
        {"json": {**body(), "apiVersion": f"{GROUP}/v1beta1"}},
        status(400, 'TokenRequest in version "v1beta1" cannot be handled as a TokenRequest: no kind '
               f'"TokenRequest" is registered for version "{GROUP}/v1beta1" {NOT_REGISTERED}'),
    ),
    (
        "empty body",
        raw(""),
        status(400, "the object provided is unrecognized (must be of type TokenRequest): couldn't get "
               "version/kind; json parse error: unexpected end of JSON input (<empty>)"),
    ),
    (
        "truncated JSON",
        raw('{"spec": {'),
        status(400, "the object provided is unrecognized (must be of type TokenRequest): couldn't get "
               'version/kind; json parse error: unexpected end of JSON input ({"spec": {)'),
    ),
    (
        "strict: unknown and duplicate fields in document order",
        raw('{"spec": {"foo": 1, "audiences": ["a"], "audiences": ["b"]}, "bar": 2}',
            params={"fieldValidation": "Strict"}),
        status(400, HANDLED + 'strict decoding error: unknown field "spec.foo", duplicate field '
               '"spec.audiences", unknown field "bar"'),
    ),
    # 2. options: 422 on CreateOptions.meta.k8s.io (create.go checks them before decoding the body)
    (
        "bad dryRun",
        {"json": body(), "params": {"dryRun": "Foo"}},
        invalid_options(("FieldValueNotSupported", "dryRun", 'Unsupported value: ["Foo"]: supported values: "All"')),
    ),
    (
        "bad fieldValidation",
        {"json": body(), "params": {"fieldValidation": "Loose"}},
        invalid_options(("FieldValueNotSupported", "fieldValidation",
                         'Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"')),
    ),
    (
        "fieldManager over 128 bytes",
        {"json": body(), "params": {"fieldManager": LONG_FIELD_MANAGER}},
        invalid_options(("FieldValueTooLong", "fieldManager", "Too long: may not be more than 128 bytes")),
    ),
    (
        "several bad options, in the handler's order",
        {"json": body(), "params": {"dryRun": "Foo", "fieldManager": LONG_FIELD_MANAGER}},
        invalid_options(
            ("FieldValueTooLong", "fieldManager", "Too long: may not be more than 128 bytes"),
            ("FieldValueNotSupported", "dryRun", 'Unsupported value: ["Foo"]: supported values: "All"'),
        ),
    ),
    (
        "bad options before a bad body",
        raw("{", params={"dryRun": "Foo"}),
        invalid_options(("FieldValueNotSupported", "dryRun", 'Unsupported value: ["Foo"]: supported values: "All"')),
    ),
    # 3. namespace, in the handler
    (
        "namespace mismatch before name mismatch",
        {"json": body(metadata={"namespace": "elsewhere", "name": "other"})},
        status(400, "the namespace of the provided object does not match the namespace sent on the request"),
    ),
    # 4. metadata.name: the storage's 422 names the URL's name
    (
        "name mismatch before an unknown account",
        {"path": PATH.replace("builder", "nope"), "json": body(metadata={"name": "other"})},
        status(
            422,
            f'TokenRequest.{GROUP} "nope" is invalid: metadata.name: Invalid value: "other": '
            "must match the service account name if specified",
            {"name": "nope", "group": GROUP, "kind": "TokenRequest", "causes": [{
                "reason": "FieldValueInvalid",
                "message": 'Invalid value: "other": must match the service account name if specified',
                "field": "metadata.name",
            }]},
        ),
    ),
    # 5. the account, before the spec is validated
    (
        "unknown account before a short expiration",
        {"path": PATH.replace("builder", "nope"), "json": body({"expirationSeconds": 60})},
        status(404, 'serviceaccounts "nope" not found', {"name": "nope", "kind": "serviceaccounts"}),
    ),
    # 6. the UID (TokenRequestServiceAccountUIDValidation, beta and on since 1.34)
    (
        "uid mismatch before a short expiration",
        {"json": body({"expirationSeconds": 60}, metadata={"uid": "stale"})},
        status(409, UID_409, {"name": "builder", "group": GROUP, "kind": "TokenRequest"}),
    ),
    # 8. validation: 422 with an empty name
    ("too short", {"json": body({"expirationSeconds": 60})}, invalid_spec("spec.expirationSeconds", SHORT)),
    (
        "too long",
        {"json": body({"expirationSeconds": 2**32 + 1})},
        invalid_spec("spec.expirationSeconds",
                     "Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds"),
    ),
    (
        "validation before the bound object",
        {"json": body({"expirationSeconds": 60, "boundObjectRef": CONFIG_MAP})},
        invalid_spec("spec.expirationSeconds", SHORT),
    ),
    # 9. the bound object
    (
        "unbindable kind",
        {"json": body({"boundObjectRef": {"kind": "ConfigMap", "apiVersion": "v1", "name": "c"}})},
        status(400, "cannot bind token to object of type /v1, Kind=ConfigMap"),
    ),
    (
        "a Pod of another group",
        {"json": body({"boundObjectRef": {"kind": "Pod", "apiVersion": "apps/v1", "name": "p1"}})},
        status(400, "cannot bind token to object of type apps/v1, Kind=Pod"),
    ),
    (
        "missing pod",
        {"json": body({"boundObjectRef": {**POD, "name": "gone"}})},
        status(404, 'pods "gone" not found', {"name": "gone", "kind": "pods"}),
    ),
    (
        "missing secret",
        {"json": body({"boundObjectRef": {"kind": "Secret", "apiVersion": "v1", "name": "s9"}})},
        status(404, 'secrets "s9" not found', {"name": "s9", "kind": "secrets"}),
    ),
    (
        "missing node",
        {"json": body({"boundObjectRef": {"kind": "Node", "apiVersion": "v1", "name": "n9"}})},
        status(404, 'nodes "n9" not found', {"name": "n9", "kind": "nodes"}),
    ),
    (
        "pod of another account, which is not named",
        {"json": body({"boundObjectRef": {**POD, "name": "p-other"}})},
        status(400, OTHER_ACCOUNT),
    ),
    (
        "pod without serviceAccountName runs as default",
        {"json": body({"boundObjectRef": {**POD, "name": "p-plain"}})},
        status(400, OTHER_ACCOUNT),
    ),
    (
        "bound uid mismatch, stored uid not revealed",
        {"json": body({"boundObjectRef": {**POD, "uid": "999"}})},
        status(
            409,
            'Operation cannot be fulfilled on Pod "p1": the UID in the bound object reference (999) does not '
            "match the UID in record. The object might have been deleted and then recreated",
            {"name": "p1", "kind": "Pod"},
        ),
    ),
    # Outside the storage
    (
        "body over 3 MiB",
        raw(b" " * (3 * 1024 * 1024 + 1)),
        status(413, "Request entity too large: limit is 3145728"),
    ),
    (
        "no such path",
        {"path": f"/api/v1/namespaces/{NAMESPACE}/pods", "json": body()},
        status(404, "the server could not find the requested resource", {}),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("request_args", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_error_answers_are_kube_apiservers(
    http: httpx.Client, request_args: dict[str, Any], expected: dict[str, Any]
) -> None:
    arguments = {"path": PATH, **request_args}
    response = http.post(arguments.pop("path"), **arguments)
    assert response.status_code == expected["code"], response.text
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert answer == expected
    assert list(answer) == list(expected), "kube-apiserver's key order"


def test_an_unserved_method_is_405(http: httpx.Client) -> None:
    response = http.get(PATH)
    assert response.status_code == 405
    assert response.json() == status(
        405, "the server does not allow this method on the requested resource", {}
    )


def test_no_server_header_and_forwarded_headers_change_nothing(http: httpx.Client) -> None:
    """As Go's net/http: no `Server` header; X-Forwarded-* from a client are not believed
    (the redirect Starlette answers a trailing slash with keeps the real scheme and host)."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.1"}
    created = http.post(PATH, json=body(), headers=forwarded)
    assert created.status_code == 201
    assert "server" not in created.headers
    redirect = http.post(PATH + "/", json=body(), headers=forwarded)
    assert "server" not in redirect.headers
    if redirect.status_code == 307:
        assert redirect.headers["location"].startswith(str(http.base_url).rstrip("/") + "/")


def test_strict_problems_are_not_warnings_and_warn_drops_unknown_fields(http: httpx.Client) -> None:
    request = raw(
        '{"kind": "TokenRequest", "metadata": {"labels": {"team": "a"}, "zap": 1}, '
        '"spec": {"audiences": ["a"], "foo": 1, "foo": 2, "audiences": ["b"]}, "bar": {"x": 1}}'
    )
    warned = http.post(PATH, **request)
    assert warned.status_code == 201, warned.text
    assert warned.headers.get_list("warning") == [
        '299 - "unknown field \\"metadata.zap\\""',
        '299 - "unknown field \\"spec.foo\\""',
        '299 - "duplicate field \\"spec.audiences\\""',
        '299 - "unknown field \\"bar\\""',
    ]
    created = warned.json()
    assert (
        "bar" not in created and "zap" not in created["metadata"] and "foo" not in created["spec"]
    )
    assert created["spec"]["audiences"] == [
        "b"
    ]  # the last of the repeated keys, as Go's decoder keeps
    assert created["metadata"]["labels"] == {"team": "a"}
    ignored = http.post(PATH, **{**request, "params": {"fieldValidation": "Ignore"}})
    assert ignored.status_code == 201 and "warning" not in ignored.headers
    assert "bar" not in ignored.json() and "foo" not in ignored.json()["spec"]


def test_the_created_object_is_the_defaulted_request(
    server: RunningServer, http: httpx.Client
) -> None:
    request = body(
        {"audiences": ["vault"]},
        metadata={"labels": {"team": "a"}, "annotations": {"why": "ci"}},
    )
    response = http.post(PATH, json=request, headers={"User-Agent": "ci-bot/1.0"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert list(created) == ["kind", "apiVersion", "metadata", "spec", "status"]
    metadata = created["metadata"]
    assert list(metadata) == [
        "name", "namespace", "uid", "creationTimestamp", "labels", "annotations", "managedFields",
    ]  # fmt: skip
    assert metadata["uid"] == SA_UID
    assert (metadata["labels"], metadata["annotations"]) == ({"team": "a"}, {"why": "ci"})
    # The handler's field manager records the create before the storage answers (create.go), and
    # the storage returns the object it was given: the manager is the User-Agent's first word.
    [entry] = metadata["managedFields"]
    assert list(entry) == [
        "manager",
        "operation",
        "apiVersion",
        "time",
        "fieldsType",
        "fieldsV1",
        "subresource",
    ]
    assert (
        entry["manager"] == "ci-bot"
        and entry["operation"] == "Update"
        and entry["subresource"] == "token"
    )
    assert entry["apiVersion"] == f"{GROUP}/v1" and entry["fieldsType"] == "FieldsV1"
    assert entry["time"] == metadata["creationTimestamp"]
    assert entry["fieldsV1"] == {
        "f:metadata": {
            "f:annotations": {".": {}, "f:why": {}},
            "f:labels": {".": {}, "f:team": {}},
        },
        "f:spec": {"f:audiences": {}, "f:boundObjectRef": {}, "f:expirationSeconds": {}},
        "f:status": {"f:expirationTimestamp": {}, "f:token": {}},
    }
    assert created["spec"] == {
        "audiences": ["vault"],
        "expirationSeconds": 3600,
        "boundObjectRef": None,
    }
    assert list(created["spec"]) == ["audiences", "expirationSeconds", "boundObjectRef"]
    assert list(created["status"]) == ["token", "expirationTimestamp"]
    verify_token(created["status"]["token"], server.jwks(), audience="vault")
    managed = http.post(PATH, json=request, params={"fieldManager": "mine"}).json()
    assert managed["metadata"]["managedFields"][0]["manager"] == "mine"


def test_a_matching_uid_is_accepted_and_an_empty_one_is_the_accounts(http: httpx.Client) -> None:
    matching = http.post(PATH, json=body(metadata={"uid": SA_UID}))
    assert matching.status_code == 201, matching.text
    assert matching.json()["metadata"]["uid"] == SA_UID


def test_the_check_after_binding_shortens_with_a_warning(http: httpx.Client) -> None:
    response = http.post(PATH, json=body({"expirationSeconds": MAX_EXPIRATION + 1}))
    assert response.status_code == 201, response.text
    assert response.headers.get_list("warning") == [
        f'299 - "requested expiration of {MAX_EXPIRATION + 1} seconds shortened to {MAX_EXPIRATION} seconds"'
    ]


@pytest.mark.parametrize("api_version", ["", "v1", "v2"])
def test_bound_kinds_match_on_group_and_kind_only(
    server: RunningServer, http: httpx.Client, api_version: str
) -> None:
    ref = {"kind": "Pod", "apiVersion": api_version, "name": "p1", "uid": POD_UID}
    response = http.post(PATH, json=body({"audiences": ["a"], "boundObjectRef": ref}))
    assert response.status_code == 201, response.text
    claims = verify_token(response.json()["status"]["token"], server.jwks(), audience="a")
    assert claims["kubernetes.io"]["pod"] == {"name": "p1", "uid": POD_UID}
    assert claims["kubernetes.io"]["node"] == {"name": "n1", "uid": NODE_UID}


def test_a_pod_on_a_missing_node_keeps_the_node_name(
    server: RunningServer, http: httpx.Client
) -> None:
    ref = {"kind": "Pod", "apiVersion": "v1", "name": "p-lost"}
    response = http.post(PATH, json=body({"audiences": ["a"], "boundObjectRef": ref}))
    assert response.status_code == 201, response.text
    claims = verify_token(response.json()["status"]["token"], server.jwks(), audience="a")
    assert claims["kubernetes.io"]["pod"] == {"name": "p-lost", "uid": LOST_POD_UID}
    assert claims["kubernetes.io"]["node"] == {"name": "gone-node"}


def test_a_pod_without_service_account_name_binds_to_default(
    server: RunningServer, http: httpx.Client
) -> None:
    path = PATH.replace("builder", "default")
    ref = {"kind": "Pod", "apiVersion": "v1", "name": "p-plain"}
    response = http.post(path, json=body({"audiences": ["a"], "boundObjectRef": ref}))
    assert response.status_code == 201, response.text
    claims = verify_token(response.json()["status"]["token"], server.jwks(), audience="a")
    assert claims["sub"] == f"system:serviceaccount:{NAMESPACE}:default"
    assert claims["kubernetes.io"]["serviceaccount"] == {"name": "default", "uid": DEFAULT_SA_UID}


def test_secret_binding_keeps_its_uid(server: RunningServer, http: httpx.Client) -> None:
    ref = {"kind": "Secret", "apiVersion": "v1", "name": "s1", "uid": SECRET_UID}
    response = http.post(PATH, json=body({"audiences": ["a"], "boundObjectRef": ref}))
    assert response.status_code == 201, response.text
    assert response.json()["spec"]["boundObjectRef"] == ref


def test_jwt_header_and_audience_shape(server: RunningServer, http: httpx.Client) -> None:
    token = http.post(PATH, json=body({"audiences": ["only"]})).json()["status"]["token"]
    header = jwt.get_unverified_header(token)
    assert sorted(header) == ["alg", "kid"]  # go-jose writes no typ
    payload = json.loads(jwt.utils.base64url_decode(token.split(".")[1]))
    assert payload["aud"] == ["only"]
    assert payload["iat"] == payload["nbf"]


def test_jwks_and_discovery_media_types_and_cache_headers(http: httpx.Client) -> None:
    jwks = http.get("/openid/v1/jwks")
    assert jwks.status_code == 200
    assert jwks.headers["content-type"] == "application/jwk-set+json"
    assert jwks.headers["cache-control"] == "public, max-age=3600"
    assert list(jwks.json()) == ["keys"]
    discovery = http.get("/.well-known/openid-configuration")
    assert discovery.headers["content-type"] == "application/json"
    assert discovery.headers["cache-control"] == "public, max-age=3600"


def test_pretty_json_as_kube_apiserver_indents_it(http: httpx.Client) -> None:
    compact = http.post(PATH.replace("builder", "nope"), json=body())
    assert compact.text.endswith("}\n") and "\n  " not in compact.text
    for request in ({"params": {"pretty": "true"}}, {"headers": {"User-Agent": "curl/8.5.0"}}):
        pretty = http.post(PATH.replace("builder", "nope"), json=body(), **request)
        assert pretty.text == json.dumps(pretty.json(), indent=2), pretty.text
    explicit = http.post(
        PATH.replace("builder", "nope"),
        json=body(),
        params={"pretty": "false"},
        headers={"User-Agent": "curl/8"},
    )
    assert "\n  " not in explicit.text


def test_go_json_escapes_html_characters(http: httpx.Client) -> None:
    response = http.post(PATH.replace("builder", "a<b>&c"), json=body())
    assert response.status_code == 404
    assert "\\u003cb\\u003e\\u0026c" in response.text
    assert response.json()["message"] == 'serviceaccounts "a<b>&c" not found'


def test_yaml_answers_keep_kube_apiservers_key_order_and_quoting(http: httpx.Client) -> None:
    response = http.post(
        PATH,
        json=body({"audiences": ["a"]}, metadata={"labels": {"on": "yes"}}),
        headers={"Accept": "application/yaml"},
    )
    assert response.status_code == 201, response.text
    text = response.text
    # sigs.k8s.io/yaml sorts keys and quotes, with double quotes, what YAML would read as another type.
    assert text.startswith(
        'apiVersion: authentication.k8s.io/v1\nkind: TokenRequest\nmetadata:\n  creationTimestamp: "'
    )
    assert '\n  labels:\n    "on": "yes"\n' in text
    assert (
        "\nspec:\n  audiences:\n  - a\n  boundObjectRef: null\n  expirationSeconds: 3600\nstatus:\n"
        in text
    )
    assert re.search(r'\n  expirationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n', text)
    assert yaml.safe_load(text)["metadata"]["uid"] == SA_UID


def test_protobuf_is_the_error_body_when_accept_prefers_it(http: httpx.Client) -> None:
    response = http.post(
        PATH.replace("builder", "nope"),
        json=body(),
        headers={"Accept": f"{PROTOBUF},application/json"},
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == PROTOBUF
    assert response.content.startswith(b"k8s\x00")
    assert b"\n\x02v1\x12\x06Status" in response.content  # the envelope's typeMeta
    assert b'serviceaccounts "nope" not found' in response.content
    assert b"NotFound" in response.content


def test_authorizer_sees_users_of_the_token_file_and_denies_with_kube_wording(
    files: ServerFiles,
) -> None:
    """The token file's users authenticate; a bad token is 401 even with anonymous access on."""
    # AlwaysAllow: RBAC, the CLI's default, would deny system:anonymous the create.
    extra = ["--anonymous-auth", "--authorization-mode", "AlwaysAllow"]
    with server_process(files, extra=extra) as running:
        with running.client(None) as anonymous:
            answer = anonymous.post(PATH, json=body())
            # allow-all authorizer: system:anonymous may create; a token-less JWKS read is allowed too.
            assert answer.status_code == 201, answer.text
            assert anonymous.get("/openid/v1/jwks").status_code == 200
        with running.client("bad-token") as bad:
            assert bad.post(PATH, json=body()).json() == status(401, "Unauthorized")
            assert bad.get("/openid/v1/jwks").status_code == 401


def test_without_anonymous_auth_discovery_needs_credentials_too(server: RunningServer) -> None:
    with server.client(None) as nobody:
        for path in (PATH, "/openid/v1/jwks", "/.well-known/openid-configuration"):
            response = nobody.request("POST" if path == PATH else "GET", path)
            assert response.status_code == 401
            assert response.json() == status(401, "Unauthorized")


def test_authorizer_is_asked_about_discovery_and_anonymous_requests(
    generated_package: Any, tmp_path: Path
) -> None:
    """`create_app`'s authorizer sees system:anonymous and the non-resource discovery paths."""
    import importlib

    server_module = importlib.import_module(f"{generated_package.__name__}.server")
    backend_module = importlib.import_module(f"{generated_package.__name__}._token_backend")
    tokens = importlib.import_module(f"{generated_package.__name__}._tokens")
    auth = importlib.import_module(f"{generated_package.__name__}._auth")
    from server_harness import app_server

    written = write_server_files(tmp_path)
    seen: list[tuple[str, str, str]] = []

    def authorizer(user: Any, attributes: Any) -> bool:
        seen.append((user.name, attributes.verb, attributes.path or attributes.resource))
        return bool(attributes.path)  # discovery only

    app = server_module.create_app(
        tokens=backend_module.InMemoryTokenBackend(
            tokens.TokenSigner(tokens.load_key(written.signing_key), "https://issuer.test"),
            backend_module.load_objects(written.objects.read_text()),
        ),
        authenticator={ADMIN_TOKEN: auth.User("admin")}.get,
        authorizer=authorizer,
        anonymous_auth=True,
    )
    with app_server(app, written) as running, running.client(None) as anonymous:
        assert anonymous.get("/openid/v1/jwks").status_code == 200
        denied = anonymous.post(PATH, json=body())
        assert denied.json() == status(
            403,
            'serviceaccounts "builder" is forbidden: User "system:anonymous" cannot create resource '
            f'"serviceaccounts/token" in API group "" in the namespace "{NAMESPACE}"',
            {"name": "builder", "kind": "serviceaccounts"},
        )
    assert ("system:anonymous", "get", "/openid/v1/jwks") in seen
    assert ("system:anonymous", "create", "serviceaccounts") in seen


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
