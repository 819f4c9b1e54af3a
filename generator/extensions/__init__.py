"""Kind-specific behaviour, one folder per extension, turned on by a target.

An extension is a folder `generator/extensions/<name>/` whose `__init__.py`
defines `EXTENSION`, an `Extension`: plain data saying what it brings to a
package. A target turns it on with `extensions = ["<name>"]`; a package
without it gets none of its files, routes, helpers or dependencies.

    overlay, proto   spec-side inputs: Overlay rules applied before slicing
                     (after the target's own), and the .proto of its messages
    files            package files: a `.py` of the folder copied as it is under
                     the header (real Python, like generator/runtime/), or a
                     `.jinja` template of the folder rendered with the API
    server           the server plug-in: the module and attribute the generated
                     `server.py` imports and hands to the framework (`_server.py`)
    client           the client helpers and command-line commands it adds

Adding an extension is adding a folder: the generated `server.py`, the
artifact table and the pipeline read this data and need no edit.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from generator.errors import ApigenError

ROOT = Path(__file__).resolve().parent

FileGroup = Literal["package", "models", "validators", "client", "server"]  # Artifact.group


@dataclass(frozen=True)
class ExtensionFile:
    """One file the extension adds to the package.

    `source` is a file of the extension's folder: a `.py` is copied verbatim
    under the generated header (so it must be black-stable, see
    tests/test_runtime.py); a `.jinja` is rendered with `api`, `header` and
    `extension` and formatted with black.
    """

    path: str  # relative to the package folder
    source: str  # relative to the extension's folder
    group: FileGroup = "server"

    @property
    def is_template(self) -> bool:
        return self.source.endswith(".jinja")


@dataclass(frozen=True)
class ServerContribution:
    """What the extension plugs into the server framework.

    The generated `server.py` does `from .<module> import <attribute>` and passes
    the object (a `_server.ServerPlugin`) to the framework, which asks it for
    command-line options and routes. `routes` names, as data, what it serves:
    `(verb, resource)` pairs such as `("create", "serviceaccounts/token")` and
    fixed paths such as `/openid/v1/jwks`.
    """

    module: str
    attribute: str = "PLUGIN"
    routes: tuple[tuple[str, str], ...] = ()
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClientContribution:
    """What the extension adds to the client: helper methods and CLI commands.

    `template` is a Jinja file of the folder that the client template includes
    in the `Client` and `AsyncClient` bodies; `cli_template` likewise for the
    command line (`__main__.py`).
    """

    methods: tuple[str, ...] = ()  # e.g. ("create_token",)
    commands: tuple[str, ...] = ()  # e.g. ("create-token",)
    template: str | None = None
    cli_template: str | None = None
    # The data its templates read, built from the Api (`extension.context` there).
    context: Callable[[Any], object] | None = None


@dataclass(frozen=True)
class Extension:
    name: str
    description: str
    kinds: tuple[str, ...]  # the kinds it is about; the package must hold one of them
    folder: Path
    overlay: str | None = None  # relative to `folder`
    proto: str | None = None  # relative to `folder`
    files: tuple[ExtensionFile, ...] = ()
    server: ServerContribution | None = None
    client: ClientContribution | None = None
    requirements: tuple[str, ...] = ()  # what the package then needs at run time, for the docs

    @property
    def overlay_path(self) -> Path | None:
        return self.folder / self.overlay if self.overlay else None

    @property
    def proto_path(self) -> Path | None:
        return self.folder / self.proto if self.proto else None

    def template_name(self, source: str) -> str:
        """The name of one of its templates in the render environment."""
        return f"{EXTENSION_TEMPLATE_PREFIX}/{self.folder.name}/{source}"


EXTENSION_TEMPLATE_PREFIX = "extensions"


def _discover() -> Mapping[str, Extension]:
    found: dict[str, Extension] = {}
    for info in sorted(pkgutil.iter_modules([str(ROOT)]), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        extension = getattr(module, "EXTENSION", None)
        if not isinstance(extension, Extension):
            raise ApigenError(
                "an extension folder must define EXTENSION = Extension(...)",
                source=str(ROOT / info.name / "__init__.py"),
            )
        if extension.name != info.name:
            raise ApigenError(
                f"the extension in folder {info.name!r} is named {extension.name!r}",
                source=str(ROOT / info.name / "__init__.py"),
            )
        found[extension.name] = extension
    return MappingProxyType(found)


EXTENSIONS: Mapping[str, Extension] = _discover()
"""Every extension of generator/extensions/, by name."""


def resolve_extensions(names: Iterable[str], source: str | None = None) -> tuple[Extension, ...]:
    """The extensions a target names, in its order; an unknown name is a one-line error."""
    chosen: list[Extension] = []
    for name in names:
        if name not in EXTENSIONS:
            known = ", ".join(sorted(EXTENSIONS)) or "none"
            raise ApigenError(f"unknown extension {name!r}; known: {known}", source=source)
        if EXTENSIONS[name] not in chosen:
            chosen.append(EXTENSIONS[name])
    return tuple(chosen)


def check_applies(
    extensions: Iterable[Extension], kinds: Iterable[str], source: str | None
) -> None:
    """Each extension is about a kind the package holds."""
    held = set(kinds)
    for extension in extensions:
        if extension.kinds and not held & set(extension.kinds):
            raise ApigenError(
                f"extension {extension.name!r} is for {', '.join(extension.kinds)}, "
                f"and the package holds {', '.join(sorted(held))}",
                source=source,
            )


__all__ = [
    "EXTENSIONS",
    "ClientContribution",
    "Extension",
    "ExtensionFile",
    "ServerContribution",
    "check_applies",
    "resolve_extensions",
]
