"""apigen's own Jinja templates, shipped compiled to Python source.

Compiling the built-in templates (Jinja's lexer, parser and code generator, all in
pure Python) costs about 0.1 s of every cold run's CPU. So the repository keeps what
Jinja compiles them to, one Python module per template in `compiled_templates/`,
written by `python -m generator.render.precompiled` (the tests fail while one is
stale). Python's own bytecode cache makes loading one a file read.

A compiled module is used only when it provably belongs to the template it stands
for: its first line names the template, the SHA-256 of its source, the Jinja version
and the environment's options it was compiled under, and all four must match the
template being loaded. Otherwise the template is compiled from its source as before,
so a stale or foreign module can cost time but never change the output. A target's
own templates are never looked up here.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.machinery
import re
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2

FOLDER = Path(__file__).resolve().parent / "compiled_templates"
PACKAGE = "generator.render.compiled_templates"
MARK = "# apigen compiled template:"


def options(environment: jinja2.Environment) -> str:
    """What, besides the source and Jinja's version, decides the compiled code."""
    return (
        f"trim_blocks={environment.trim_blocks} lstrip_blocks={environment.lstrip_blocks}"
        f" keep_trailing_newline={environment.keep_trailing_newline}"
        f" autoescape={environment.autoescape!r} optimized={environment.optimized}"
        f" newline={environment.newline_sequence!r} extensions={sorted(environment.extensions)}"
    )


def stamp(key: str, source: str, environment: jinja2.Environment) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return f"{MARK} {key} sha256={digest} jinja2={jinja2.__version__} {options(environment)}\n"


def module_path(key: str) -> Path:
    """`validators/validators.py.jinja` -> compiled_templates/validators__validators_py_jinja.py"""
    return FOLDER / (re.sub(r"[^A-Za-z0-9]", "_", key.replace("/", "__")) + ".py")


def compiled_code(key: str, source: str, environment: jinja2.Environment) -> CodeType | None:
    """The code of `key`'s compiled module if it was compiled from exactly this source
    under these options, else None."""
    path = module_path(key)
    try:
        with path.open(encoding="utf-8") as file:
            first = file.readline()
    except OSError:
        return None
    if first != stamp(key, source, environment):
        return None
    name = f"{PACKAGE}.{path.stem}"
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    return loader.get_code(name)  # through __pycache__, as any module


class BuiltinLoader(jinja2.FileSystemLoader):
    """A folder of apigen's own templates: each is loaded from its compiled module when
    that module is current, else compiled from source. `prefix` is what the names of
    this folder's templates are keyed under (the extensions' are `extensions/...`)."""

    def __init__(self, folder: Path, prefix: str = "") -> None:
        super().__init__(str(folder))
        self.prefix = prefix

    def load(
        self,
        environment: jinja2.Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        source, filename, uptodate = self.get_source(environment, name)
        code = compiled_code(self.prefix + name, source, environment)
        if code is None:
            code = environment.compile(source, name, filename)
        template = environment.template_class.from_code(
            environment, code, globals if globals is not None else {}, uptodate
        )
        template.filename = filename  # the template's own file, in errors and tracebacks
        return template


def sources(folder: Path, prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """(key, name, source) of every `.jinja` template under `folder` (datamodel-code-generator's
    `.jinja2` templates under models/ are its own, compiled by its own environment)."""
    for path in sorted(folder.rglob("*.jinja")):
        name = path.relative_to(folder).as_posix()
        yield prefix + name, name, path.read_text(encoding="utf-8")


def expected(environment: jinja2.Environment) -> dict[Path, str]:
    """Every compiled module's path and text, for the built-in templates."""
    from generator.extensions import EXTENSION_TEMPLATE_PREFIX
    from generator.extensions import ROOT as EXTENSIONS_ROOT
    from generator.resources import templates_folder

    folders = [(templates_folder(), ""), (EXTENSIONS_ROOT, EXTENSION_TEMPLATE_PREFIX + "/")]
    texts: dict[Path, str] = {}
    for folder, prefix in folders:
        for key, name, source in sources(folder, prefix):
            python = environment.compile(source, name, None, raw=True)
            texts[module_path(key)] = stamp(key, source, environment) + python + "\n"
    return texts


def stale(environment: jinja2.Environment) -> tuple[dict[Path, str], list[Path]]:
    """The modules to write (missing or different) and the ones to remove."""
    wanted = expected(environment)
    write = {
        path: text
        for path, text in wanted.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    }
    remove = [p for p in sorted(FOLDER.glob("*.py")) if p not in wanted and p.name != "__init__.py"]
    return write, remove


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator.render.precompiled",
        description="Compile apigen's built-in Jinja templates to Python modules.",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a module is stale")
    args = parser.parse_args(argv)
    from generator.render.templates import environment

    write, remove = stale(environment(None))
    if args.check:
        for path in [*write, *remove]:
            print(f"stale: {path.relative_to(FOLDER.parent)}", file=sys.stderr)
        if write or remove:
            print("run: python -m generator.render.precompiled", file=sys.stderr)
        return 1 if write or remove else 0
    for path, text in write.items():
        path.write_text(text, encoding="utf-8")
    for path in remove:
        path.unlink()
    print(f"{len(write)} written, {len(remove)} removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
