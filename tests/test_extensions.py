"""The extension mechanism: a registry discovered from generator/extensions/, turned on by a
target, and nothing of an extension in a package that does not turn it on."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT

from generator.config import load_targets, resolve_target
from generator.errors import ApigenError
from generator.extensions import EXTENSIONS, resolve_extensions
from generator.render import pipeline


def test_the_registry_is_discovered_from_the_folders() -> None:
    folders = {
        p.name
        for p in (ROOT / "generator" / "extensions").iterdir()
        if (p / "__init__.py").is_file()
    }
    assert set(EXTENSIONS) == folders >= {"tokenrequest"}
    tokenrequest = EXTENSIONS["tokenrequest"]
    assert tokenrequest.kinds == ("TokenRequest",)
    for path in (tokenrequest.overlay_path, tokenrequest.proto_path):
        assert path is not None and path.is_file()
    for file in tokenrequest.files:
        assert (tokenrequest.folder / file.source).is_file(), file


def test_the_default_target_turns_tokenrequest_on() -> None:
    assert resolve_target(None, ROOT).extensions == ("tokenrequest",)


def test_an_unknown_extension_is_a_one_line_error() -> None:
    with pytest.raises(ApigenError) as raised:
        resolve_extensions(["tokenrequest", "nope"], source="target t")
    assert str(raised.value) == "target t: unknown extension 'nope'; known: tokenrequest"


def test_an_unknown_extension_in_pyproject_fails_generate(tmp_path: Path) -> None:
    spec = ROOT / "specs" / "authentication.k8s.io" / "v1" / "tokenrequest.openapi.json"
    (tmp_path / "pyproject.toml").write_text(
        "[tool.apigen.targets.t]\n"
        f'spec = "{spec}"\nkind = "TokenRequest"\npackage = "out/pkg"\nextensions = ["nope"]\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "apigen: error: target t: unknown extension 'nope'; known: tokenrequest"
    ]
    assert not (tmp_path / "out").exists()


def test_extensions_must_be_a_list(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.apigen.targets.t]\nspec = "s.json"\nkind = "K"\npackage = "p"\n'
        'extensions = "tokenrequest"\n'
    )
    with pytest.raises(ApigenError, match="extensions must be a list of names"):
        load_targets(tmp_path)


def test_an_extension_for_another_kind_is_refused() -> None:
    target = replace(resolve_target(None, ROOT), kinds=("TokenReview",))
    with pytest.raises(ApigenError, match="extension 'tokenrequest' is for TokenRequest"):
        pipeline.build_api(target)
