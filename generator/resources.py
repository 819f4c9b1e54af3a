"""apigen's own data files, found through the package, in a checkout and in a wheel alike.

The repository keeps `templates/` and `specs/` at its top; the build maps them
into the package as `generator._templates` and `generator._specs` (see
setup.py and pyproject.toml), so `importlib.resources` finds them where the
package is: an editable install maps the names to the checkout's folders, a
wheel holds copies. The fixed runtime modules are in `generator/runtime/`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from generator.errors import ApigenError

TEMPLATES = "generator._templates"
SPECS = "generator._specs"
RUNTIME = "generator.runtime"


@lru_cache(maxsize=8)
def data_folder(package: str) -> Path:
    """The folder of one of apigen's data packages, or an ApigenError if the install lacks it."""
    try:
        folder = resources.files(package)
    except ModuleNotFoundError:
        folder = None
    if not isinstance(folder, Path) or not folder.is_dir():
        raise ApigenError(
            f"this installation of apigen lacks its {package} data; reinstall kube-apigen"
        )
    return folder


def templates_folder() -> Path:
    """The built-in Jinja templates (the repository's `templates/`)."""
    return data_folder(TEMPLATES)


def specs_folder() -> Path:
    """The embedded specs (the repository's `specs/`)."""
    return data_folder(SPECS)


def runtime_folder() -> Path:
    """The fixed runtime modules copied into every package (`generator/runtime/`)."""
    return data_folder(RUNTIME)
