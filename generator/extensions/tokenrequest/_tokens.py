"""Service-account JWTs as kube-apiserver issues them, and their OIDC discovery documents.

Tokens are signed ES256 (an EC P-256 key) or RS256 (an RSA key); the key's
type picks the algorithm. The `kid` header is the base64url SHA-256 of the
DER-encoded public key, so every replica sharing the key signs with the same
`kid` and serves the same JWKS.

The key signs through `cryptography` (ECDSA's DER signature turned into the JWS form,
r and s as 32 bytes each on P-256); the compact JWS around it is put together here, with the
header segment (the same for every token of a key) encoded once: the bytes are those
`jwt.encode(claims, key, algorithm, headers={"kid": kid, "typ": None})` writes, and
PyJWT verifies them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
JWKS_PATH = "/openid/v1/jwks"
DISCOVERY_PATH = "/.well-known/openid-configuration"
# json.dumps(claims, separators=(",", ":")), with the encoder made once
_CLAIMS_JSON = json.JSONEncoder(separators=(",", ":"), check_circular=False)
_ES256 = ec.ECDSA(hashes.SHA256())
_RS256 = (padding.PKCS1v15(), hashes.SHA256())


@dataclass(frozen=True)
class ObjectRef:
    """A name and uid, as the `kubernetes.io` claim records an object."""

    name: str
    uid: str

    def claim(self) -> dict[str, str]:
        """`{name, uid}`; a Node that could not be found has a name only (omitempty)."""
        return {"name": self.name, "uid": self.uid} if self.uid else {"name": self.name}


@dataclass(frozen=True)
class TokenGrant:
    """What a token asserts: who it is for, for whom, until when, bound to what."""

    namespace: str
    service_account: ObjectRef
    audiences: tuple[str, ...]
    issued_at: int  # seconds since the epoch
    expiration_seconds: int
    pod: ObjectRef | None = None
    secret: ObjectRef | None = None
    node: ObjectRef | None = None
    # kube-apiserver's extension of pod-bound 3607 s tokens: the JWT lives this long and
    # carries `warnafter` at the requested expiry (0: no extension).
    extended_seconds: int = 0

    @property
    def expires_at(self) -> int:
        """The expiry the response reports: the requested (or shortened) one."""
        return self.issued_at + self.expiration_seconds

    @property
    def token_expires_at(self) -> int:
        """The JWT's `exp`: later than `expires_at` when the token was extended."""
        return self.issued_at + (self.extended_seconds or self.expiration_seconds)


def generate_key(algorithm: str = "ES256") -> SigningKey:
    """A fresh signing key: EC P-256 for ES256, RSA 2048 for RS256."""
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unsupported algorithm {algorithm!r}: use ES256 or RS256")


def load_key(path: Path) -> SigningKey:
    """A PEM private key (PKCS#1, PKCS#8 or SEC1), unencrypted."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    if isinstance(key, rsa.RSAPrivateKey):
        return key
    raise ValueError(f"{path}: the key must be RSA or EC P-256")


class TokenSigner:
    """Signs service-account JWTs with one key and publishes that key."""

    def __init__(self, key: SigningKey, issuer: str) -> None:
        self.key = key
        self.issuer = issuer
        self.algorithm = "ES256" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS256"
        public_der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = (
            base64.urlsafe_b64encode(hashlib.sha256(public_der).digest()).rstrip(b"=").decode()
        )
        public = key.public_key()
        text = (
            ECAlgorithm.to_jwk(public)
            if isinstance(public, ec.EllipticCurvePublicKey)
            else RSAAlgorithm.to_jwk(public)
        )
        self._jwk: dict[str, Any] = {
            **json.loads(text),
            "kid": self.kid,
            "use": "sig",
            "alg": self.algorithm,
        }
        self._header: tuple[str, bytes] = ("", b"")  # (kid, its header segment)

    def _header_segment(self) -> bytes:
        kid, segment = self._header
        if kid != self.kid:
            header = {"alg": self.algorithm, "kid": self.kid}  # go-jose writes alg and kid only
            text = json.dumps(header, separators=(",", ":"), sort_keys=True)
            segment = _segment(text.encode())
            self._header = (self.kid, segment)
        return segment

    def sign(self, grant: TokenGrant) -> str:
        payload = _CLAIMS_JSON.encode(claims(grant, self.issuer)).encode()
        signing_input = self._header_segment() + b"." + _segment(payload)
        return (signing_input + b"." + _segment(self._signature(signing_input))).decode()

    def _signature(self, data: bytes) -> bytes:
        """The JWS signature: RSASSA-PKCS1-v1_5, or ECDSA's r and s, each padded to the
        curve's size (32 bytes on P-256)."""
        key = self.key
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, *_RS256)
        r, s = decode_dss_signature(key.sign(data, _ES256))
        size = (key.curve.key_size + 7) // 8  # 32 for P-256
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set with the public key, as `/openid/v1/jwks` serves it (built once, copied out)."""
        return {"keys": [dict(self._jwk)]}


def _segment(data: bytes) -> bytes:
    """base64url without padding, as JWS segments are written."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def discovery_document(issuer: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """The document kube-apiserver serves at `/.well-known/openid-configuration`."""
    return {
        "issuer": issuer,
        "jwks_uri": issuer.rstrip("/") + JWKS_PATH,
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": sorted({key["alg"] for key in jwks["keys"]}),
    }


def claims(grant: TokenGrant, issuer: str) -> dict[str, Any]:
    """kube-apiserver's claims (pkg/serviceaccount/claims.go); empty bindings are left out."""
    private: dict[str, Any] = {
        "namespace": grant.namespace,
        "serviceaccount": grant.service_account.claim(),
    }
    for name, ref in (("pod", grant.pod), ("secret", grant.secret), ("node", grant.node)):
        if ref is not None:
            private[name] = ref.claim()
    if grant.extended_seconds:
        private["warnafter"] = grant.expires_at
    return {
        "aud": list(grant.audiences),
        "exp": grant.token_expires_at,
        "iat": grant.issued_at,
        "iss": issuer,
        "jti": random_uuid(),
        "kubernetes.io": private,
        "nbf": grant.issued_at,
        "sub": f"system:serviceaccount:{grant.namespace}:{grant.service_account.name}",
    }


def random_uuid() -> str:
    """A random (version 4) UUID in its 36-character form: `str(uuid.uuid4())` without the
    `UUID` object."""
    octets = bytearray(os.urandom(16))
    octets[6] = octets[6] & 0x0F | 0x40  # version 4
    octets[8] = octets[8] & 0x3F | 0x80  # the RFC 4122 variant
    h = octets.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
