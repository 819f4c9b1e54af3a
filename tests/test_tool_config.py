"""Targets from the command line and from pyproject.toml, artifact choice, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, run_apigen

from generator.config import (
    ARTIFACT_GROUPS,
    artifact_groups,
    configured_or_embedded,
    embedded_default_target,
    load_targets,
)
from generator.errors import ApigenError
from generator.render import templates


def test_the_repositorys_default_target_is_the_embedded_one() -> None:
    targets, default = load_targets(ROOT)
    ours, embedded = targets[default], embedded_default_target()
    assert ours.extensions == embedded.extensions == ("tokenrequest",)
    assert ours.artifacts == ARTIFACT_GROUPS
    assert ours.spec.read_bytes() == embedded.spec.read_bytes()
    assert ours.overlay is None and embedded.overlay is None  # the extension brings them
    assert ours.proto is None and embedded.proto is None
    assert (ours.kinds, ours.group_version) == (embedded.kinds, embedded.group_version)


def test_no_configuration_means_the_embedded_target(tmp_path: Path) -> None:
    assert configured_or_embedded(None, tmp_path).name == "embedded"
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert configured_or_embedded(None, tmp_path).name == "embedded"
    with pytest.raises(ApigenError, match=r"no \[tool.apigen.targets\] section"):
        configured_or_embedded("other", tmp_path)


def test_targets_read_extensions_and_artifacts(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.apigen.targets.t]\n"
        'spec = "s.json"\nkinds = ["A"]\npackage = "p"\n'
        'extensions = ["x"]\nartifacts = ["client"]\n'
    )
    targets, default = load_targets(tmp_path)
    assert targets[default].extensions == ("x",)
    assert targets[default].artifacts == ("models", "validators", "client")


def test_artifacts_bring_what_they_import() -> None:
    assert artifact_groups(["models"], "x") == ("models", "validators")
    assert artifact_groups(["server", "client"], "x") == ARTIFACT_GROUPS
    with pytest.raises(ApigenError, match="unknown artifacts 'docs'"):
        artifact_groups(["docs"], "x")


def test_a_missing_template_is_an_apigen_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templates, "templates_folder", lambda: tmp_path)
    templates.environment.cache_clear()
    try:
        with pytest.raises(ApigenError, match="template not found") as caught:
            templates.render_template("package/__init__.py.jinja", {})
        assert "\n" not in str(caught.value)
    finally:
        templates.environment.cache_clear()


def test_a_broken_user_template_is_one_line_and_exit_2(tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "package"
    mine.mkdir(parents=True)
    (mine / "__init__.py.jinja").write_text("{% if %}\n")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.apigen.targets.t]\n"
        f'spec = "{ROOT / "specs/authentication.k8s.io/v1/tokenrequest.openapi.json"}"\n'
        'kind = "TokenRequest"\npackage = "out/pkg"\ntemplates = "mine"\n'
    )
    result = run_apigen("generate", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "template syntax error" in result.stderr
    assert not (tmp_path / "out").exists()


def test_generate_never_replaces_a_folder_it_did_not_write(tmp_path: Path) -> None:
    theirs = tmp_path / "authentication_k8s_io_v1"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    result = run_apigen("generate", "--out", theirs, cwd=tmp_path)
    assert result.returncode == 2 and "did not write" in result.stderr
    assert (theirs / "notes.txt").read_text() == "mine"
