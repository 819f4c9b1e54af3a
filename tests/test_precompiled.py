"""apigen's built-in templates ship compiled (generator/render/precompiled.py): the committed
modules are current, they are what a run uses, and a module that does not match its
template, or a target's own template of the same name, is never served from them."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from generator.extensions import ROOT as EXTENSIONS_ROOT
from generator.render import precompiled
from generator.render.templates import environment, render_template
from generator.resources import templates_folder


def test_the_committed_modules_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    status = precompiled.main(["--check"])
    assert status == 0, capsys.readouterr().err


def test_every_builtin_template_is_loaded_from_its_module() -> None:
    env = environment(None)
    folders = [(templates_folder(), ""), (EXTENSIONS_ROOT, "extensions/")]
    keys = []
    for folder, prefix in folders:
        for key, _name, source in precompiled.sources(folder, prefix):
            assert precompiled.compiled_code(key, source, env) is not None, key
            keys.append(key)
    assert "validators/validators.py.jinja" in keys
    assert "extensions/tokenrequest/cli.py.jinja" in keys


def test_a_changed_template_is_compiled_from_its_source(tmp_path: Path) -> None:
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "__init__.py.jinja").write_text("changed {{ 1 + 1 }}\n")
    env = jinja2.Environment(loader=precompiled.BuiltinLoader(tmp_path), keep_trailing_newline=True)
    source = (tmp_path / "package" / "__init__.py.jinja").read_text()
    assert precompiled.compiled_code("package/__init__.py.jinja", source, env) is None
    template = env.get_template("package/__init__.py.jinja")
    assert template.render() == "changed 2\n"
    assert template.filename == str(tmp_path / "package" / "__init__.py.jinja")


def test_other_options_do_not_use_the_modules() -> None:
    """A module compiled under other lexer options (here trim_blocks off) is not used."""
    path = templates_folder() / "package" / "__init__.py.jinja"
    other = jinja2.Environment(trim_blocks=False)
    assert precompiled.compiled_code("package/__init__.py.jinja", path.read_text(), other) is None


def test_a_targets_own_template_comes_first(tmp_path: Path) -> None:
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "__init__.py.jinja").write_text("mine\n")
    assert render_template("package/__init__.py.jinja", {}, tmp_path) == "mine\n"
