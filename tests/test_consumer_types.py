"""A consumer project that vendors models + validators + client type-checks and runs
with only pydantic, httpx and mypy installed (no PyYAML, no server dependencies).

The consumer module is the README's examples (models, validators, client),
imported from where `apigen generate --artifacts models,validators,client`
wrote the package. mypy --strict runs without and with the pydantic plugin.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from installed import clean_env, fresh_venv

PACKAGE = "authentication_k8s_io_v1"

CONSUMER = '''\
"""The README's examples, in a consumer's project."""

from __future__ import annotations

import json
from datetime import timedelta

from myapp._k8s.authentication_k8s_io_v1 import TokenRequest, TokenRequestSpec
from myapp._k8s.authentication_k8s_io_v1.client import Client, Invalid
from myapp._k8s.authentication_k8s_io_v1.validators import (
    FieldError,
    decode,
    to_status,
    unknown_fields,
    validate_token_request,
)


def build() -> TokenRequest:
    spec = TokenRequestSpec(audiences=["https://example.com"], expiration_seconds=3600)
    return TokenRequest(spec=spec)


def parse(response_json: dict[str, object]) -> TokenRequest:
    return TokenRequest.model_validate(response_json)


def parse_text(body: str) -> int | None:
    return TokenRequest.model_validate_json(body).spec.expiration_seconds


def check(body: bytes) -> list[FieldError]:
    data, duplicates = decode(body)
    errors = duplicates + validate_token_request(data)
    if errors:
        status = to_status(errors, name="build-bot")
        print(json.dumps(status))
    print(unknown_fields(data))
    short = TokenRequest(spec=TokenRequestSpec(audiences=[], expiration_seconds=60))
    return errors + short.validate_k8s()


def token(base_url: str) -> str:
    try:
        with Client(base_url, token="t") as client:
            tr = client.create_token("builder", "ci", audiences=["vault"], duration=timedelta(hours=1))
    except Invalid as error:
        return str(error)
    assert tr.status is not None
    return tr.status.token


if __name__ == "__main__":
    request = build()
    assert request.to_dict() == {"spec": {"audiences": ["https://example.com"], "expirationSeconds": 3600}}
    assert parse({"spec": {"audiences": ["a"], "expirationSeconds": 600}}).spec.expiration_seconds == 600
    assert parse_text('{"spec": {"audiences": [], "expirationSeconds": 7}}') == 7
    assert [str(e) for e in check(b'{"spec": {"audiences": ["a"], "expirationSeconds": 60}}')]
    print("ran")
'''


@pytest.fixture(scope="module")
def typing_venv() -> Path:
    return fresh_venv("consumer-venv", ["pydantic", "httpx", "mypy"], "consumer")


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("consumer")
    package = project / "src" / "myapp" / "_k8s" / PACKAGE
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--out", str(package)]
        + ["--artifacts", "models,validators,client"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for folder in (project / "src" / "myapp", project / "src" / "myapp" / "_k8s"):
        (folder / "__init__.py").write_text("")
    (project / "src" / "myapp" / "use.py").write_text(CONSUMER)
    return project


def run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "python"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=clean_env(MYPYPATH="src", PYTHONPATH="src"),
    )


def test_the_venv_has_neither_yaml_nor_the_server_dependencies(typing_venv: Path) -> None:
    for module in ("yaml", "starlette", "jwt", "google.protobuf"):
        found = run(typing_venv, "-c", f"import {module}", cwd=typing_venv)
        assert found.returncode != 0, module


def test_the_vendored_client_package_imports_and_runs_with_pydantic_and_httpx(
    typing_venv: Path, consumer: Path
) -> None:
    result = run(typing_venv, "-m", "myapp.use", cwd=consumer)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("ran\n")
    assert not (consumer / "src/myapp/_k8s" / PACKAGE / "server.py").exists()


@pytest.mark.parametrize("plugin", [False, True], ids=["plain", "pydantic-plugin"])
def test_the_readme_examples_pass_mypy_strict_in_the_consumer(
    typing_venv: Path, consumer: Path, plugin: bool
) -> None:
    config = consumer / f"mypy-{plugin}.ini"
    config.write_text("[mypy]\n" + ("plugins = pydantic.mypy\n" if plugin else ""))
    result = run(
        typing_venv,
        "-m",
        "mypy",
        "--strict",
        "--config-file",
        str(config),
        "--cache-dir",
        str(consumer / f".mypy-{plugin}"),
        "-p",
        "myapp",
        cwd=consumer,
    )
    assert result.returncode == 0, result.stdout + result.stderr
