"""apigen installed from its wheel, used in folders that are not its checkout.

The wheel is built from this working tree (sdist first, wheel from the sdist)
and installed, without the server extra, into a venv under .cache/install-tests/
(tests/installed.py caches both by a hash of the sources). Every command runs in
an empty temporary folder, so nothing of the checkout is on the path.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import GENERATED, ROOT, upstream_path
from installed import built_dist, clean_env, installed_tool, sdist_names, wheel_names

PACKAGE = "authentication_k8s_io_v1"
TEMPLATES = sorted(
    p.relative_to(ROOT / "templates").as_posix()
    for p in (ROOT / "templates").rglob("*")
    if p.suffix in (".jinja", ".jinja2")
)
EMBEDDED = ["authentication.k8s.io/v1/tokenrequest.openapi.json"]
# The extensions' data files (overlay, .proto, templates, fixed modules) ship beside their code.
EXTENSION_FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "generator" / "extensions").rglob("*")
    if p.is_file() and "__pycache__" not in p.parts
)


@pytest.fixture(scope="module")
def tool() -> Path:
    return installed_tool()


def apigen(
    tool: Path, *args: str | Path, cwd: Path, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(tool / "bin" / "apigen"), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=clean_env(),
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_wheel_and_sdist_carry_the_templates_and_the_embedded_target() -> None:
    wheel, sdist = built_dist()
    assert wheel.name.startswith("kube_apigen-")
    in_wheel = wheel_names(wheel)
    assert {f"generator/_templates/{t}" for t in TEMPLATES} <= in_wheel
    assert {f"generator/_specs/{s}" for s in EMBEDDED} <= in_wheel
    assert {"generator/runtime/_base.py", "generator/runtime/_connection.py"} <= in_wheel
    assert "generator/extensions/tokenrequest/tokenrequest.overlay.yaml" in EXTENSION_FILES
    assert set(EXTENSION_FILES) <= in_wheel
    assert {"generator/__main__.py", "generator/cli.py", "generator/project.py"} <= in_wheel
    in_sdist = sdist_names(sdist)
    assert {f"templates/{t}" for t in TEMPLATES} <= in_sdist
    assert {f"specs/{s}" for s in EMBEDDED} <= in_sdist
    assert "setup.py" in in_sdist


def test_server_dependencies_are_an_extra() -> None:
    wheel, _ = built_dist()
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
    assert "Name: kube-apigen" in text
    requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    for server_only in ("starlette", "uvicorn", "pyjwt"):
        (line,) = [r for r in requires if r.lower().startswith(f"requires-dist: {server_only}")]
        assert 'extra == "server"' in line


def test_installed_apigen_writes_the_committed_package_in_an_empty_folder(
    tool: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / PACKAGE
    result = apigen(tool, "generate", "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert tree(out) == tree(GENERATED / PACKAGE)
    # the package that ran is the installed one, and it runs without the server's deps
    where = subprocess.run(
        [str(tool / "bin" / "python"), "-c", "import generator; print(generator.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        check=True,
    ).stdout
    assert where.startswith(str(tool)), where
    no_server = subprocess.run(
        [str(tool / "bin" / "python"), "-c", "import starlette"],
        capture_output=True,
        env=clean_env(),
        check=False,
    )
    assert no_server.returncode != 0
    module = subprocess.run(
        [str(tool / "bin" / "python"), "-m", "generator", "check", "--out", out],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_env(),
        check=False,
    )
    assert module.returncode == 0, module.stdout + module.stderr


def test_installed_apigen_generates_any_kind_of_any_document(tool: Path, tmp_path: Path) -> None:
    corpus = ROOT / "tests" / "corpus" / "keyword-names.openapi.json"
    out = tmp_path / "widgets"
    options: list[str | Path] = ["--spec", corpus, "--kind", "Widget", "--out", out]
    options += ["--artifacts", "models"]
    result = apigen(tool, "generate", *options, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(tree(out)) == [
        ".apigen-manifest.json",
        "__init__.py",
        "_base.py",
        "_resource.py",
        "_types.py",
        "models.py",
        "py.typed",
        "validators.py",
    ]
    assert "class Widget(KubeModel)" in (out / "models.py").read_text()
    assert apigen(tool, "check", *options, cwd=tmp_path).returncode == 0
    # other options are another package: check tells
    different = apigen(tool, "check", *options[:-1], "models,client", cwd=tmp_path)
    assert different.returncode == 1
    assert "missing: " in different.stdout and "client.py" in different.stdout


def test_an_imported_spec_needs_no_kind(tool: Path, tmp_path: Path) -> None:
    upstream = upstream_path("1.35")
    spec = tmp_path / "tokenreview.openapi.json"
    imported = apigen(tool, "import", upstream, "--kind", "TokenReview", "-o", spec, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "review" / PACKAGE
    result = apigen(tool, "generate", "--spec", spec, "--out", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    models = (out / "models.py").read_text()
    assert "class TokenReview(KubeModel)" in models and "class TokenRequest(" not in models
    assert "overlay sha256" not in models  # TokenRequest's overlay is not applied to it


def test_init_generate_check_in_a_consumer_repository(tool: Path, tmp_path: Path) -> None:
    repo = tmp_path / "consumer"
    repo.mkdir()
    subprocess.run(["git", "init", "--quiet"], cwd=repo, check=True)
    theirs = '[project]\nname = "myapp"\nversion = "1.0"\n\n[tool.ruff]\nline-length = 88\n'
    (repo / "pyproject.toml").write_text(theirs)
    package = "src/myapp/_k8s/" + PACKAGE
    init = apigen(tool, "init", "--package", package, "--spec-dir", "vendor/k8s", cwd=repo)
    assert init.returncode == 0, init.stderr
    written = (repo / "pyproject.toml").read_text()
    assert written.startswith(theirs)  # their content kept, byte for byte
    assert (repo / "vendor/k8s/tokenrequest.openapi.json").is_file()
    assert apigen(tool, "generate", cwd=repo).returncode == 0
    assert tree(repo / package) == tree(GENERATED / PACKAGE)
    assert apigen(tool, "check", cwd=repo / "src").returncode == 0  # from a subfolder too

    models = repo / package / "models.py"
    models.write_text(models.read_text().replace("token: str", "token: int"))
    edited = apigen(tool, "check", cwd=repo)
    assert edited.returncode == 1
    assert "-    token: int" in edited.stdout and "+    token: str" in edited.stdout
    assert "run `apigen generate`" in edited.stdout and "make generate" not in edited.stdout

    again = apigen(tool, "init", "--package", package, cwd=repo)
    assert again.returncode == 2 and "exists already" in again.stderr
    assert (repo / "pyproject.toml").read_text() == written


@pytest.mark.parametrize(
    "args",
    [
        ("generate", "--spec", "missing.json", "--kind", "X", "--out", "x/y"),
        ("generate", "--artifacts", "models,docs", "--out", "x/y"),
        ("generate", "--kind", "TokenReview"),
        ("check", "--target", "nothing"),
    ],
    ids=["missing-spec", "unknown-artifact", "kind-without-out", "no-such-target"],
)
def test_installed_apigen_fails_in_one_line(tool: Path, tmp_path: Path, args: tuple[str]) -> None:
    result = apigen(tool, *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("apigen: error: ")
    assert "Traceback" not in result.stderr
