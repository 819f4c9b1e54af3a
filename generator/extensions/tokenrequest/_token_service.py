"""What kube-apiserver's TokenRequest storage does with a request, apart from HTTP.

Sources: pkg/registry/core/serviceaccount/storage/token.go,
pkg/apis/authentication/v1/defaults.go and pkg/serviceaccount/claims.go.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import time
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ._base import KubeModel
from ._create_handler import (
    SCHEME,
    CreateOptions,
    cannot_handle,
    drop_fields,
    field_problems,
    fields_v1,
    interpret,
    invalid,
    manager_name,
    ordered_metadata,
    recorded_nothing,
    type_error_reason,
)
from ._server import MAX_CAUSES, MAX_MESSAGE_CHARS, MAX_WARNINGS, ApiSpec, bounded_status
from ._status import ApiError, not_found
from ._token_backend import CLUSTER_SCOPED_KINDS, KubeObject, TokenBackend
from ._token_review import Reviewed, ReviewError, ServiceAccountTokens, review_status
from ._tokens import ObjectRef, TokenGrant

GROUP = "authentication.k8s.io"
API_VERSION = f"{GROUP}/v1"
KIND = "TokenRequest"
REVIEW_KIND = "TokenReview"
SUBRESOURCE = "token"
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
    """The object to answer with, and the Warning headers to send with it."""

    body: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TokenPolicy:
    """The server's settings that shape every token."""

    api_audiences: tuple[str, ...]
    max_expiration_seconds: int = 0  # 0: no maximum (--service-account-max-token-expiration)
    extend_expiration: bool = True  # --service-account-extend-token-expiration


@dataclass(frozen=True)
class CreateRequest:
    """One decoded create: the body's JSON form and what the handler knows about it."""

    data: dict[str, Any]
    body: bytes  # as sent, for the decode errors' summary
    pairs: Any = None  # the JSON body as `Pairs` (document order, repeated keys), else None
    options: CreateOptions = CreateOptions((), "Warn", "")
    user_agent: str = ""


class TokenRequestService:
    """Creates TokenRequests: checks them in kube-apiserver's order, then signs.

    `api` gives the generated validators and models of TokenRequest.
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

    def create(self, namespace: str, name: str, request: CreateRequest) -> Created:
        """The created object, or `ApiError` with the status kube-apiserver answers.

        The checks run in kube-apiserver's order: decode (type errors, then
        fieldValidation), the body's namespace, then the storage's name,
        service account, UID, defaulting, validation, bound object, maximum
        and extension. Warnings go out with errors as well as with success.
        """
        created = Created(body={})
        try:
            errors = self._decode(request, created.warnings)
            check_namespace(request.data, namespace)
            managed = self._managed_fields(request)
            created.body = self._store(
                namespace, name, request.data, errors, managed, created.warnings
            )
        except ApiError as error:
            error.warnings = created.warnings  # kube-apiserver sends them with errors too
            raise
        return created

    def _decode(self, request: CreateRequest, warnings: list[str]) -> list[Any]:
        """The serializer's checks; returns the validation errors for later."""
        data = request.data
        api_version, kind = interpret(data, request.body, KIND)
        api_version, kind = api_version or API_VERSION, kind or KIND
        version = api_version.rpartition("/")[2]
        if (api_version, kind) != (API_VERSION, KIND):
            reason = (
                f'no kind "{kind}" is registered for version "{api_version}" in scheme "{SCHEME}"'
            )
            raise cannot_handle(kind, version, KIND, reason)
        unknown: list[str] = []
        errors = list(self.api.validators[KIND](data, unknown=unknown))
        decoding = [error for error in errors if _is_decode_error(error)]
        if decoding:
            raise cannot_handle(
                KIND, version, KIND, _decode_reason(decoding[0], self.api.models[KIND])
            )
        problems = field_problems(data, request.pairs, unknown)
        if problems and request.options.field_validation == "Strict":
            raise cannot_handle(KIND, version, KIND, strict_error(problems))
        if request.options.field_validation == "Warn":
            warnings.extend(problems)
        drop_fields(data, unknown)
        return [error for error in errors if _is_validation_error(error)]

    def _managed_fields(self, request: CreateRequest) -> list[dict[str, Any]]:
        """The handler's field manager records the create before the storage runs (create.go)."""
        given = request.data.get("spec")
        spec: dict[str, Any] = given if isinstance(given, dict) else {}
        decoded = {
            "metadata": request.data.get("metadata") or {},
            "spec": {
                "audiences": spec.get("audiences"),
                "boundObjectRef": spec.get("boundObjectRef"),
                "expirationSeconds": spec.get("expirationSeconds"),
            },
            "status": {"expirationTimestamp": None, "token": ""},
        }
        metadata = decoded["metadata"]
        plain = (
            isinstance(metadata, dict)
            and recorded_nothing(metadata)
            and not isinstance(spec.get("boundObjectRef"), dict)
        )
        return [
            {
                "manager": manager_name(request.options.field_manager, request.user_agent),
                "operation": "Update",
                "apiVersion": API_VERSION,
                "time": rfc3339(int(self.clock())),
                "fieldsType": "FieldsV1",
                "fieldsV1": _plain_fields() if plain else fields_v1(decoded),
                "subresource": SUBRESOURCE,
            }
        ]

    def _store(
        self,
        namespace: str,
        name: str,
        data: dict[str, Any],
        errors: list[Any],
        managed: list[dict[str, Any]],
        warnings: list[str],
    ) -> dict[str, Any]:
        """TokenREST.Create: name, account, UID, defaults, validation, binding, expiry, signing."""
        metadata = dict(data.get("metadata") or {})
        given_name = metadata.get("name") or ""
        if given_name and given_name != name:
            cause = f"Invalid value: {_go_quote(given_name)}: must match the service account name if specified"
            raise invalid(GROUP, KIND, name, [("FieldValueInvalid", "metadata.name", cause)])
        account = self._lookup("ServiceAccount", namespace, name)
        given_uid = metadata.get("uid") or ""
        if given_uid and given_uid != account.uid:
            raise ApiError(
                409,
                f'Operation cannot be fulfilled on {KIND}.{GROUP} "{name}": the UID in the token request '
                f"({given_uid}) does not match the UID of the service account ({account.uid})",
                {"name": name, "group": GROUP, "kind": KIND},
            )
        spec = apply_defaults(data)
        issued_at = int(self.clock())
        metadata.update(
            name=name, namespace=namespace, uid=account.uid, creationTimestamp=rfc3339(issued_at)
        )
        metadata["managedFields"] = managed
        if errors and self.api.to_status is not None:
            status = self.api.to_status(errors[:MAX_CAUSES], name="")
            raise ApiError.from_status(bounded_status(status, len(errors) - MAX_CAUSES))
        audiences = tuple(spec["audiences"] or self.policy.api_audiences)
        bindings = self._bindings(spec.get("boundObjectRef"), namespace, name)
        expiration = self._expiration(spec["expirationSeconds"], warnings)
        grant = TokenGrant(
            namespace=namespace,
            service_account=ObjectRef(account.name, account.uid),
            audiences=audiences,
            issued_at=issued_at,
            expiration_seconds=expiration,
            extended_seconds=self._extension(expiration, audiences, "pod" in bindings),
            **bindings,
        )
        return response_body(metadata, spec, grant, self.backend.issue_token(grant))

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
        """The `pod`, `secret` and `node` the token is bound to (none without a boundObjectRef).

        The kind is matched on group `""` and kind alone, as the storage does.
        """
        if ref is None:
            return {}
        kind, api_version = ref.get("kind") or "", ref.get("apiVersion") or ""
        group = _group(api_version)
        if group != "" or kind not in ("Pod", "Secret", "Node"):
            raise ApiError(
                400, f"cannot bind token to object of type {_gvk_string(api_version, kind)}"
            )
        ref_name = ref.get("name") or ""
        bound = self._lookup(kind, "" if kind in CLUSTER_SCOPED_KINDS else namespace, ref_name)
        if kind == "Pod" and (bound.service_account_name or "default") != name:
            raise ApiError(
                400,
                f'cannot bind token for serviceaccount "{name}" to pod running with different serviceaccount name.',
            )
        wanted_uid = ref.get("uid") or ""
        if wanted_uid and wanted_uid != bound.uid:
            raise ApiError(
                409,
                f'Operation cannot be fulfilled on {kind} "{ref_name}": the UID in the bound object '
                f"reference ({wanted_uid}) does not match the UID in record. "
                "The object might have been deleted and then recreated",
                {"name": ref_name, "kind": kind},
            )
        bindings = {kind.lower(): ObjectRef(bound.name, bound.uid)}
        if kind == "Pod" and bound.node_name:  # a Pod's token also names its node
            node = self.backend.get("Node", "", bound.node_name)
            # A Node that does not exist still leaves its name in the claims, without a uid.
            bindings["node"] = ObjectRef(bound.node_name, node.uid if node is not None else "")
        return bindings

    def _lookup(self, kind: str, namespace: str, name: str) -> KubeObject:
        found = self.backend.get(kind, namespace, name)
        if found is None:
            raise not_found(RESOURCES[kind], name)
        return found


# The FieldsV1 of the commonest create: no metadata the updater records, no boundObjectRef
# object (what `fields_v1` returns for it, computed once; `_plain_fields` copies it).
_PLAIN_FIELDS = fields_v1(
    {
        "metadata": {},
        "spec": {"audiences": None, "boundObjectRef": None, "expirationSeconds": None},
        "status": {"expirationTimestamp": None, "token": ""},
    }
)


def _plain_fields() -> dict[str, Any]:
    """A copy of `_PLAIN_FIELDS` (two levels of fields, every leaf an empty set)."""
    return {key: {name: {} for name in value} for key, value in _PLAIN_FIELDS.items()}


def strict_error(problems: Sequence[str]) -> str:
    """Strict's reason: the first `MAX_WARNINGS` problems, then how many more there were."""
    shown = ", ".join(problems[:MAX_WARNINGS])
    more = f", and {len(problems) - MAX_WARNINGS} more" if len(problems) > MAX_WARNINGS else ""
    return _cut("strict decoding error: " + shown, MAX_MESSAGE_CHARS) + more


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_decode_error(error: Any) -> bool:
    """Wrong JSON types, out-of-range integers and unparsable times fail in the decoder."""
    return error.origin in ("type", "format") and error.field not in ("apiVersion", "kind")


def _is_validation_error(error: Any) -> bool:
    """What `ValidateTokenRequest` checks; the kind and type enums belong to other steps."""
    if _is_decode_error(error) or error.field in ("apiVersion", "kind"):
        return False
    return not error.field.startswith("spec.boundObjectRef.")


def _decode_reason(error: Any, root: type[Any]) -> str:
    if error.detail == "must be an RFC 3339 date-time":
        value = _go_quote(str(error.value))
        return (
            f'parsing time {value} as "2006-01-02T15:04:05Z07:00": cannot parse {value} as "2006"'
        )
    parents, go_type = _go_field(error.field, root)
    return type_error_reason(error.field, error.value, error.detail, parents, go_type)


_PATH_PART = re.compile(r"\[[^\]]*\]|[^.\[]+")


def _go_field(field: str, root: type[Any]) -> tuple[list[str], str]:
    """The Go structs along `field` and the Go type at its end, read from the models."""
    current: Any = root
    parents = [current.__name__]
    for part in _PATH_PART.findall(field):
        if part.startswith("["):
            args = [a for a in typing.get_args(_strip_optional(current)) if a is not type(None)]
            current = args[-1] if args else str
            continue
        model = _strip_optional(current)
        if not (isinstance(model, type) and issubclass(model, KubeModel)):
            break
        if parents[-1] != model.__name__:
            parents.append(model.__name__)
        python_name = next(
            (n for n, f in model.model_fields.items() if _json_name(n, f) == part), None
        )
        hints = typing.get_type_hints(model, vars(sys.modules[model.__module__]))
        current = hints.get(python_name, str) if python_name else str
    return parents, _go_type(_strip_optional(current), field)


def _json_name(python_name: str, info: Any) -> str:
    """A model field's JSON name: its alias (either kind), else its Python name."""
    alias = info.alias or info.serialization_alias or info.validation_alias
    return alias if isinstance(alias, str) else python_name


def _strip_optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if type(None) in typing.get_args(annotation) and len(args) == 1:
        return args[0]
    return annotation


def _go_type(annotation: Any, field: str) -> str:
    origin = typing.get_origin(annotation)
    if origin is list:
        return "[]" + _go_type(_strip_optional(typing.get_args(annotation)[0]), field)
    if origin is dict:
        return "map[string]string"
    if isinstance(annotation, type) and issubclass(annotation, KubeModel):
        return f"v1.{annotation.__name__}"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int64"
    if field.rsplit(".", 1)[-1] == "uid":
        return "types.UID"
    return "string"


def _go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _group(api_version: str) -> str:
    """`schema.FromAPIVersionAndKind`'s group: "" for `v1`, and for a version it cannot parse."""
    if api_version.count("/") != 1:
        return ""
    return api_version.split("/", 1)[0]


def check_namespace(data: dict[str, Any], namespace: str) -> None:
    """The handler's check: a body namespace may repeat the URL's, not contradict it."""
    metadata = data.get("metadata") or {}
    if (metadata.get("namespace") or "") not in ("", namespace):
        raise ApiError(
            400,
            "the namespace of the provided object does not match the namespace sent on the request",
        )


def apply_defaults(request: dict[str, Any]) -> dict[str, Any]:
    """The spec as the decoder defaults it: nulls read as unset, expirationSeconds 3600."""
    spec = request.get("spec")
    if not isinstance(spec, dict):
        spec = request["spec"] = {}
    spec["audiences"] = spec.get("audiences") or []
    if spec.get("expirationSeconds") is None:
        spec["expirationSeconds"] = DEFAULT_EXPIRATION_SECONDS
    return spec


_BOUND_ORDER = ("kind", "apiVersion", "name", "uid")


def response_body(
    metadata: dict[str, Any], spec: dict[str, Any], grant: TokenGrant, token: str
) -> dict[str, Any]:
    """The created object: the defaulted request, in Go's field order, with the status set."""
    ref = spec.get("boundObjectRef")
    bound = (
        {key: ref[key] for key in _BOUND_ORDER if ref.get(key)} if isinstance(ref, dict) else None
    )
    return {
        "kind": KIND,
        "apiVersion": API_VERSION,
        "metadata": ordered_metadata(metadata),
        "spec": {
            "audiences": list(grant.audiences),
            "expirationSeconds": grant.expiration_seconds,
            "boundObjectRef": bound,
        },
        "status": {"token": token, "expirationTimestamp": rfc3339(grant.expires_at)},
    }


@functools.lru_cache(maxsize=256)  # a second's requests share their timestamps
def rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gvk_string(api_version: str, kind: str) -> str:
    """schema.GroupVersionKind.String(): `/v1, Kind=Service`, `apps/v1, Kind=Deployment`."""
    if api_version.count("/") > 1:  # not a group/version: the kind alone
        return f"/, Kind={kind}"
    group, _, version = api_version.rpartition("/")
    return f"{group}/{version}, Kind={kind}"


class TokenReviewService:
    """Reviews bearer tokens as kube-apiserver's TokenReview does: the token file's users
    (for the API audiences only), then the service-account JWTs this server issued."""

    def __init__(
        self, authenticator: Callable[[str], Any], tokens: ServiceAccountTokens, api: ApiSpec
    ) -> None:
        self.authenticator = authenticator
        self.tokens = tokens
        self.api = api

    def authenticate(self, token: str) -> Reviewed | None:
        """The caller behind a bearer token, for the API server's own audiences; None if unknown."""
        reviewed, _ = self.review(token, ())
        return reviewed

    def review(self, token: str, audiences: Sequence[str]) -> tuple[Reviewed | None, str]:
        """Who the token is, or None and the error kube-apiserver reports (maybe empty)."""
        requested = tuple(audiences) or self.tokens.api_audiences
        user = self.authenticator(token)
        if user is not None:
            accepted = tuple(a for a in self.tokens.api_audiences if a in requested)
            if accepted:
                return Reviewed(user.name, user.uid, tuple(user.groups), {}, accepted), ""
        try:
            return self.tokens.review(token, requested), ""
        except ReviewError as error:
            return None, str(error)

    def create(self, request: CreateRequest) -> Created:
        """The TokenReview with its status; only a body that does not decode is an HTTP error."""
        created = Created(body={})
        try:
            data = _decode_review(self.api, request, created.warnings)
            check_namespace(data, "")
            given = data.get("spec")
            spec: dict[str, Any] = given if isinstance(given, dict) else {}
            token = spec.get("token") or ""
            if not token:
                raise ApiError(400, "token is required for TokenReview in authentication")
            audiences = list(spec.get("audiences") or [])
            reviewed, error = self.review(token, audiences)
            metadata = ordered_metadata(dict(data.get("metadata") or {}))
            created.body = {
                "kind": "TokenReview",
                "apiVersion": API_VERSION,
                "metadata": {"creationTimestamp": None, **metadata},
                "spec": {"token": token, **({"audiences": audiences} if audiences else {})},
                "status": review_status(reviewed, error),
            }
        except ApiError as error:
            error.warnings = created.warnings
            raise
        return created


def _decode_review(api: ApiSpec, request: CreateRequest, warnings: list[str]) -> dict[str, Any]:
    """The serializer's checks for a TokenReview body, as `TokenRequestService._decode` does them."""
    data = request.data
    api_version, kind = interpret(data, request.body, "TokenReview")
    api_version, kind = api_version or API_VERSION, kind or "TokenReview"
    version = api_version.rpartition("/")[2]
    if (api_version, kind) != (API_VERSION, "TokenReview"):
        reason = f'no kind "{kind}" is registered for version "{api_version}" in scheme "{SCHEME}"'
        raise cannot_handle(kind, version, "TokenReview", reason)
    unknown: list[str] = []
    validate = api.validators[REVIEW_KIND]
    errors = [e for e in validate(data, unknown=unknown) if e.origin in ("type", "format")]
    if errors:
        reason = _decode_reason(errors[0], api.models[REVIEW_KIND])
        raise cannot_handle(REVIEW_KIND, version, REVIEW_KIND, reason)
    problems = field_problems(data, request.pairs, unknown)
    if problems and request.options.field_validation == "Strict":
        raise cannot_handle("TokenReview", version, "TokenReview", strict_error(problems))
    if request.options.field_validation == "Warn":
        warnings.extend(problems)
    drop_fields(data, unknown)
    return data
