"""The intermediate representation every template reads.

Frozen dataclasses, built once by `generator.ir.lower` from a validated slice.
Names are checked when built (`PythonIdentifier`, `ClassName`), so templates
only loop over this data and print it: every decision is made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.ir.naming import ClassName, PythonIdentifier

TypeKind = Literal[
    "string", "integer", "number", "boolean", "datetime", "microtime", "int-or-string",
    "quantity", "array", "map", "object", "model", "union", "any",
]  # fmt: skip
# The verbs of an operation, from x-kubernetes-action (post -> create, put -> update,
# watchlist -> watch); `connect` is exec, attach, port-forward and proxy.
Verb = Literal[
    "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "connect"
]  # fmt: skip
# Where an operation addresses objects: in one namespace, cluster-wide (a cluster-scoped
# resource), or across every namespace (a namespaced resource's list and watch).
Scope = Literal["namespaced", "cluster", "all-namespaces"]
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class TypeRef:
    """A JSON type as the generated code sees it.

    `datetime` is an RFC 3339 string (Kubernetes' Time, whole seconds);
    `microtime` one with microseconds always written (MicroTime); `int-or-string`
    an integer or a string (IntOrString, `x-kubernetes-int-or-string`);
    `quantity` a resource quantity, a string or the number a client sent;
    `object` is free-form JSON kept whole (FieldsV1); `map` has string keys and
    `item` values; `model` names a generated class; `union` is any one of
    `options` (JSONSchemaProps' OrBool, OrArray and OrStringArray).
    """

    kind: TypeKind
    format: str | None = None
    item: TypeRef | None = None
    model: ClassName | None = None
    nullable: bool = False
    options: tuple[TypeRef, ...] = ()


@dataclass(frozen=True)
class Constraint:
    """One check on a value, with the message the API server gives when it fails.

    `keyword` is the OpenAPI keyword (minimum, maximum, exclusiveMinimum,
    exclusiveMaximum, minLength, maxLength, pattern, minItems, maxItems, enum);
    `value` its argument (a tuple for enum). `message` is the API server's
    wording when known (from the overlay), else empty and the validator says it
    in OpenAPI's terms.
    """

    keyword: str
    value: int | float | str | tuple[str | int | float | bool, ...]
    message: str = ""


@dataclass(frozen=True)
class PatchMeta:
    """How strategic merge patch and server-side apply merge a field (its `x-kubernetes-*` keys).

    `strategy` is x-kubernetes-patch-strategy (`merge`, `replace`, `retainKeys`,
    `merge,retainKeys`); `merge_key` x-kubernetes-patch-merge-key; `list_type`
    x-kubernetes-list-type (`atomic`, `set`, `map`) with `list_map_keys`;
    `map_type` x-kubernetes-map-type (`atomic`, `granular`). Empty means unset.
    """

    strategy: str = ""
    merge_key: str = ""
    list_type: str = ""
    list_map_keys: tuple[str, ...] = ()
    map_type: str = ""


@dataclass(frozen=True)
class Field:
    json_name: str
    python_name: PythonIdentifier
    type: TypeRef
    required: bool
    description: str = ""
    constraints: tuple[Constraint, ...] = ()
    patch: PatchMeta | None = None  # None: the schema says nothing about merging this field


@dataclass(frozen=True)
class GroupVersionKind:
    group: str
    version: str
    kind: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


@dataclass(frozen=True)
class PrinterColumn:
    """One of a custom resource's additionalPrinterColumns (`x-apigen-printer-columns`)."""

    name: str
    json_path: str
    type: str
    format: str = ""
    description: str = ""
    priority: int = 0


@dataclass(frozen=True)
class Model:
    name: ClassName
    schema_name: str  # the (shortened) name under components.schemas
    description: str
    fields: tuple[Field, ...]
    gvk: GroupVersionKind | None = None
    printer_columns: tuple[PrinterColumn, ...] = ()  # the Table columns of `kubectl get`
    short_names: tuple[str, ...] = ()  # a custom resource's shortNames (`x-apigen-short-names`)


@dataclass(frozen=True)
class Parameter:
    name: str  # as on the wire
    python_name: PythonIdentifier
    location: Literal["path", "query", "header", "cookie"]
    required: bool
    type: TypeRef
    description: str = ""


@dataclass(frozen=True)
class Body:
    """A request body: a model (`model` set), or free-form JSON such as a Patch (`model` None)."""

    model: ClassName | None
    required: bool
    media_types: tuple[str, ...]
    description: str = ""
    type: TypeRef = TypeRef("object")


@dataclass(frozen=True)
class Response:
    status: int | Literal["default"]
    description: str
    model: ClassName | None = None
    media_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    operation_id: str
    python_name: PythonIdentifier  # operationId without its tag's group/version, in snake_case
    method: str  # lower case
    path: str
    description: str
    path_params: tuple[Parameter, ...]
    query_params: tuple[Parameter, ...]
    body: Body | None
    responses: tuple[Response, ...]
    action: str = ""  # x-kubernetes-action, as the spec writes it (post, put, watchlist, ...)
    gvk: GroupVersionKind | None = None  # x-kubernetes-group-version-kind: what it sends/answers
    # Kubernetes REST meaning, from generator.ir.kubernetes (empty for a non-Kubernetes path):
    verb: Verb | Literal[""] = ""
    scope: Scope = "cluster"
    collection: bool = False  # addresses the collection (no {name}): list, watch, create, ...
    resource: str = ""  # the plural path segment: configmaps
    subresource: str = ""  # status, scale, token, eviction, log, exec, proxy, ... or ""
    deprecated_watch: bool = False  # under .../watch/...; list with ?watch=true replaces it

    @property
    def all_namespaces(self) -> bool:
        return self.scope == "all-namespaces"

    def query(self, name: str) -> Parameter | None:
        """The query parameter of this wire name (`limit`, `watch`, ...), if the operation has it."""
        return next((p for p in self.query_params if p.name == name), None)

    def response(self, status: int) -> Response | None:
        return next((r for r in self.responses if r.status == status), None)

    @property
    def success_model(self) -> ClassName | None:
        """The model of the 2xx responses (Kubernetes uses one for all of them)."""
        for response in self.responses:
            if isinstance(response.status, int) and 200 <= response.status < 300 and response.model:
                return response.model
        return None


@dataclass(frozen=True)
class Subresource:
    """`status`, `scale`, `token`, `eviction`, `log`, `exec`, ... of a resource.

    `kind` is what its operations send and answer (the resource's own kind for
    status, `Scale` for scale, `TokenRequest` for token); None when they carry none.
    """

    name: str
    kind: GroupVersionKind | None
    operations: tuple[Operation, ...]

    @property
    def verbs(self) -> tuple[str, ...]:
        return verbs_of(self.operations)


@dataclass(frozen=True)
class Resource:
    """A Kubernetes resource as its URL paths serve it: `/api/v1/namespaces/{namespace}/configmaps`.

    `group`/`version` are the URL's; `kind` is the kind of its own operations
    ("" when the slice holds only subresources of it, as TokenRequest's holds
    only `serviceaccounts/{name}/token`); `operations` are those on the resource
    itself, every scope and deprecated watch path included; `list_kind` is what
    its list answers (`ConfigMapList`).
    """

    group: str
    version: str
    kind: str
    plural: str
    singular: str
    namespaced: bool
    list_kind: str
    subresources: tuple[Subresource, ...]
    operations: tuple[Operation, ...]

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def verbs(self) -> tuple[str, ...]:
        return verbs_of(self.operations)

    def operation(
        self, verb: str, scope: str | None = None, *, deprecated_watch: bool = False
    ) -> Operation | None:
        """The resource's own operation of this verb (and scope), preferring non-deprecated paths."""
        for op in self.operations:
            if op.verb == verb and (scope is None or op.scope == scope):
                if op.deprecated_watch == deprecated_watch:
                    return op
        return None

    def subresource(self, name: str) -> Subresource | None:
        return next((s for s in self.subresources if s.name == name), None)


def verbs_of(operations: tuple[Operation, ...]) -> tuple[str, ...]:
    """The distinct verbs, in a fixed order."""
    order = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
             "connect")  # fmt: skip
    found = {op.verb for op in operations}
    return tuple(v for v in order if v in found)


@dataclass(frozen=True)
class Api:
    """One generated package: its kinds, the models of their closure, their operations and resources.

    `kind`/`root_model` are the primary kind (the target's first); `kinds`/
    `root_models` all of them, in the target's order. `resources` group the
    operations by URL resource (every operation of `operations` that has a
    Kubernetes path is in exactly one resource or subresource).
    """

    title: str
    kind: GroupVersionKind
    root_model: ClassName
    models: tuple[Model, ...]
    operations: tuple[Operation, ...]
    package: PythonIdentifier
    source_name: str  # the spec's file name, for headers (no directories: output is relocatable)
    spec_sha256: str
    overlay_sha256: str = ""
    generator_version: str = ""
    bearer_auth: bool = False
    proto_descriptor_set: bytes = (
        b""  # the target's .proto compiled (generator.render.tools.proto), if any
    )
    proto_messages: tuple[str, ...] = ()  # its top-level messages' full names, sorted
    proto_files: tuple[str, ...] = ()  # the .proto files it was compiled from, in order
    kinds: tuple[GroupVersionKind, ...] = ()
    root_models: tuple[ClassName, ...] = ()
    resources: tuple[Resource, ...] = ()
    # Internal pointer prefix -> the pointer in the user's file (see generator.spec.sourcemap).
    source_pointers: tuple[tuple[str, str], ...] = ()

    def uses_type(self, kind: str) -> bool:
        """True when a field of some model has this type kind, at any depth (items, unions)."""
        pending = [f.type for m in self.models for f in m.fields]
        while pending:
            ref = pending.pop()
            if ref.kind == kind:
                return True
            pending.extend(ref.options)
            if ref.item is not None:
                pending.append(ref.item)
        return False

    def model(self, name: str) -> Model:
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(name)
