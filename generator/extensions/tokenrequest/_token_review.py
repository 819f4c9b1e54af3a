"""TokenReview: who a bearer token belongs to, as kube-apiserver answers it.

Sources: pkg/registry/authentication/tokenreview/storage.go (audiences default
to the API server's; the answer is the request with its status),
pkg/serviceaccount/jwt.go and claims.go (issuer, signature, times,
audiences, and that the account and the bound objects still exist with the
same uid), and the token-file authenticator, wrapped as audience-agnostic:
its tokens review only for the API server's audiences. A bad token is never
an HTTP error: it answers `authenticated: false`, with an `error` when
kube-apiserver gives one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import jwt

EXTRA = "authentication.kubernetes.io/"
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
LEEWAY_SECONDS = 60  # go-jose's jwt.DefaultLeeway


@dataclass(frozen=True)
class Reviewed:
    """Who the token is: kube-apiserver's `user.Info` and the audiences it was accepted for."""

    username: str
    uid: str = ""
    groups: tuple[str, ...] = ()
    extra: dict[str, list[str]] = field(default_factory=dict)
    audiences: tuple[str, ...] = ()


class _Found(Protocol):
    @property
    def uid(self) -> str: ...


Lookup = Callable[[str, str, str], _Found | None]
"""The backend's `get(kind, namespace, name)`: the object, or None."""


class ReviewError(Exception):
    """The token is not valid: `authenticated: false` with this error."""


class ServiceAccountTokens:
    """Verifies the service-account JWTs this server issued (kube-apiserver's JWT authenticator)."""

    def __init__(
        self,
        issuer: str,
        jwks: Callable[[], dict[str, Any]],
        lookup: Lookup,
        api_audiences: Sequence[str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.jwks = jwks
        self.lookup = lookup
        self.api_audiences = tuple(api_audiences)
        self.clock = clock

    def review(self, token: str, audiences: Sequence[str]) -> Reviewed | None:
        """The account the token speaks for, None if it is not one of ours; ReviewError if invalid."""
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None  # not a JWT: another authenticator's business
        if not isinstance(unverified, dict) or unverified.get("iss") != self.issuer:
            return None
        keys = [k for k in self.jwks().get("keys", []) if k.get("kid") == header.get("kid")]
        if not keys:
            return None  # no key to try: no error, as go-jose's empty error list
        try:
            claims = jwt.decode(
                token,
                jwt.PyJWK.from_dict(keys[0]),
                algorithms=[str(header.get("alg"))],
                options={
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                },
            )
        except jwt.PyJWTError:
            raise ReviewError("go-jose/go-jose: error in cryptographic primitive") from None
        self._check_times(claims)
        token_audiences = _audiences(claims.get("aud")) or self.api_audiences
        requested = tuple(audiences) or self.api_audiences
        accepted = tuple(a for a in token_audiences if a in requested)
        if not accepted:
            raise ReviewError(
                f"token audiences {_go_strings(token_audiences)} is invalid for the target "
                f"audiences {_go_strings(requested)}"
            )
        return self._bound_user(claims, accepted)

    def _check_times(self, claims: dict[str, Any]) -> None:
        """go-jose's `Validate`, in its order, with its default leeway of a minute."""
        now = self.clock()
        checks = (  # (claim, whether its time must not be in the future, message)
            ("nbf", True, "service account token is not valid yet"),
            ("exp", False, "service account token has expired"),
            ("iat", True, "service account token is issued in the future"),
        )
        for claim, future, message in checks:
            value = claims.get(claim)
            if not isinstance(value, int | float):
                continue
            if (future and now + LEEWAY_SECONDS < value) or (
                not future and now - LEEWAY_SECONDS > value
            ):
                raise ReviewError(message)

    def _bound_user(self, claims: dict[str, Any], audiences: tuple[str, ...]) -> Reviewed:
        """claims.go's checks that the account and the bound objects still exist, same uids."""
        private = claims.get("kubernetes.io") or {}
        namespace = str(private.get("namespace") or "")
        account = private.get("serviceaccount") or {}
        name, uid = str(account.get("name") or ""), str(account.get("uid") or "")
        found = self.lookup("ServiceAccount", namespace, name)
        if found is None:
            raise ReviewError(f'serviceaccount "{name}" not found')
        if found.uid != uid:
            raise ReviewError(f"service account UID ({found.uid}) does not match claim ({uid})")
        extra: dict[str, list[str]] = {}
        for kind, key in (("Secret", "secret"), ("Pod", "pod")):
            ref = private.get(key)
            if not isinstance(ref, dict):
                continue
            bound = self.lookup(kind, namespace, str(ref.get("name") or ""))
            if bound is None:
                raise ReviewError("service account token has been invalidated")
            if bound.uid != ref.get("uid"):
                claim = (
                    "service account secret ref claim"
                    if key == "secret"
                    else "service account pod ref claim"
                )
                raise ReviewError(
                    f"{key} UID ({bound.uid}) does not match {claim} ({ref.get('uid')})"
                )
            if key == "pod":
                extra[EXTRA + "pod-name"] = [str(ref.get("name"))]
                extra[EXTRA + "pod-uid"] = [str(ref.get("uid"))]
        node = private.get("node")
        if isinstance(node, dict):
            if "pod" not in private:  # a node-bound token: the Node must still be there
                bound = self.lookup("Node", "", str(node.get("name") or ""))
                if bound is None:
                    raise ReviewError("service account token has been invalidated")
                if bound.uid != node.get("uid"):
                    raise ReviewError(
                        f"node UID ({bound.uid}) does not match service account node ref claim ({node.get('uid')})"
                    )
            extra[EXTRA + "node-name"] = [str(node.get("name"))]
            if node.get("uid"):
                extra[EXTRA + "node-uid"] = [str(node.get("uid"))]
        if claims.get("jti"):
            extra[EXTRA + "credential-id"] = [f"JTI={claims['jti']}"]
        return Reviewed(
            username=f"{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}",
            uid=uid,
            groups=("system:serviceaccounts", f"system:serviceaccounts:{namespace}"),
            extra=dict(sorted(extra.items())),
            audiences=audiences,
        )


def _audiences(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(a) for a in value) if isinstance(value, list) else ()


def _go_strings(values: Sequence[str]) -> str:
    """Go's `%q` of a []string: `["a" "b"]`."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "[" + " ".join(quoted) + "]"


def review_status(reviewed: Reviewed | None, error: str = "") -> dict[str, Any]:
    """TokenReviewStatus in Go's field order; `system:authenticated` added as the union does.

    `user` is a struct in Go, so it is written even when empty; the rest is omitempty.
    """
    status: dict[str, Any] = {}
    user: dict[str, Any] = {}
    if reviewed is not None:
        status["authenticated"] = True
        user["username"] = reviewed.username
        if reviewed.uid:
            user["uid"] = reviewed.uid
        groups = [*reviewed.groups]
        if "system:authenticated" not in groups:
            groups.append("system:authenticated")
        user["groups"] = groups
        if reviewed.extra:
            user["extra"] = reviewed.extra
    status["user"] = user
    if reviewed is not None and reviewed.audiences:
        status["audiences"] = list(reviewed.audiences)
    if error:
        status["error"] = error
    return status
