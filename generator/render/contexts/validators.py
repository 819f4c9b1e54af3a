"""Context of the validators artifact (`templates/validators/`): what each field is checked for.

Every decision is taken here, from the IR: how a null is judged in each mode,
which type guard a value needs, which constraints apply to it and with which
wording, and the names of the module's constants. The template only prints
these as straight-line code, one function per model, so nothing walks a
schema at run time.

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
from typing import Any

from generator.errors import ApigenError, pointer
from generator.ir.model import INT64_MAX, INT64_MIN, Api, Constraint, Field, Model, TypeRef
from generator.ir.naming import snake_case, validator_name
from generator.render.text import py_string

# What kube-apiserver accepts as a resource quantity (k8s.io/apimachinery/pkg/api/resource).
QUANTITY_REGEX = r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
# Integer formats and the range a value of each must fit.
_INTEGER_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (INT64_MIN, INT64_MAX)}
# Comparisons: what is compared (the value, or its length), the operator under which
# the value fails, and the standard wording.
_COMPARISONS = {
    "minimum": ("bound", "<", "must be greater than or equal to {}"),
    "maximum": ("bound", ">", "must be less than or equal to {}"),
    "exclusiveMinimum": ("bound", "<=", "must be greater than {}"),
    "exclusiveMaximum": ("bound", ">=", "must be less than {}"),
    "minLength": ("length", "<", "must be at least {} characters long"),
    "maxLength": ("length", ">", "must be no more than {} characters long"),
    "minItems": ("length", "<", "must have at least {} items"),
    "maxItems": ("length", ">", "must have at most {} items"),
}
# Which keywords apply to which JSON type (others are ignored, as JSON Schema does);
# a date-time is a string. An enum elsewhere (an object, a list) is refused: see `field_context`.
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


@dataclasses.dataclass
class Constants:
    """Module-level constants the checks refer to, one per distinct value, named in order."""

    enums: dict[tuple[Any, ...], dict[str, Any]] = dataclasses.field(default_factory=dict)
    patterns: dict[str, str] = dataclasses.field(default_factory=dict)

    def enum(self, values: tuple[Any, ...]) -> str:
        members = [literal(v, "enum") for v in values]  # first: a value that cannot be printed
        if values not in self.enums:  # (or hashed) fails here, where its field is known
            self.enums[values] = {"name": f"_ENUM_{len(self.enums) + 1}", "members": members}
        return str(self.enums[values]["name"])

    def pattern(self, regex: str) -> str:
        try:
            re.compile(regex)  # now, rather than when the generated module is imported
        except re.error as exc:
            raise ApigenError(f"cannot generate a check for pattern {regex!r}: {exc}") from None
        return self.patterns.setdefault(regex, f"_PATTERN_{len(self.patterns) + 1}")

    def template_data(self) -> dict[str, Any]:
        return {
            "enums": list(self.enums.values()),
            "patterns": [
                {"name": name, "regex": py_string(regex)} for regex, name in self.patterns.items()
            ],
        }


def checker_name(model_name: str) -> str:
    return f"_check_{snake_case(model_name)}"


def fields_constant(model_name: str) -> str:
    return f"_{snake_case(model_name).upper()}_FIELDS"


def quoted_values(values: tuple[Any, ...]) -> str:
    """Kubernetes' NotSupported wording: `supported values: "Pod", "Secret", "Node"`."""
    return "supported values: " + ", ".join(
        f'"{v}"' if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)
        for v in values
    )


def literal(value: Any, keyword: str) -> str:
    """The Python literal of a JSON scalar from the spec; anything else cannot be checked."""
    if isinstance(value, str):
        return py_string(value)
    if (
        value is None
        or isinstance(value, bool | int)
        or (isinstance(value, float) and math.isfinite(value))
    ):
        return repr(value)
    raise ApigenError(
        f"cannot generate a check for {keyword} {value!r}: not a JSON string or finite number"
    )


def check(constraint: Constraint, constants: Constants) -> dict[str, Any]:
    """One constraint as the template prints it: a kind, its operands and the error detail."""
    keyword, value = constraint.keyword, constraint.value
    if keyword in _COMPARISONS:
        kind, operator, wording = _COMPARISONS[keyword]
        return {"kind": kind, "keyword": keyword, "fails_if": operator, "limit": literal(value, keyword),
                "detail": py_string(constraint.message or wording.format(value))}  # fmt: skip
    if keyword == "enum":
        values = value if isinstance(value, tuple) else (value,)
        return {"kind": "enum", "keyword": keyword, "allowed": constants.enum(values),
                "detail": py_string(constraint.message or quoted_values(values))}  # fmt: skip
    assert keyword == "pattern", keyword
    return {"kind": "pattern", "keyword": keyword, "regex": constants.pattern(str(value)),
            "detail": py_string(constraint.message or f"must match the regular expression {value}")}  # fmt: skip


def value_context(
    ref: TypeRef,
    constraints: tuple[Constraint, ...],
    var: str,
    field_expr: str,
    depth: int,
    constants: Constants,
    prefix_expr: str = "",
) -> dict[str, Any]:
    """How one value (a field, an item, a map value) is checked.

    `var` names the Python variable holding it and `field_expr` is the Python
    expression of its field path, evaluated only when an error is reported;
    `prefix_expr` is the path prefix handed to a nested model (`spec.`).
    """
    if ref.kind == "microtime":  # checked as any RFC 3339 date-time; only its output differs
        ref = TypeRef("datetime", format=ref.format, nullable=ref.nullable)
    node: dict[str, Any] = {
        "kind": ref.kind,
        "var": var,
        "field_expr": field_expr,
        "json_type": py_string(_JSON_TYPE_NAMES.get(ref.kind, "")),
        "checks": [
            check(c, constants) for c in constraints if c.keyword in _APPLIES_TO.get(ref.kind, ())
        ],
        "int_range": integer_range(ref),
        "checker": checker_name(ref.model) if ref.model else "",
        "prefix_expr": prefix_expr or f'{field_expr} + "."',
        "item": None,
        # A union's members, each checked as its own value when the JSON type is its.
        "options": [
            value_context(option, (), var, field_expr, depth, constants, prefix_expr)
            for option in ref.options
        ],
    }
    if ref.item is not None and ref.item.kind != "any":
        # Items and map values: null is accepted in both modes (the community schemas make them nullable).
        index = f"index_{depth}" if ref.kind == "array" else f"key_{depth}"
        node["index"] = index
        node["item"] = value_context(
            ref.item, (), f"item_{depth}", f'{field_expr} + f"[{{{index}}}]"', depth + 1, constants
        )
    # Whether anything is checked once the value has the right JSON type.
    node["has_more_checks"] = bool(
        node["int_range"] or node["checks"] or node["item"] or ref.kind in ("datetime", "quantity")
    )
    return node


def integer_range(ref: TypeRef) -> dict[str, Any] | None:
    """The range an integer must fit (int64 unless the format says int32), as Go decodes it."""
    if ref.kind != "integer":
        return None
    bits = "int32" if ref.format == "int32" else "int64"
    low, high = _INTEGER_RANGES[bits]
    detail = f"must fit in a signed {bits[3:]}-bit integer"
    return {"low": low, "high": high, "detail": py_string(detail)}


def null_policy(field: Field) -> str:
    """What a null or missing value means in strict mode (the default mode accepts both)."""
    has_enum = any(c.keyword == "enum" for c in field.constraints)
    if field.required:
        return (
            "missing_is_required"
            if field.type.kind in _NULLABLE_KINDS and not has_enum
            else "required"
        )
    return "null_not_supported" if has_enum else "accepted"


def field_context(field: Field, constants: Constants) -> dict[str, Any]:
    name = py_string(field.json_name)
    prefix = f"path + {py_string(field.json_name + '.')}"
    value = value_context(
        field.type, field.constraints, "value", f"path + {name}", 1, constants, prefix
    )
    # In strict mode a null fails the field's enum, reported as the enum reports it.
    null_check = next((c for c in value["checks"] if c["kind"] == "enum"), None)
    if null_check is None and any(c.keyword == "enum" for c in field.constraints):
        raise ApigenError(
            f"cannot generate a check for the enum of {field.json_name!r}: "
            f"its values are not strings, numbers or booleans ({field.type.kind})"
        )
    policy = null_policy(field)
    checks_value = field.type.kind != "any"  # any JSON value is fine
    return {
        "json_name": name,
        "null_policy": policy,
        "checks_value": checks_value,
        "reads_value": checks_value or policy != "accepted",
        "null_check": null_check,
        "value": value,
    }


def model_context(model: Model, constants: Constants, source: str) -> dict[str, Any]:
    fields = []
    for field in model.fields:
        try:
            fields.append(field_context(field, constants))
        except ApigenError as error:  # a check that cannot be generated: name the field
            at = pointer("components", "schemas", model.schema_name, "properties", field.json_name)
            raise ApigenError(error.message, source=source, pointer=at) from None
    return {
        "name": str(model.name),
        "public": validator_name(model.name),
        "checker": checker_name(model.name),
        "known": fields_constant(model.name),
        "json_names": [py_string(f.json_name) for f in model.fields],
        "fields": fields,
    }


def validators_context(api: Api) -> dict[str, Any]:
    constants = Constants()
    models = [model_context(m, constants, api.source_name) for m in api.models]
    publics = [m["public"] for m in models]
    if len(set(publics)) != len(publics):  # HTTPServer and HttpServer would share one
        raise ApigenError(
            f"models share a validator name: {sorted(publics)}", source=api.source_name
        )
    root = next(m for m in models if m["name"] == api.root_model)
    return {
        "models": models,
        "root": root,
        **constants.template_data(),
        "quantity_regex": py_string(QUANTITY_REGEX) if api.uses_type("quantity") else "",
        "quantity_detail": py_string(
            f"quantities must match the regular expression '{QUANTITY_REGEX}'"
        ),
        "group": py_string(api.kind.group),
        "kind": py_string(api.kind.kind),
    }
