"""Stage 5, render: Jinja2 templates fed plain data from the IR.

The built-in templates come with the package (`generator.resources`); a target
may name a folder of its own whose files override the built-in ones one by one. Undefined
variables are errors (StrictUndefined). Spec text reaches templates only
through the filters below, which make it safe (see `generator.render.text`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from generator.errors import ApigenError
from generator.extensions import EXTENSION_TEMPLATE_PREFIX
from generator.extensions import ROOT as EXTENSIONS_ROOT
from generator.render.layout import call, frozenset_constant, py_tuple, strings
from generator.render.precompiled import BuiltinLoader
from generator.render.text import comment, docstring_body, py_literal, py_string, wrap
from generator.resources import runtime_folder, templates_folder


@lru_cache(maxsize=8)
def environment(user_templates: Path | None = None) -> jinja2.Environment:
    # A target's own templates first; apigen's own come precompiled (generator.render.precompiled).
    loaders: list[jinja2.BaseLoader] = (
        [jinja2.FileSystemLoader(str(user_templates))] if user_templates else []
    )
    loaders.append(BuiltinLoader(templates_folder()))
    # An extension's templates are `extensions/<folder>/<file>` (Extension.template_name).
    prefix = EXTENSION_TEMPLATE_PREFIX
    loaders.append(
        jinja2.PrefixLoader({prefix: BuiltinLoader(EXTENSIONS_ROOT, prefix=prefix + "/")})
    )
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["docstring"] = docstring_body
    env.filters["pystr"] = py_string
    env.filters["comment"] = comment
    env.filters["wrap"] = wrap
    env.filters["pyliteral"] = py_literal
    # Black's layout of the statements whose length the spec decides (black-stable templates).
    env.globals["call"] = call
    env.globals["frozenset_constant"] = frozenset_constant
    env.globals["strings"] = strings
    env.filters["py_tuple"] = py_tuple
    env.filters["rstrip"] = str.rstrip  # a macro's output without its final newline
    return env


def render_template(name: str, context: dict[str, Any], user_templates: Path | None = None) -> str:
    """One template rendered; a missing or broken template is an ApigenError naming it."""
    try:
        template = environment(user_templates).get_template(name)
    except jinja2.TemplateNotFound:
        raise ApigenError(
            "template not found", source=template_source(name, user_templates)
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or template_source(name, user_templates)
        raise ApigenError(
            f"template syntax error: {exc.message}", source=f"{where}:{exc.lineno}"
        ) from None
    try:
        return template.render(**context)
    except jinja2.TemplateError as exc:
        raise ApigenError(f"template failed: {exc}", source=template.filename or name) from None


def template_source(name: str, user_templates: Path | None) -> str:
    """Where a template is looked for, for an error message."""
    places = [str(user_templates / name)] if user_templates else []
    return " or ".join([*places, str(templates_folder() / name)])


@lru_cache(maxsize=64)
def runtime_source(module: str) -> str:
    """The text of a fixed runtime module (generator/runtime/MODULE)."""
    path = runtime_folder() / module
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ApigenError(f"cannot read runtime module: {exc.strerror}", source=str(path)) from None


@lru_cache(maxsize=64)
def extension_source(folder: Path, name: str) -> str:
    """The text of a fixed module of an extension's folder."""
    path = folder / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ApigenError(
            f"cannot read extension module: {exc.strerror}", source=str(path)
        ) from None
