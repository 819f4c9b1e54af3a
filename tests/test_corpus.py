"""Hostile specs (tests/corpus/): the generated code is still valid, safe Python that imports.

Each spec's descriptions try to close docstrings, smuggle escapes or Jinja, or
its names are keywords, non-identifiers, colliding or path-like. The package
must import without running any of it, and keep the JSON names as aliases.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import Target
from generator.render.output import write_package
from generator.render.pipeline import build_api, generate
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"


def generate_widget(name: str, tmp_path: Path, group: str = "example.com") -> Path:
    target = Target(
        name=name,
        spec=CORPUS / f"{name}.openapi.json",
        kinds=("Widget",),
        group_version=f"{group}/v1",
        package_dir=tmp_path / "widget_v1",
    )
    write_package(generate(target), target.package_dir)
    return target.package_dir


def import_all_in_subprocess(package_dir: Path) -> dict[str, list[str]]:
    """Import every generated module in a fresh interpreter; return Widget's field names and aliases."""
    modules = sorted(
        p.stem for p in package_dir.glob("*.py") if p.stem not in ("__init__", "__main__")
    )
    script = f"""
import importlib, json, sys
sys.path.insert(0, {str(package_dir.parent)!r})
for name in {modules!r}:
    importlib.import_module("widget_v1." + name)
from widget_v1.models import Widget
print(json.dumps({{n: [f.serialization_alias or f.alias or n, ""] for n, f in Widget.model_fields.items()}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr  # exit 3 would mean spec text ran
    return dict(json.loads(result.stdout))


def aliases(name: str, tmp_path: Path) -> dict[str, str]:
    package = generate_widget(name, tmp_path)
    return {python: alias for python, (alias, _) in import_all_in_subprocess(package).items()}


def docstrings(name: str, tmp_path: Path) -> str:
    package = generate_widget(name, tmp_path)
    import_all_in_subprocess(package)
    return (package / "models.py").read_text()


def test_triple_quotes_in_descriptions_stay_text(tmp_path: Path) -> None:
    models = docstrings("docstring-quotes", tmp_path)
    assert '__import__("os")._exit(3)' in models  # present, as text inside a docstring


def test_backslashes_in_descriptions_stay_text(tmp_path: Path) -> None:
    package = generate_widget("docstring-backslashes", tmp_path)
    import_all_in_subprocess(package)
    sys.path.insert(0, str(tmp_path))
    try:
        models = importlib.import_module("widget_v1.models")
        assert models.Widget.__doc__.rstrip().endswith("\\")
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith("widget_v1")]:
            del sys.modules[module]


def test_carriage_returns_cannot_end_a_line_early(tmp_path: Path) -> None:
    models = docstrings("docstring-carriage-return", tmp_path)
    assert "\r" not in models and "\x00" not in models and "\u2028" not in models


def test_jinja_syntax_in_descriptions_is_not_rendered(tmp_path: Path) -> None:
    models = docstrings("jinja-syntax", tmp_path)
    assert "{{ 7*7 }}" in models and "49" not in models


def test_keywords_become_attributes_with_aliases(tmp_path: Path) -> None:
    assert aliases("keyword-names", tmp_path) == {
        "from_": "from", "class_": "class", "import_": "import", "match": "match", "self_": "self",
    }  # fmt: skip


def test_non_identifiers_become_attributes_with_aliases(tmp_path: Path) -> None:
    assert aliases("non-identifier-names", tmp_path) == {
        "x_y": "x-y", "field_1st": "1st", "a_b": "a.b", "ünïcode": "ünïcode", "with_space": "with space",
    }  # fmt: skip


def test_names_colliding_after_snake_casing_stay_apart(tmp_path: Path) -> None:
    assert aliases("snake-collision", tmp_path) == {
        "foo_bar": "FooBar",
        "foo_bar_2": "fooBar",
        "foo_bar_3": "foo_bar",
    }


def test_path_like_names_never_become_paths(tmp_path: Path) -> None:
    assert aliases("path-traversal", tmp_path) == {"evil": "../evil", "spec": "spec"}
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if "__pycache__" not in p.parts}
    assert all(".." not in p.parts and "etc" not in p.parts for p in written)


@pytest.mark.parametrize(
    "name", sorted(p.name.split(".")[0] for p in CORPUS.glob("*.openapi.json"))
)
def test_ir_and_models_agree_on_every_name(name: str) -> None:
    target = Target(name=name, spec=CORPUS / f"{name}.openapi.json", kinds=("Widget",),
                    group_version=None, package_dir=Path("/nonexistent/widget_v1"))  # fmt: skip
    widget = build_api(target).model("Widget")
    spec = json.loads((CORPUS / f"{name}.openapi.json").read_text())
    assert [f.json_name for f in widget.fields] == list(
        spec["components"]["schemas"]["Widget"]["properties"]
    )


def test_names_printed_into_module_docstrings_cannot_close_them(tmp_path: Path) -> None:
    """The kind's group and the title reach module docstrings and comments of every artifact."""
    package = generate_widget("names-in-docstrings", tmp_path, group='ex"""ample\\')
    import_all_in_subprocess(package)
    assert 'ex\\"\\"\\"ample' in (package / "models.py").read_text()
