"""The server's hot-path shortcuts answer exactly what the general code answers.

Each shortcut (issue 14) is checked against the code it stands in for: the managedFields
of a plain create against `fields_v1`, the request headers against Starlette's
`Headers`, the JWS signature against PyJWT, the random jti against `uuid`.
"""

from __future__ import annotations

import importlib
import time
import uuid
from types import ModuleType
from typing import Any

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers

PACKAGE = "authentication_k8s_io_v1"


def module(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


_values = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.integers(),
    st.dictionaries(st.sampled_from(["a", "b", "name"]), st.none() | st.text(max_size=2)),
)
_metadata = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["name", "namespace", "uid", "creationTimestamp", "labels", "finalizers"]),
        _values,
        max_size=4,
    ),
)
_bound = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["kind", "apiVersion", "name", "uid"]), st.text(max_size=3)),
)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(metadata=_metadata, bound=_bound, expiration=st.none() | st.integers(1, 10**6))
def test_managed_fields_of_any_create_are_what_fields_v1_records(
    generated_package: ModuleType, metadata: Any, bound: Any, expiration: Any
) -> None:
    service_module = module(generated_package, "_token_service")
    handler = module(generated_package, "_create_handler")
    spec: dict[str, Any] = {"audiences": ["a"], "expirationSeconds": expiration}
    if bound is not None:
        spec["boundObjectRef"] = bound
    data = {"spec": spec} if metadata is None else {"metadata": metadata, "spec": spec}
    request = service_module.CreateRequest(data, b"{}")
    service = service_module.TokenRequestService(None, None, None, clock=lambda: 0.0)
    [entry] = service._managed_fields(request)
    decoded = {
        "metadata": metadata or {},
        "spec": {
            "audiences": ["a"],
            "boundObjectRef": bound,
            "expirationSeconds": expiration,
        },
        "status": {"expirationTimestamp": None, "token": ""},
    }
    assert entry["fieldsV1"] == handler.fields_v1(decoded)


def test_the_plain_managed_fields_are_a_fresh_copy_each_time(
    generated_package: ModuleType,
) -> None:
    service_module = module(generated_package, "_token_service")
    first, second = service_module._plain_fields(), service_module._plain_fields()
    first["f:spec"]["f:audiences"]["x"] = {}
    assert second == service_module._PLAIN_FIELDS
    assert "x" not in service_module._PLAIN_FIELDS["f:spec"]["f:audiences"]


@pytest.mark.parametrize(
    "raw",
    [
        [],
        [(b"accept", b"*/*"), (b"user-agent", b"kubectl/v1.35.0")],
        [(b"warning", b"one"), (b"warning", b"two"), (b"content-type", b"application/json")],
        [(b"x-caf\xe9", b"caf\xe9"), (b"authorization", b"Bearer  t ")],
    ],
)
def test_request_headers_read_as_starlettes(
    generated_package: ModuleType, raw: list[tuple[bytes, bytes]]
) -> None:
    server = module(generated_package, "_server")
    fast, plain = server._Headers({"headers": raw}), Headers(raw=list(raw))
    for name in ["accept", "Accept", "USER-AGENT", "warning", "content-type", "x-café", "nope"]:
        assert fast.get(name) == plain.get(name)
        assert fast.get(name, "default") == plain.get(name, "default")
        assert (name in fast) == (name in plain)
        if name in plain:
            assert fast[name] == plain[name]
        else:
            with pytest.raises(KeyError):
                fast[name]
    assert fast.getlist("warning") == plain.getlist("warning")
    assert list(fast.items()) == list(plain.items())


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
def test_tokens_signed_without_pyjwt_verify_with_it(
    generated_package: ModuleType, algorithm: str
) -> None:
    tokens = module(generated_package, "_tokens")
    signer = tokens.TokenSigner(tokens.generate_key(algorithm), "https://issuer.test")
    grant = tokens.TokenGrant(
        namespace="ns",
        service_account=tokens.ObjectRef("sa", "uid-1"),
        audiences=("aud",),
        issued_at=int(time.time()),
        expiration_seconds=600,
    )
    key = jwt.PyJWKSet.from_dict(signer.jwks())[signer.kid]
    for _ in range(20):  # ECDSA's r and s vary in length: each must be padded to 32 bytes
        token = signer.sign(grant)
        claims = jwt.decode(
            token, key, algorithms=[algorithm], audience="aud", issuer="https://issuer.test"
        )
        assert claims["sub"] == "system:serviceaccount:ns:sa"
        assert jwt.get_unverified_header(token) == {"alg": algorithm, "kid": signer.kid}


def test_the_jti_is_a_random_version_4_uuid(generated_package: ModuleType) -> None:
    tokens = module(generated_package, "_tokens")
    seen = {tokens.random_uuid() for _ in range(500)}
    assert len(seen) == 500
    for text in seen:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
