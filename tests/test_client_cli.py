"""`python -m authentication_k8s_io_v1 create-token ...`, run as a user runs it, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import GENERATED
from fake_apiserver import FAKE_TOKEN, FakeApiServer, serve_fake, unauthorized

PACKAGE = "authentication_k8s_io_v1"


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[FakeApiServer, str]]:
    with serve_fake() as fake_and_url:
        yield fake_and_url


@pytest.fixture
def config(fake: tuple[FakeApiServer, str], tmp_path: Path) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(
        yaml.safe_dump(
            {
                "clusters": [{"name": "local", "cluster": {"server": fake[1]}}],
                "users": [{"name": "me", "user": {"token": "cli-token"}}],
                "contexts": [
                    {
                        "name": "local",
                        "context": {"cluster": "local", "user": "me", "namespace": "ops"},
                    }
                ],
                "current-context": "local",
            }
        )
    )
    return path


def create_token(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(GENERATED), "KUBECONFIG": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-m", PACKAGE, "create-token", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_prints_the_token_like_kubectl(config, fake):
    result = create_token("builder", "--kubeconfig", config)
    # KUBERNETES.md: a trailing newline only when stdout is a terminal (here it is a pipe).
    assert (result.returncode, result.stdout, result.stderr) == (0, FAKE_TOKEN, "")
    assert fake[0].requests[-1].path == "/api/v1/namespaces/ops/serviceaccounts/builder/token"
    assert fake[0].requests[-1].headers["authorization"] == "Bearer cli-token"


def test_flags_map_to_the_request_and_json_output(config, fake):
    result = create_token(
        "builder", "-n", "team-a", "--audience", "https://a", "--audience", "https://b",
        "--duration", "1h30m", "--bound-object-kind", "Pod", "--bound-object-name", "p1",
        "--bound-object-uid", "123", "--kubeconfig", config, "-o", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["status"]["token"] == FAKE_TOKEN
    assert fake[0].requests[-1].body["spec"] == {
        "audiences": ["https://a", "https://b"],
        "expirationSeconds": 5400,
        "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p1", "uid": "123"},
    }


def test_yaml_output_and_zero_duration_meaning_the_default(config, fake):
    result = create_token("builder", "--kubeconfig", config, "-o", "yaml", "--duration", "0s")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["metadata"]["namespace"] == "ops"
    assert fake[0].requests[-1].body["spec"] == {"audiences": []}


def test_errors_are_one_line_on_stderr_with_exit_1(config, fake):
    fake[0].replies.append(unauthorized())
    rejected = create_token("builder", "--kubeconfig", config)
    assert (rejected.returncode, rejected.stdout, rejected.stderr) == (
        1,
        "",
        "error: failed to create token: Unauthorized\n",
    )
    # KUBERNETES.md: kubectl sends --duration as asked and lets the server judge it.
    too_short = create_token("builder", "--kubeconfig", config, "--duration", "1m")
    assert fake[0].requests[-1].body["spec"]["expirationSeconds"] == 60
    assert too_short.returncode == 0  # this fake accepts anything
    unbound = create_token("builder", "--kubeconfig", config, "--bound-object-name", "p1")
    assert unbound.returncode == 1
    assert (
        "--bound-object-name can only be set if --bound-object-kind is provided" in unbound.stderr
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--duration", "soon"], 'time: invalid duration "soon"'),
        (["--duration", "1500ms"], "cannot be expressed in units less than seconds"),
        (
            ["--bound-object-kind", "Deployment"],
            "supported --bound-object-kind values are Node, Pod, Secret",
        ),
    ],
)
def test_bad_flags_are_usage_errors(config, flags, message):
    result = create_token("builder", "--kubeconfig", config, *flags)
    assert result.returncode == 1  # KUBERNETES.md: flag errors exit 1 too
    assert message in result.stderr
