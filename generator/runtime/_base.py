"""The base class of every model in this package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from .validators import FieldError


class KubeModel(BaseModel):
    """A Kubernetes object, or a part of one.

    Attributes are snake_case and the JSON names are their aliases; either name
    constructs. Fields this version of the spec does not know, as a newer API
    server may send, are kept and dumped again.
    """

    # defer_build: each class's validator and serializer are built when it is first used,
    # not when the module is imported (most programs use a few of a package's models).
    model_config = ConfigDict(
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
    )

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: JSON names, only the fields that were set, RFC 3339 times."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def to_json(self) -> str:
        """`to_dict()` as JSON text."""
        return self.model_dump_json(by_alias=True, exclude_unset=True)

    def validate_k8s(self, *, strict: bool = False) -> list[FieldError]:
        """Every reason a Kubernetes API server would refuse `to_dict()`, with its field path.

        `strict=True` gives the published schema's verdict instead; see `validators`.
        """
        from .validators import VALIDATORS  # here, so that importing the models does not load it

        # The nearest generated class: a subclass of a model validates as that model.
        validate = next(
            VALIDATORS[c.__name__] for c in type(self).__mro__ if c.__name__ in VALIDATORS
        )
        return validate(self.to_dict(), strict=strict)
