"""Stage 5, render: Jinja2 templates fed plain data from the IR.

Templates live in `templates/` beside this package; a target may name a folder
of its own whose files override the built-in ones one by one. Undefined
variables are errors (StrictUndefined). Spec text reaches templates only
through the filters below, which make it safe (see `generator.render.text`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from generator.extensions import EXTENSION_TEMPLATE_PREFIX
from generator.extensions import ROOT as EXTENSIONS_ROOT
from generator.render.text import comment, docstring_body, py_string, wrap

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=8)
def environment(user_templates: Path | None = None) -> jinja2.Environment:
    folders = [str(user_templates)] if user_templates else []
    folders.append(str(BUILTIN_TEMPLATES))
    # An extension's templates are `extensions/<folder>/<file>` (Extension.template_name).
    extensions = jinja2.PrefixLoader(
        {EXTENSION_TEMPLATE_PREFIX: jinja2.FileSystemLoader(str(EXTENSIONS_ROOT))}
    )
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(folders), extensions]),
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
    return env


def render_template(name: str, context: dict[str, Any], user_templates: Path | None = None) -> str:
    return environment(user_templates).get_template(name).render(**context)


RUNTIME = Path(__file__).resolve().parents[1] / "runtime"


@lru_cache(maxsize=64)
def runtime_source(module: str) -> str:
    """The text of a fixed runtime module (generator/runtime/MODULE)."""
    return (RUNTIME / module).read_text(encoding="utf-8")


@lru_cache(maxsize=64)
def extension_source(folder: Path, name: str) -> str:
    """The text of a fixed module of an extension's folder."""
    return (folder / name).read_text(encoding="utf-8")
