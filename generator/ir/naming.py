"""Names: JSON names in, checked Python identifiers out.

Every name that reaches a template is built here, so an invalid identifier or a
keyword can never be rendered into code.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Names the generated modules use themselves; a field must not shadow them.
_RESERVED = frozenset({"model_config", "model_fields", "self", "cls"})


class PythonIdentifier(str):
    """A string proven to be a usable, non-keyword Python identifier."""

    def __new__(cls, value: str) -> PythonIdentifier:
        if not value.isidentifier() or keyword.iskeyword(value):
            raise ValueError(f"not a usable Python identifier: {value!r}")
        return super().__new__(cls, value)


class ClassName(PythonIdentifier):
    """A PythonIdentifier in CamelCase, for classes."""

    def __new__(cls, value: str) -> ClassName:
        if not value[:1].isupper():
            raise ValueError(f"not a class name: {value!r}")
        return super().__new__(cls, value)  # type: ignore[return-value]


def snake_case(name: str) -> str:
    """`expirationSeconds` -> `expiration_seconds`, `boundObjectRef` -> `bound_object_ref`."""
    # Python reads identifiers NFKC-normalised, so the name we check must be that form.
    spaced = _WORD_BOUNDARY.sub("_", unicodedata.normalize("NFKC", name))
    kept = "".join(ch if ("a" + ch).isidentifier() else "_" for ch in spaced)
    return re.sub(r"_+", "_", kept.strip("_").lower())


def python_name(json_name: str) -> PythonIdentifier:
    """The attribute name for a JSON property: snake_case, never a keyword or empty."""
    name = snake_case(json_name) or "field"
    if not name.isidentifier() or name.startswith("model_"):  # a digit first; pydantic's model_*
        name = "field_" + name
    if keyword.iskeyword(name) or name in _RESERVED:
        name += "_"
    return PythonIdentifier(name)


def unique_python_names(json_names: list[str]) -> list[PythonIdentifier]:
    """python_name for each, with a numeric suffix where two would collide.

    The first holder keeps the plain name, so `fooBar` stays `foo_bar` and a later
    `foo_bar` becomes `foo_bar_2`; order is the caller's (stable) order.
    """
    taken: set[str] = set()
    result: list[PythonIdentifier] = []
    for json_name in json_names:
        base = python_name(json_name)
        candidate, n = str(base), 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        taken.add(candidate)
        result.append(PythonIdentifier(candidate))
    return result


def class_name(schema_name: str) -> ClassName:
    """A CamelCase class name for a schema name such as `TokenRequest` or `x-y`."""
    normal = unicodedata.normalize("NFKC", schema_name)
    kept = "".join(ch if ("a" + ch).isidentifier() else " " for ch in normal)
    name = "".join(p[:1].upper() + p[1:] for p in re.split(r"[\s_]+", kept) if p)
    if not name[:1].isupper():  # empty, a digit, or a script without case
        name = "Model" + name
    if keyword.iskeyword(name):  # None, True, False
        name += "_"
    return ClassName(name)


def short_schema_name(name: str) -> str:
    """Kubernetes' dotted names lose their package: `io.k8s.api.authentication.v1.TokenRequest` -> `TokenRequest`."""
    return name.rsplit(".", 1)[-1]


def validator_name(model: str) -> PythonIdentifier:
    """`TokenRequest` -> `validate_token_request`, as the validators module names them."""
    return PythonIdentifier(f"validate_{snake_case(model)}")


def model_attribute_names() -> frozenset[str]:
    """The public attributes of pydantic's BaseModel (`schema`, `json`, `copy`, ...),
    which a generated field must not shadow (JSONSchemaProps has `$schema`)."""
    from pydantic import BaseModel

    return frozenset(name for name in dir(BaseModel) if not name.startswith("_"))


def model_field_names(json_names: list[str]) -> list[PythonIdentifier]:
    """`unique_python_names`, with a `_` after a name pydantic's BaseModel already uses."""
    attributes = model_attribute_names()
    names = [str(n) for n in unique_python_names(json_names)]
    taken = set(names)
    result = []
    for name in names:
        if name in attributes:
            candidate = name + "_"
            while candidate in taken:
                candidate += "_"
            taken.add(candidate)
            name = candidate
        result.append(PythonIdentifier(name))
    return result
