"""What kube-apiserver's TokenRequest storage does with a request, apart from HTTP.

Sources: pkg/registry/core/serviceaccount/storage/token.go,
pkg/apis/authentication/v1/defaults.go and pkg/serviceaccount/claims.go.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ._server import ApiSpec, field_problems
from ._status import ApiError, invalid, not_found
from ._token_backend import BINDABLE_KINDS, CLUSTER_SCOPED_KINDS, KubeObject, TokenBackend
from ._tokens import ObjectRef, TokenGrant

GROUP = "authentication.k8s.io"
API_VERSION = f"{GROUP}/v1"
KIND = "TokenRequest"
DEFAULT_EXPIRATION_SECONDS = 3600
# Projected volumes ask for 3607 s; kube-apiserver then issues a token valid for a year
# that warns after the 3607 s (--service-account-extend-token-expiration, on by default).
WARN_ONLY_EXPIRATION_SECONDS = 3607
EXTENDED_EXPIRATION_SECONDS = 365 * 24 * 60 * 60
RESOURCES = {
    "ServiceAccount": "serviceaccounts",
    "Pod": "pods",
    "Secret": "secrets",
    "Node": "nodes",
}


@dataclass
class Created:
    """The TokenRequest to answer with, and the Warning headers to send with it."""

    body: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TokenPolicy:
    """The server's settings that shape every token."""

    api_audiences: tuple[str, ...]
    max_expiration_seconds: int = 0  # 0: no maximum (--service-account-max-token-expiration)
    extend_expiration: bool = True  # --service-account-extend-token-expiration


class TokenRequestService:
    """Creates TokenRequests: checks them as kube-apiserver does, then signs.

    `api` gives the generated validators of TokenRequest (`ApiSpec.check`).
    """

    def __init__(
        self,
        backend: TokenBackend,
        policy: TokenPolicy,
        api: ApiSpec,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.backend = backend
        self.policy = policy
        self.api = api
        self.clock = clock

    def create(
        self,
        namespace: str,
        name: str,
        request: dict[str, Any],
        field_validation: str,
        duplicates: Sequence[str] = (),
    ) -> Created:
        """The created object for `request`, the JSON form of the body.

        `field_validation` is Strict, Warn or Ignore; `duplicates` are the paths
        of keys the body repeated. Raises `ApiError` with the status
        kube-apiserver answers.
        """
        check_type(request)
        check_bindable(request)
        unknown: list[str] = []
        error = self.api.check(KIND, request, name, unknown)
        created = Created(body={}, warnings=field_problems(field_validation, unknown, duplicates))
        try:
            if error is not None:
                raise error
            created.body = self._issue(namespace, name, request, created.warnings)
        except ApiError as failed:
            failed.warnings = created.warnings  # kube-apiserver sends them with errors too
            raise
        return created

    def _issue(
        self, namespace: str, name: str, request: dict[str, Any], warnings: list[str]
    ) -> dict[str, Any]:
        """The checks that need the backend, then the signed token in the created object."""
        spec = apply_defaults(request)
        check_identity(request.get("metadata") or {}, namespace, name)
        account = self._lookup("ServiceAccount", namespace, name)
        audiences = tuple(spec["audiences"] or self.policy.api_audiences)
        expiration = self._expiration(spec["expirationSeconds"], warnings)
        bindings = self._bindings(spec.get("boundObjectRef"), namespace, name)
        grant = TokenGrant(
            namespace=namespace,
            service_account=ObjectRef(account.name, account.uid),
            audiences=audiences,
            issued_at=int(self.clock()),
            expiration_seconds=expiration,
            extended_seconds=self._extension(expiration, audiences, "pod" in bindings),
            **bindings,
        )
        return response_body(spec, namespace, name, grant, self.backend.issue_token(grant))

    def _extension(self, expiration: int, audiences: tuple[str, ...], pod_bound: bool) -> int:
        """The extended lifetime of a pod-bound 3607 s token for the API server's own audiences."""
        for_api_server = set(audiences) <= set(self.policy.api_audiences)
        if (
            self.policy.extend_expiration
            and pod_bound
            and expiration == WARN_ONLY_EXPIRATION_SECONDS
            and for_api_server
        ):
            return EXTENDED_EXPIRATION_SECONDS
        return 0

    def _expiration(self, requested: int, warnings: list[str]) -> int:
        maximum = self.policy.max_expiration_seconds
        if maximum and requested > maximum:
            warnings.append(
                f"requested expiration of {requested} seconds shortened to {maximum} seconds"
            )
            return maximum
        return requested

    def _bindings(
        self, ref: dict[str, Any] | None, namespace: str, name: str
    ) -> dict[str, ObjectRef]:
        """The `pod`, `secret` and `node` the token is bound to (none without a boundObjectRef)."""
        if not ref:
            return {}
        kind = ref["kind"]
        scope = "" if kind in CLUSTER_SCOPED_KINDS else namespace
        bound = self._lookup(kind, scope, ref.get("name") or "")
        if kind == "Pod" and bound.service_account_name != name:
            raise ApiError(
                400,
                f'cannot bind token for serviceaccount "{name}" to pod running with serviceaccount '
                f'"{bound.service_account_name}"',
            )
        wanted_uid = ref.get("uid") or ""
        if wanted_uid and wanted_uid != bound.uid:
            raise ApiError(
                409,
                f'Operation cannot be fulfilled on {kind} "{bound.name}": the UID in the bound '
                f"object reference ({wanted_uid}) does not match the UID in record ({bound.uid}). "
                "The object might have been deleted and then recreated",
                {"name": bound.name, "kind": kind},
            )
        bindings = {kind.lower(): ObjectRef(bound.name, bound.uid)}
        node = None
        if kind == "Pod" and bound.node_name:
            node = self.backend.get("Node", "", bound.node_name)
        if node is not None:  # a Pod's token also names the node it runs on
            bindings["node"] = ObjectRef(node.name, node.uid)
        return bindings

    def _lookup(self, kind: str, namespace: str, name: str) -> KubeObject:
        found = self.backend.get(kind, namespace, name)
        if found is None:
            raise not_found(RESOURCES[kind], name)
        return found


def check_type(request: dict[str, Any]) -> None:
    """A body of another group, version or kind is a 400, as the decoder answers it."""
    api_version, kind = request.get("apiVersion") or API_VERSION, request.get("kind") or KIND
    if (api_version, kind) != (API_VERSION, KIND):
        raise ApiError(
            400,
            f"the API version in the data ({api_version}) and kind ({kind}) do not match the "
            f"expected {API_VERSION} {KIND}",
        )


def check_bindable(request: dict[str, Any]) -> None:
    """Only a Pod, Secret or Node can be bound: any other kind is a 400 from the storage.

    It comes before validation because kube-apiserver's validation does not
    look at the kind, while the published schema's enum would make it a 422.
    """
    spec = request.get("spec")
    ref = spec.get("boundObjectRef") if isinstance(spec, dict) else None
    if not isinstance(ref, dict):
        return
    kind, api_version = ref.get("kind") or "", ref.get("apiVersion") or ""
    if not isinstance(kind, str) or not isinstance(api_version, str):
        return  # a type error, which validation reports
    if kind not in BINDABLE_KINDS or api_version not in ("", "v1"):
        raise ApiError(400, f"cannot bind token to object of type {_gvk_string(api_version, kind)}")


def apply_defaults(request: dict[str, Any]) -> dict[str, Any]:
    """The spec, defaulted in place as kube-apiserver does.

    Older kubectl sent `null` for audiences, expirationSeconds, boundObjectRef
    and the status: nulls read as unset. The status is the server's to write.
    """
    spec = request.get("spec")
    if not isinstance(spec, dict):
        spec = request["spec"] = {}
    spec["audiences"] = spec.get("audiences") or []
    if spec.get("expirationSeconds") is None:
        spec["expirationSeconds"] = DEFAULT_EXPIRATION_SECONDS
    if spec.get("boundObjectRef") is None:
        spec.pop("boundObjectRef", None)
    return spec


def check_identity(metadata: dict[str, Any], namespace: str, name: str) -> None:
    """The body may repeat the URL's name and namespace, not contradict them."""
    given_name = metadata.get("name") or ""
    if given_name and given_name != name:
        raise invalid(
            KIND,
            GROUP,
            name,
            "metadata.name",
            f'Invalid value: "{given_name}": must match the service account name if specified',
        )
    if (metadata.get("namespace") or "") not in ("", namespace):
        raise ApiError(
            400,
            "the namespace of the provided object does not match the namespace sent on the request",
        )


def response_body(
    spec: dict[str, Any], namespace: str, name: str, grant: TokenGrant, token: str
) -> dict[str, Any]:
    """The created object: the request's spec as granted, with metadata and status set."""
    spec = {
        **spec,
        "audiences": list(grant.audiences),
        "expirationSeconds": grant.expiration_seconds,
    }
    return {
        "kind": KIND,
        "apiVersion": API_VERSION,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "creationTimestamp": rfc3339(grant.issued_at),
        },
        "spec": spec,
        "status": {"token": token, "expirationTimestamp": rfc3339(grant.expires_at)},
    }


def rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gvk_string(api_version: str, kind: str) -> str:
    """schema.GroupVersionKind.String(): `/v1, Kind=Service`, `apps/v1, Kind=Deployment`."""
    group, _, version = api_version.rpartition("/")
    return f"{group}/{version}, Kind={kind}"
