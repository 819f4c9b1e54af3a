"""What the fixed runtime modules use of the generated `validators` module: a type stub only.

The modules of generator/runtime/ are copied verbatim into each generated package, where
`validators.py` is rendered beside them (templates/validators/). Here there is no such
module, so `from .validators import ...` could not be checked; this stub states the part
of its interface they rely on, and lets `mypy --strict generator/` check them against it.
It is never imported at run time and never copied; in a generated package the real module
is used, and `mypy --strict generated/` checks the two fit.
"""

from collections.abc import Callable

class FieldError:
    """One reason the API server would refuse an object (Kubernetes' `field.Error`)."""

    field: str
    detail: str
    origin: str

# The validator of each model class, by class name.
VALIDATORS: dict[str, Callable[..., list[FieldError]]]
