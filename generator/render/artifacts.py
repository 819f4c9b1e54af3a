"""What a generated package holds: one entry per output file.

Each artifact turns the IR into the text of one file, nearly always by one
Jinja template fed plain data. Adding an artifact means adding an entry here
and its template; the pipeline does the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal

from generator.extensions import Extension
from generator.ir.model import Api
from generator.render.contexts.client import client_context
from generator.render.contexts.server import (
    ProtoContext,
    ServerContext,
    has_store,
    proto_context,
    server_context,
)
from generator.render.contexts.validators import ValidatorsContext, validators_context
from generator.render.header import python_header
from generator.render.templates import extension_source, render_template, runtime_source
from generator.render.tools.dcg import base_imports
from generator.render.tools.dcg import start_models as start_models_source
from generator.render.tools.early import EarlyWorker
from generator.render.tools.models_print import print_blocks

ContextFn = Callable[[Api], dict[str, Any]]


@dataclass(frozen=True)
class RenderInput:
    api: Api
    user_templates: Path | None = None
    extensions: tuple[Extension, ...] = ()  # what the target turned on (generator.extensions)
    # A process that has imported datamodel-code-generator for the models (tools/early.py).
    models_worker: EarlyWorker | None = None


ArtifactGroup = Literal["package", "models", "validators", "client", "server"]


@dataclass(frozen=True)
class Artifact:
    path: str  # relative to the package folder
    group: ArtifactGroup  # what a target's `artifacts` chooses; "package" files always come
    produce: Callable[[RenderInput], str]
    python: bool = True  # formatted with black
    fix_imports: bool = False  # import block put in order by ruff first
    when: Callable[[RenderInput], bool] | None = None  # None: always; else only if it says so
    # Its built-in template prints black's output (generator.render.tools.format): black
    # runs only over what `unvouched` finds a reason in, unless a user template replaces it.
    black_stable: bool = False
    # Started before the other artifacts render, finished after: its text from the callable.
    start: Callable[[RenderInput], Callable[[], str]] | None = None
    # Its text cut into top-level blocks, each marked when it is black's output already
    # (tools/models_print.py): black runs over the others only.
    blocks: Callable[[str], list[tuple[str, bool]]] | None = None


def user_overrides(given: RenderInput) -> bool:
    """The target's own templates replace some of apigen's (beyond models/, which
    datamodel-code-generator renders and black always formats)."""
    folder = given.user_templates
    if folder is None or not folder.is_dir():
        return False
    return any(
        path.is_file() and path.relative_to(folder).parts[0] != "models"
        for path in folder.rglob("*")
    )


def no_context(api: Api) -> dict[str, Any]:
    return {}


def from_template(template: str, context: ContextFn = no_context) -> Callable[[RenderInput], str]:
    """An artifact rendered by one template, given `api`, `header` and `context(api)`."""

    def produce(given: RenderInput) -> str:
        values = {"api": given.api, "header": python_header(given.api), **context(given.api)}
        return render_template(template, values, given.user_templates)

    return produce


def from_typed_template(
    template: str, context: Callable[[RenderInput], object]
) -> Callable[[RenderInput], str]:
    """An artifact rendered by one template, given `api`, `header` and the fields of a typed
    context (a frozen dataclass) built from the whole render input (extensions included)."""

    def produce(given: RenderInput) -> str:
        built = context(given)
        assert is_dataclass(built)
        values = {"api": given.api, "header": python_header(given.api)}
        values.update({f.name: getattr(built, f.name) for f in fields(built)})
        return render_template(template, values, given.user_templates)

    return produce


def _server(given: RenderInput) -> ServerContext:
    return server_context(given.api, given.extensions)


def _validators(given: RenderInput) -> ValidatorsContext:
    return validators_context(given.api)


def _proto(given: RenderInput) -> ProtoContext:
    return proto_context(given.api)


def _has_store(given: RenderInput) -> bool:
    """The store's modules come only with a package that stores objects; the others
    (`_patch`, `_apierrors`, `_table`, ...) serve any backend a user passes."""
    return has_store(given.api)


def _has_protobuf(given: RenderInput) -> bool:
    return bool(given.api.proto_descriptor_set)


def runtime(module: str) -> Callable[[RenderInput], str]:
    """A fixed runtime module (generator/runtime/), copied as it is under the header.

    It is real, black-formatted source in this repository, so it is not
    formatted again here (see tests/test_runtime.py)."""

    def produce(given: RenderInput) -> str:
        return python_header(given.api) + "\n" + runtime_source(module)

    return produce


def client_template(template: str) -> Callable[[RenderInput], str]:
    """A client artifact: its context (`ctx`) knows the target's extensions."""

    def produce(given: RenderInput) -> str:
        values = {
            "api": given.api,
            "header": python_header(given.api),
            "ctx": client_context(given.api, given.extensions),
        }
        return render_template(template, values, given.user_templates)

    return produce


def extension_file(extension: Extension, source: str) -> Callable[[RenderInput], str]:
    """A file of an extension's folder: a `.py` copied under the header, a `.jinja` rendered."""

    def produce(given: RenderInput) -> str:
        if source.endswith(".jinja"):
            values = {"api": given.api, "header": python_header(given.api), "extension": extension}
            return render_template(extension.template_name(source), values, given.user_templates)
        return python_header(given.api) + "\n" + extension_source(extension.folder, source)

    return produce


def extension_artifacts(extensions: tuple[Extension, ...]) -> tuple[Artifact, ...]:
    """The files the target's extensions add, in their order."""
    return tuple(
        Artifact(
            file.path,
            file.group,
            extension_file(extension, file.source),
            python=file.is_template and file.path.endswith(".py"),
        )
        for extension in extensions
        for file in extension.files
    )


def start_models(given: RenderInput) -> Callable[[], str]:
    header = render_template(
        "models/header.py.jinja",
        {
            "api": given.api,
            "header": python_header(given.api),
            "base_imports": base_imports(given.api),
        },
        given.user_templates,
    )
    return start_models_source(given.api, header, given.user_templates, given.models_worker)


def models(given: RenderInput) -> str:
    return start_models(given)()


ARTIFACTS: tuple[Artifact, ...] = (
    Artifact(
        "__init__.py",
        "package",
        from_template("package/__init__.py.jinja"),
        fix_imports=True,
        black_stable=True,
    ),
    Artifact("_base.py", "package", runtime("_base.py"), python=False),
    # Its imports are put in order where it renders (tools/dcg.py), maybe in the early process.
    Artifact("models.py", "models", models, start=start_models, blocks=print_blocks),
    Artifact("_types.py", "models", runtime("_types.py"), python=False),
    Artifact(
        "validators.py",
        "validators",
        from_typed_template("validators/validators.py.jinja", _validators),
        black_stable=True,
    ),
    Artifact("_resource.py", "package", runtime("_resource.py"), python=False),
    Artifact(
        "_api.py",
        "server",
        from_typed_template("server/_api.py.jinja", _server),
        black_stable=True,
    ),
    Artifact("_auth.py", "server", runtime("_auth.py"), python=False),
    Artifact("_apierrors.py", "server", runtime("_apierrors.py"), python=False),
    Artifact("_apply.py", "server", runtime("_apply.py"), python=False, when=_has_store),
    Artifact("_backend.py", "server", runtime("_backend.py"), python=False),
    Artifact("_http.py", "server", runtime("_http.py"), python=False),
    Artifact("_discovery.py", "server", runtime("_discovery.py"), python=False),
    Artifact("_kubectl.py", "server", runtime("_kubectl.py"), python=False),
    Artifact("_openapi.py", "server", runtime("_openapi.py"), python=False),
    Artifact("_patch.py", "server", runtime("_patch.py"), python=False),
    Artifact("_persist.py", "server", runtime("_persist.py"), python=False, when=_has_store),
    Artifact(
        "_proto.py",
        "server",
        from_typed_template("server/_proto.py.jinja", _proto),
        black_stable=True,
    ),
    Artifact("_protobuf.py", "server", runtime("_protobuf.py"), python=False, when=_has_protobuf),
    Artifact("_rbac.py", "server", runtime("_rbac.py"), python=False),
    Artifact("_selectors.py", "server", runtime("_selectors.py"), python=False, when=_has_store),
    Artifact("_server.py", "server", runtime("_server.py"), python=False),
    Artifact("_status.py", "server", runtime("_status.py"), python=False),
    Artifact("_store.py", "server", runtime("_store.py"), python=False, when=_has_store),
    Artifact("_table.py", "server", runtime("_table.py"), python=False),
    Artifact("_verbs.py", "server", runtime("_verbs.py"), python=False),
    Artifact("_watch.py", "server", runtime("_watch.py"), python=False, when=_has_store),
    Artifact("_wire.py", "server", runtime("_wire.py"), python=False),
    Artifact(
        "server.py",
        "server",
        from_typed_template("server/server.py.jinja", _server),
        black_stable=True,
    ),
    Artifact(
        "client.py",
        "client",
        client_template("client/client.py.jinja"),
        fix_imports=True,
        black_stable=True,
    ),
    Artifact("_connection.py", "client", runtime("_connection.py"), python=False),
    Artifact("_errors.py", "client", runtime("_errors.py"), python=False),
    Artifact("_rest.py", "client", runtime("_rest.py"), python=False),
    Artifact("_transport.py", "client", runtime("_transport.py"), python=False),
    Artifact("_watch_client.py", "client", runtime("_watch_client.py"), python=False),
    Artifact(
        "__main__.py",
        "client",
        client_template("client/__main__.py.jinja"),
        fix_imports=True,
        black_stable=True,
    ),
    Artifact("py.typed", "package", lambda given: "", python=False),
)
