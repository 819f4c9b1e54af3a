"""Authorization as kube-apiserver does it: `--authorization-mode` RBAC, ABAC, AlwaysAllow.

- RBAC reads the standard objects (`rbac.authorization.k8s.io/v1` Role, ClusterRole,
  RoleBinding, ClusterRoleBinding) from YAML; a request is allowed when a binding that
  applies to its user grants a rule matching its verb, API group, resource (with the
  subresource: `serviceaccounts/token`) and name. Nothing else is allowed.
- ABAC reads kube-apiserver's `--authorization-policy-file`: one JSON `Policy` object a line.
- The group `system:masters` is always allowed, whatever the modes, as in kube-apiserver.

Every authenticated user is also in `system:authenticated`, as kube-apiserver's
authenticators add it. Aggregated ClusterRoles (`aggregationRule`) are not expanded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._auth import Authorizer, RequestAttributes, User

__all__ = [
    "MODES",
    "PRIVILEGED_GROUP",
    "AbacAuthorizer",
    "PolicyError",
    "RbacAuthorizer",
    "authorizer_for_modes",
]

PRIVILEGED_GROUP = "system:masters"
AUTHENTICATED_GROUP = "system:authenticated"
ANONYMOUS_USER = "system:anonymous"
RBAC_API_VERSION = "rbac.authorization.k8s.io/v1"
ABAC_API_VERSION = "abac.authorization.kubernetes.io/v1beta1"
MODES = ("AlwaysAllow", "AlwaysDeny", "ABAC", "RBAC")
READ_VERBS = frozenset({"get", "list", "watch"})


class PolicyError(ValueError):
    """A policy file that cannot be read: its message names the file and the place."""


def _groups(user: User) -> frozenset[str]:
    """The user's groups, with system:authenticated for everyone but system:anonymous."""
    if user.name == ANONYMOUS_USER:
        return frozenset(user.groups)
    return frozenset(user.groups) | {AUTHENTICATED_GROUP}


# --- RBAC --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A PolicyRule of a Role or ClusterRole: resources, or non-resource URLs (`/openid/*`)."""

    verbs: frozenset[str]
    api_groups: frozenset[str]
    resources: frozenset[str]
    resource_names: frozenset[str] = frozenset()
    non_resource_urls: frozenset[str] = frozenset()

    def allows(self, attributes: RequestAttributes) -> bool:
        if attributes.path:  # a non-resource request: only nonResourceURLs rules grant it
            return _has(self.verbs, attributes.verb) and any(
                url == attributes.path
                or (url.endswith("*") and attributes.path.startswith(url[:-1]))
                for url in self.non_resource_urls
            )
        if self.non_resource_urls and not self.resources:
            return False
        return (
            _has(self.verbs, attributes.verb)
            and _has(self.api_groups, attributes.group)
            and self._resource_matches(attributes)
            and (not self.resource_names or attributes.name in self.resource_names)
        )

    def _resource_matches(self, attributes: RequestAttributes) -> bool:
        if "*" in self.resources:
            return True
        if not attributes.subresource:
            return attributes.resource in self.resources
        combined = f"{attributes.resource}/{attributes.subresource}"
        return combined in self.resources or f"*/{attributes.subresource}" in self.resources


@dataclass(frozen=True)
class Subject:
    kind: str  # User, Group or ServiceAccount
    name: str
    namespace: str = ""

    def applies_to(self, user: User, binding_namespace: str) -> bool:
        if self.kind == "User":
            return self.name == user.name
        if self.kind == "Group":
            return self.name in _groups(user)
        namespace = self.namespace or binding_namespace
        return user.name == f"system:serviceaccount:{namespace}:{self.name}"


@dataclass(frozen=True)
class Binding:
    namespace: str  # "" for a ClusterRoleBinding
    role_kind: str  # Role or ClusterRole
    role_name: str
    subjects: tuple[Subject, ...]


class RbacAuthorizer:
    """Allows what the bindings of a set of RBAC objects grant; denies the rest."""

    def __init__(
        self,
        roles: dict[tuple[str, str], tuple[Rule, ...]],
        cluster_roles: dict[str, tuple[Rule, ...]],
        bindings: Sequence[Binding],
    ) -> None:
        self._roles = roles
        self._cluster_roles = cluster_roles
        self._bindings = tuple(bindings)

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> RbacAuthorizer:
        objects: list[tuple[str, Any]] = []
        for path in paths:
            try:
                documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
            except (OSError, UnicodeError, yaml.YAMLError) as exc:
                raise PolicyError(f"{path}: {' '.join(str(exc).split())}") from None
            for index, document in enumerate(documents):
                items = _items(document)
                objects += [(f"{path}#/{index}", item) for item in items]
        return cls.from_objects(objects)

    @classmethod
    def from_objects(cls, objects: Iterable[tuple[str, Any]]) -> RbacAuthorizer:
        """`objects`: (where, object) pairs; kinds other than the four RBAC ones are skipped."""
        roles: dict[tuple[str, str], tuple[Rule, ...]] = {}
        cluster_roles: dict[str, tuple[Rule, ...]] = {}
        bindings: list[Binding] = []
        for where, obj in objects:
            if not isinstance(obj, dict):
                raise PolicyError(f"{where}: not an object")
            kind = obj.get("kind")
            if kind not in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"):
                continue
            if obj.get("apiVersion") != RBAC_API_VERSION:
                raise PolicyError(f"{where}/apiVersion: a {kind} must be {RBAC_API_VERSION}")
            metadata = obj.get("metadata") or {}
            name, namespace = _text(metadata, "name", where), _text(metadata, "namespace", where)
            if not name:
                raise PolicyError(f"{where}/metadata/name: required")
            if kind in ("Role", "RoleBinding") and not namespace:
                raise PolicyError(f"{where}/metadata/namespace: a {kind} needs a namespace")
            if kind == "Role":
                roles[(namespace, name)] = _rules(obj, where)
            elif kind == "ClusterRole":
                cluster_roles[name] = _rules(obj, where)
            else:
                bindings.append(
                    _binding(obj, "" if kind == "ClusterRoleBinding" else namespace, where)
                )
        return cls(roles, cluster_roles, bindings)

    def __call__(self, user: User, attributes: RequestAttributes) -> bool:
        groups = _groups(user)
        for group, rule in DEFAULT_GRANTS:
            if group in groups and rule.allows(attributes):
                return True
        for binding in self._bindings:
            if binding.namespace and binding.namespace != attributes.namespace:
                continue
            if not any(s.applies_to(user, binding.namespace) for s in binding.subjects):
                continue
            if binding.role_kind == "Role":
                rules = self._roles.get((binding.namespace, binding.role_name), ())
            else:
                rules = self._cluster_roles.get(binding.role_name, ())
            if any(rule.allows(attributes) for rule in rules):
                return True
        return False


def _urls(*urls: str) -> Rule:
    return Rule(frozenset({"get"}), frozenset(), frozenset(), non_resource_urls=frozenset(urls))


# kube-apiserver's bootstrap ClusterRoleBindings that concern this server, by group:
# system:public-info-viewer, system:discovery, system:service-account-issuer-discovery and
# system:basic-user (which lets every user create a SelfSubjectReview).
DEFAULT_GRANTS: tuple[tuple[str, Rule], ...] = (
    ("system:authenticated", _urls("/healthz", "/livez", "/readyz", "/version", "/version/")),
    ("system:unauthenticated", _urls("/healthz", "/livez", "/readyz", "/version", "/version/")),
    (
        "system:authenticated",
        _urls("/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*", "/openapi.json"),
    ),
    (
        "system:serviceaccounts",
        _urls(
            "/.well-known/openid-configuration",
            "/.well-known/openid-configuration/",
            "/openid/v1/jwks",
            "/openid/v1/jwks/",
        ),
    ),
    (
        "system:authenticated",
        Rule(
            frozenset({"create"}),
            frozenset({"authentication.k8s.io", "authorization.k8s.io"}),
            frozenset(
                {"selfsubjectreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews"}
            ),
        ),
    ),
)


def _items(document: Any) -> list[Any]:
    if document is None:
        return []
    if isinstance(document, dict) and document.get("kind") == "List":
        return list(document.get("items") or [])
    return [document]


def _text(mapping: Any, key: str, where: str) -> str:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PolicyError(f"{where}/{key}: must be a string")
    return value


def _strings(mapping: dict[str, Any], key: str, where: str) -> frozenset[str]:
    value = mapping.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PolicyError(f"{where}/{key}: must be a list of strings")
    return frozenset(value)


def _rules(obj: dict[str, Any], where: str) -> tuple[Rule, ...]:
    rules = obj.get("rules") or []
    if not isinstance(rules, list):
        raise PolicyError(f"{where}/rules: must be a list")
    found: list[Rule] = []
    for index, rule in enumerate(rules):
        at = f"{where}/rules/{index}"
        if not isinstance(rule, dict):
            raise PolicyError(f"{at}: must be an object")
        if rule.get("nonResourceURLs"):
            found.append(
                Rule(
                    verbs=_strings(rule, "verbs", at),
                    api_groups=frozenset(),
                    resources=frozenset(),
                    non_resource_urls=_strings(rule, "nonResourceURLs", at),
                )
            )
            continue
        found.append(
            Rule(
                verbs=_strings(rule, "verbs", at),
                api_groups=_strings(rule, "apiGroups", at),
                resources=_strings(rule, "resources", at),
                resource_names=_strings(rule, "resourceNames", at),
            )
        )
    return tuple(found)


def _binding(obj: dict[str, Any], namespace: str, where: str) -> Binding:
    ref = obj.get("roleRef")
    if not isinstance(ref, dict) or ref.get("kind") not in ("Role", "ClusterRole"):
        raise PolicyError(f"{where}/roleRef/kind: must be Role or ClusterRole")
    if ref["kind"] == "Role" and not namespace:
        raise PolicyError(f"{where}/roleRef/kind: a ClusterRoleBinding can only name a ClusterRole")
    subjects: list[Subject] = []
    for index, subject in enumerate(obj.get("subjects") or []):
        at = f"{where}/subjects/{index}"
        kind = _text(subject, "kind", at)
        if kind not in ("User", "Group", "ServiceAccount"):
            raise PolicyError(f"{at}/kind: must be User, Group or ServiceAccount")
        subjects.append(Subject(kind, _text(subject, "name", at), _text(subject, "namespace", at)))
    return Binding(namespace, ref["kind"], _text(ref, "name", f"{where}/roleRef"), tuple(subjects))


def _has(values: frozenset[str], value: str) -> bool:
    return "*" in values or value in values


# --- ABAC --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AbacPolicy:
    """One line of an ABAC policy file (resource policies; `nonResourcePath` is skipped)."""

    user: str
    group: str
    namespace: str
    resource: str
    api_group: str
    readonly: bool

    def allows(self, user: User, attributes: RequestAttributes) -> bool:
        subject = (self.user and (self.user == "*" or self.user == user.name)) or (
            self.group and (self.group == "*" or self.group in _groups(user))
        )
        return bool(
            subject
            and (not self.readonly or attributes.verb in READ_VERBS)
            and self.namespace in ("*", attributes.namespace)
            and self.resource in ("*", attributes.resource)
            and self.api_group in ("*", attributes.group)
        )


class AbacAuthorizer:
    """kube-apiserver's `--authorization-policy-file`: one `Policy` JSON object a line."""

    def __init__(self, policies: Sequence[AbacPolicy]) -> None:
        self._policies = tuple(policies)

    @classmethod
    def from_file(cls, path: Path) -> AbacAuthorizer:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError) as exc:
            raise PolicyError(f"{path}: {exc}") from None
        policies: list[AbacPolicy] = []
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            where = f"{path}:{number}"
            try:
                policy = json.loads(line)
            except ValueError as exc:
                raise PolicyError(f"{where}: {exc}") from None
            if not isinstance(policy, dict) or policy.get("apiVersion") != ABAC_API_VERSION:
                raise PolicyError(f"{where}: a Policy of apiVersion {ABAC_API_VERSION} a line")
            spec = policy.get("spec")
            if policy.get("kind") != "Policy" or not isinstance(spec, dict):
                raise PolicyError(f"{where}: kind must be Policy, with a spec")
            if "nonResourcePath" in spec and "resource" not in spec:
                continue
            policies.append(
                AbacPolicy(
                    user=_text(spec, "user", where),
                    group=_text(spec, "group", where),
                    namespace=_text(spec, "namespace", where),
                    resource=_text(spec, "resource", where),
                    api_group=_text(spec, "apiGroup", where),
                    readonly=spec.get("readonly") is True,
                )
            )
        return cls(policies)

    def __call__(self, user: User, attributes: RequestAttributes) -> bool:
        return any(policy.allows(user, attributes) for policy in self._policies)


# --- The modes ---------------------------------------------------------------------------


def authorizer_for_modes(
    modes: Sequence[str],
    rbac_files: Sequence[Path] = (),
    policy_file: Path | None = None,
) -> Authorizer:
    """The union of `modes` in order, after the `system:masters` group; PolicyError if a mode
    lacks its file or a file is malformed."""
    unknown = [mode for mode in modes if mode not in MODES]
    if unknown or not modes:
        raise PolicyError(
            f"--authorization-mode: {', '.join(unknown) or 'empty'}: the modes are "
            + ", ".join(MODES)
        )
    if "ABAC" in modes and policy_file is None:
        raise PolicyError("--authorization-mode ABAC needs --authorization-policy-file")
    if policy_file is not None and "ABAC" not in modes:
        raise PolicyError("--authorization-policy-file is read only with --authorization-mode ABAC")
    if rbac_files and "RBAC" not in modes:
        raise PolicyError("--rbac-file is read only with --authorization-mode RBAC")
    chain: list[Authorizer] = []
    for mode in modes:
        if mode == "AlwaysAllow":
            chain.append(lambda user, attributes: True)
        elif mode == "RBAC":
            chain.append(RbacAuthorizer.from_files(rbac_files))
        elif mode == "ABAC" and policy_file is not None:
            chain.append(AbacAuthorizer.from_file(policy_file))

    def authorize(user: User, attributes: RequestAttributes) -> bool:
        if PRIVILEGED_GROUP in user.groups:
            return True
        return any(authorizer(user, attributes) for authorizer in chain)

    return authorize
