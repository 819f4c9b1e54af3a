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
    "string", "integer", "number", "boolean", "datetime", "array", "map", "object", "model", "any"
]
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class TypeRef:
    """A JSON type as the generated code sees it.

    `datetime` is an RFC 3339 string (Kubernetes' Time); `object` is free-form
    JSON kept whole (FieldsV1); `map` has string keys and `item` values; `model`
    names a generated class.
    """

    kind: TypeKind
    format: str | None = None
    item: TypeRef | None = None
    model: ClassName | None = None
    nullable: bool = False


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
class Field:
    json_name: str
    python_name: PythonIdentifier
    type: TypeRef
    required: bool
    description: str = ""
    constraints: tuple[Constraint, ...] = ()


@dataclass(frozen=True)
class GroupVersionKind:
    group: str
    version: str
    kind: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


@dataclass(frozen=True)
class Model:
    name: ClassName
    schema_name: str  # the (shortened) name under components.schemas
    description: str
    fields: tuple[Field, ...]
    gvk: GroupVersionKind | None = None


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
    model: ClassName
    required: bool
    media_types: tuple[str, ...]
    description: str = ""


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
    action: str = ""  # x-kubernetes-action
    gvk: GroupVersionKind | None = None

    @property
    def success_model(self) -> ClassName | None:
        """The model of the 2xx responses (Kubernetes uses one for all of them)."""
        for response in self.responses:
            if isinstance(response.status, int) and 200 <= response.status < 300 and response.model:
                return response.model
        return None


@dataclass(frozen=True)
class Api:
    """One generated package: a kind, the models of its closure and its operations."""

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

    def model(self, name: str) -> Model:
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(name)
