"""Context of the validators artifact (`templates/validators/`): what each field is checked for.

Every decision is taken here, from the IR: how a null is judged in each mode,
which type guard a value needs, which constraints apply to it and with which
wording, and the names of the module's constants. The context is data only
(frozen dataclasses: JSON names, path steps, loop depths, limits, constant
names, messages); the templates alone write the Python that checks them, one
straight-line function per model, so nothing walks a schema at run time.

The two verdicts (see the README, "The validators"):

- the API server's (default): an explicit null is the zero value and missing
  fields are defaulted, so neither is an error; types, formats and the
  constraints (the overlay's API server rules among them) are checked.
- the published schema's (`strict=True`): as the community's JSON Schemas
  (kubernetes-json-schema) read the OpenAPI document: a required field must be
  present; null is accepted where the field is optional or its type is a
  schema of its own (an object or Time), and an enum never accepts null.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Literal

from generator.errors import ApigenError, pointer
from generator.ir.model import INT64_MAX, INT64_MIN, Api, Field, Model, TypeKind, TypeRef
from generator.ir.model import Constraint as SpecConstraint
from generator.ir.naming import snake_case, validator_name

# A JSON scalar from the spec, as the templates print it (strings through `pystr`).
JsonScalar = str | int | float | bool | None
# What kube-apiserver accepts as a resource quantity (k8s.io/apimachinery/pkg/api/resource).
QUANTITY_REGEX = r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
# Integer formats and the range a value of each must fit.
_INTEGER_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (INT64_MIN, INT64_MAX)}
# Comparisons: what is compared (the value, or its length) and the standard wording;
# the template spells the comparison under which each keyword fails.
_COMPARISONS: dict[str, tuple[Literal["bound", "length"], str]] = {
    "minimum": ("bound", "must be greater than or equal to {}"),
    "maximum": ("bound", "must be less than or equal to {}"),
    "exclusiveMinimum": ("bound", "must be greater than {}"),
    "exclusiveMaximum": ("bound", "must be less than {}"),
    "minLength": ("length", "must be at least {} characters long"),
    "maxLength": ("length", "must be no more than {} characters long"),
    "minItems": ("length", "must have at least {} items"),
    "maxItems": ("length", "must have at most {} items"),
}
# Which keywords apply to which JSON type (others are ignored, as JSON Schema does);
# a date-time is a string. An enum elsewhere (an object, a list) is refused: see `field_check`.
_APPLIES_TO = {
    "integer": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "string": ("minLength", "maxLength", "pattern", "enum"),
    "datetime": ("minLength", "maxLength", "pattern", "enum"),
    "boolean": ("enum",),
    "array": ("minItems", "maxItems"),
}
# Kinds whose strict-mode null is accepted even when required: the community
# schemas make every definition (objects, Time) nullable, and an untyped schema
# accepts any value.
_NULLABLE_KINDS = ("model", "datetime", "object", "any", "union")
_JSON_TYPE_NAMES = {
    "string": "string", "datetime": "string", "integer": "integer", "number": "number",
    "boolean": "boolean", "array": "array", "map": "object", "object": "object", "model": "object",
    "int-or-string": "integer or string", "quantity": "string or number", "union": "object",
}  # fmt: skip

NullPolicy = Literal["accepted", "required", "missing_is_required", "null_not_supported"]


@dataclass(frozen=True)
class Constraint:
    """One constraint on a value: `kind` says how it is checked (a bound on the value, a
    bound on its length, membership of the enum constant, a match of the pattern constant)."""

    kind: Literal["bound", "length", "enum", "pattern"]
    keyword: str  # the schema keyword (`minimum`, `maxItems`, `enum`, `pattern`, ...)
    detail: str  # the error's wording (spec text: printed through `pystr`)
    limit: JsonScalar = None  # bound and length: the limit
    constant: str = ""  # enum and pattern: the name of the module constant checked against


@dataclass(frozen=True)
class FormatCheck:
    """The format a value of the right JSON type must still have."""

    kind: Literal["range", "datetime", "quantity"]
    detail: str = ""  # range and datetime (a quantity's is the module's `_QUANTITY_DETAIL`)
    low: int = 0  # range: the inclusive bounds
    high: int = 0


@dataclass(frozen=True)
class PathStep:
    """A step into a list (`[{index_N}]`) or a map (`[{key_N}]`), N the loop's depth."""

    loop: Literal["index", "key"]
    depth: int


@dataclass(frozen=True)
class ValueCheck:
    """How one value (a field's, an item's, a map value's) is checked.

    The value is the field `field` of the object being checked, then `steps` into
    its lists and maps; with no steps it is held in `value`, else in `item_N`, N
    the last step's depth. Its own items are `item_<depth>` at `index_<depth>`
    (or `key_<depth>`).
    """

    kind: TypeKind  # a microtime is checked as a datetime
    field: str  # the JSON name of the field the value belongs to
    steps: tuple[PathStep, ...]
    depth: int
    json_type: str  # how a type error names the JSON type wanted
    constraints: tuple[Constraint, ...]
    format: FormatCheck | None
    checker: str  # a model's: the name of its `_check_<model>` function
    item: ValueCheck | None  # a list's items or a map's values, when they are checked
    options: tuple[ValueCheck, ...]  # a union's members
    # What is checked once the value has its JSON type and format: a value that fails
    # either gets that one error and no more, as kube-apiserver's decoder stops there.
    has_more_checks: bool


@dataclass(frozen=True)
class FieldCheck:
    json_name: str
    null_policy: NullPolicy  # what a null or missing value means in strict mode
    checks_value: bool  # False for a field of any type: any JSON value is fine
    reads_value: bool
    null_check: Constraint | None  # the field's enum, which a strict-mode null fails
    value: ValueCheck


@dataclass(frozen=True)
class ModelCheck:
    name: str  # the model class
    public: str  # `validate_<model>`
    checker: str  # `_check_<model>`
    known: str  # the name of the constant of its field names
    json_names: tuple[str, ...]
    fields: tuple[FieldCheck, ...]


@dataclass(frozen=True)
class EnumConstant:
    name: str
    members: tuple[JsonScalar, ...]


@dataclass(frozen=True)
class PatternConstant:
    name: str
    regex: str


@dataclass(frozen=True)
class ValidatorsContext:
    models: tuple[ModelCheck, ...]
    root: ModelCheck
    enums: tuple[EnumConstant, ...]
    patterns: tuple[PatternConstant, ...]
    uses_quantity: bool
    quantity_regex: str
    quantity_detail: str
    group: str
    kind: str


@dataclass
class Constants:
    """Module-level constants the checks refer to, one per distinct value, named in order."""

    enums: dict[tuple[JsonScalar, ...], EnumConstant] = dataclasses.field(default_factory=dict)
    patterns: dict[str, str] = dataclasses.field(default_factory=dict)

    def enum(self, values: tuple[object, ...]) -> str:
        members = tuple(scalar(v, "enum") for v in values)  # first: a value that cannot be
        if members not in self.enums:  # printed (or hashed) fails here, where its field is known
            self.enums[members] = EnumConstant(f"_ENUM_{len(self.enums) + 1}", members)
        return self.enums[members].name

    def pattern(self, regex: str) -> str:
        try:
            re.compile(regex)  # now, rather than when the generated module is imported
        except re.error as exc:
            raise ApigenError(f"cannot generate a check for pattern {regex!r}: {exc}") from None
        return self.patterns.setdefault(regex, f"_PATTERN_{len(self.patterns) + 1}")

    def pattern_constants(self) -> tuple[PatternConstant, ...]:
        return tuple(PatternConstant(name, regex) for regex, name in self.patterns.items())


def checker_name(model_name: str) -> str:
    return f"_check_{snake_case(model_name)}"


def fields_constant(model_name: str) -> str:
    return f"_{snake_case(model_name).upper()}_FIELDS"


def quoted_values(values: tuple[object, ...]) -> str:
    """Kubernetes' NotSupported wording: `supported values: "Pod", "Secret", "Node"`."""
    return "supported values: " + ", ".join(
        f'"{v}"' if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)
        for v in values
    )


def scalar(value: object, keyword: str) -> JsonScalar:
    """A JSON scalar from the spec, which a template can print; anything else cannot be checked."""
    if (
        value is None
        or isinstance(value, str | bool | int)
        or (isinstance(value, float) and math.isfinite(value))
    ):
        return value
    raise ApigenError(
        f"cannot generate a check for {keyword} {value!r}: not a JSON string or finite number"
    )


def constraint_check(constraint: SpecConstraint, constants: Constants) -> Constraint:
    """One constraint as the template checks it: its kind, operand and error detail."""
    keyword, value = constraint.keyword, constraint.value
    if keyword in _COMPARISONS:
        kind, wording = _COMPARISONS[keyword]
        limit = scalar(value, keyword)
        return Constraint(kind, keyword, constraint.message or wording.format(value), limit=limit)
    if keyword == "enum":
        values = value if isinstance(value, tuple) else (value,)
        name = constants.enum(values)
        return Constraint(
            "enum", keyword, constraint.message or quoted_values(values), constant=name
        )
    assert keyword == "pattern", keyword
    detail = constraint.message or f"must match the regular expression {value}"
    return Constraint("pattern", keyword, detail, constant=constants.pattern(str(value)))


def value_check(
    ref: TypeRef,
    constraints: tuple[SpecConstraint, ...],
    json_name: str,
    steps: tuple[PathStep, ...],
    depth: int,
    constants: Constants,
) -> ValueCheck:
    """How one value, the field `json_name` then `steps` into it, is checked."""
    if ref.kind == "microtime":  # checked as any RFC 3339 date-time; only its output differs
        ref = TypeRef("datetime", format=ref.format, nullable=ref.nullable)
    checks = tuple(
        constraint_check(c, constants)
        for c in constraints
        if c.keyword in _APPLIES_TO.get(ref.kind, ())
    )
    # A union's members, each checked as its own value when the JSON type is its.
    options = tuple(
        value_check(option, (), json_name, steps, depth, constants) for option in ref.options
    )
    item = None
    if ref.item is not None and ref.item.kind != "any":
        # Items and map values: null is accepted in both modes (the community schemas make them nullable).
        step = PathStep("index" if ref.kind == "array" else "key", depth)
        item = value_check(ref.item, (), json_name, (*steps, step), depth + 1, constants)
    return ValueCheck(
        kind=ref.kind,
        field=json_name,
        steps=steps,
        depth=depth,
        json_type=_JSON_TYPE_NAMES.get(ref.kind, ""),
        constraints=checks,
        format=format_check(ref),
        checker=checker_name(ref.model) if ref.model else "",
        item=item,
        options=options,
        has_more_checks=bool(checks or item),
    )


def format_check(ref: TypeRef) -> FormatCheck | None:
    """The format a value of the right JSON type must still have: an integer's range
    (int64 unless the format says int32, as Go decodes it), an RFC 3339 date-time, or
    a resource quantity."""
    if ref.kind == "datetime":
        return FormatCheck("datetime", "must be an RFC 3339 date-time")
    if ref.kind == "quantity":  # a string must read as a quantity; numbers always do
        return FormatCheck("quantity")
    if ref.kind != "integer":
        return None
    bits = "int32" if ref.format == "int32" else "int64"
    low, high = _INTEGER_RANGES[bits]
    return FormatCheck("range", f"must fit in a signed {bits[3:]}-bit integer", low, high)


def null_policy(field: Field) -> NullPolicy:
    """What a null or missing value means in strict mode (the default mode accepts both)."""
    has_enum = any(c.keyword == "enum" for c in field.constraints)
    if field.required:
        return (
            "missing_is_required"
            if field.type.kind in _NULLABLE_KINDS and not has_enum
            else "required"
        )
    return "null_not_supported" if has_enum else "accepted"


def field_check(field: Field, constants: Constants) -> FieldCheck:
    value = value_check(field.type, field.constraints, field.json_name, (), 1, constants)
    # In strict mode a null fails the field's enum, reported as the enum reports it.
    null_check = next((c for c in value.constraints if c.kind == "enum"), None)
    if null_check is None and any(c.keyword == "enum" for c in field.constraints):
        raise ApigenError(
            f"cannot generate a check for the enum of {field.json_name!r}: "
            f"its values are not strings, numbers or booleans ({field.type.kind})"
        )
    policy = null_policy(field)
    checks_value = field.type.kind != "any"  # any JSON value is fine
    return FieldCheck(
        json_name=field.json_name,
        null_policy=policy,
        checks_value=checks_value,
        reads_value=checks_value or policy != "accepted",
        null_check=null_check,
        value=value,
    )


def model_check(model: Model, constants: Constants, source: str) -> ModelCheck:
    fields = []
    for field in model.fields:
        try:
            fields.append(field_check(field, constants))
        except ApigenError as error:  # a check that cannot be generated: name the field
            at = pointer("components", "schemas", model.schema_name, "properties", field.json_name)
            raise ApigenError(error.message, source=source, pointer=at) from None
    return ModelCheck(
        name=str(model.name),
        public=validator_name(model.name),
        checker=checker_name(model.name),
        known=fields_constant(model.name),
        json_names=tuple(f.json_name for f in model.fields),
        fields=tuple(fields),
    )


def validators_context(api: Api) -> ValidatorsContext:
    constants = Constants()
    models = tuple(model_check(m, constants, api.source_name) for m in api.models)
    publics = [m.public for m in models]
    if len(set(publics)) != len(publics):  # HTTPServer and HttpServer would share one
        raise ApigenError(
            f"models share a validator name: {sorted(publics)}", source=api.source_name
        )
    return ValidatorsContext(
        models=models,
        root=next(m for m in models if m.name == api.root_model),
        enums=tuple(constants.enums.values()),
        patterns=constants.pattern_constants(),
        uses_quantity=api.uses_type("quantity"),
        quantity_regex=QUANTITY_REGEX,
        quantity_detail=f"quantities must match the regular expression '{QUANTITY_REGEX}'",
        group=api.kind.group,
        kind=api.kind.kind,
    )
