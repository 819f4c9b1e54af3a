"""Shared by the hostile-input tests: a tiny Widget spec, a throwaway project that
targets it, and the real CLI run in a child process whose peak memory is read back.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "corpus" / "hostile"
HANG_GUARD_S = 120  # a guard against hangs only: nothing asserts on time
RSS_BOUND_MB = 500  # generous for a 2-core CI machine; the bombs reach gigabytes unbounded

WIDGET: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "hostile", "version": "v1"},
    "paths": {
        "/apis/example.com/v1/namespaces/{namespace}/widgets": {
            "parameters": [
                {"in": "path", "name": "namespace", "required": True, "schema": {"type": "string"}}
            ],
            "post": {
                "operationId": "createWidget",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}
                        },
                    }
                },
            },
        }
    },
    "components": {
        "schemas": {
            "Widget": {
                "type": "object",
                "description": "A widget.",
                "properties": {"size": {"type": "integer"}, "label": {"type": "string"}},
                "x-kubernetes-group-version-kind": [
                    {"group": "example.com", "kind": "Widget", "version": "v1"}
                ],
            }
        }
    },
}
WIDGET_PATH = "/apis/example.com/v1/namespaces/{namespace}/widgets"


def widget() -> dict[str, Any]:
    return copy.deepcopy(WIDGET)


def make_project(
    folder: Path, spec: bytes | str | dict[str, Any], *, spec_name: str = "widget.openapi.json",
    overlay: bytes | str | None = None, kind: str = "Widget", group_version: str = "example.com/v1",
) -> Path:  # fmt: skip
    """A project folder with a pyproject.toml whose one target reads `spec`."""
    folder.mkdir(parents=True, exist_ok=True)
    data = json.dumps(spec, indent=1) if isinstance(spec, dict) else spec
    (folder / spec_name).write_bytes(data.encode() if isinstance(data, str) else data)
    lines = [
        "[tool.apigen.targets.widget]",
        f'spec = "{spec_name}"',
        f'kind = "{kind}"',
        f'group_version = "{group_version}"',
        'package = "out/widget_v1"',
    ]
    if overlay is not None:
        (folder / "widget.overlay.yaml").write_bytes(
            overlay.encode() if isinstance(overlay, str) else overlay
        )
        lines.append('overlay = "widget.overlay.yaml"')
    (folder / "pyproject.toml").write_text("\n".join(lines) + "\n")
    return folder


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float  # the child's own peak resident set size


# Runs `python -m generator ARGS` and, at exit, writes its VmHWM (KiB) to the file argv[1].
_REPORT_PEAK = """
import atexit, re, runpy, sys
peak_file = sys.argv.pop(1)
def report():
    status = open("/proc/self/status").read()
    open(peak_file, "w").write(re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
atexit.register(report)
sys.argv[0] = "apigen"
runpy.run_module("generator", run_name="__main__", alter_sys=True)
"""


def run_measured(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Run:
    """`python -m generator ARGS` in a child; its exit status, output and peak RSS (wait4)."""
    scratch = Path(tempfile.mkdtemp(prefix="apigen-run-"))
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    child_env = {**os.environ, "APIGEN_NO_CACHE": "1", **(env or {})}
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-c", _REPORT_PEAK, str(scratch / "peak"), *map(str, args)],
            cwd=cwd, stdout=out, stderr=err, env=child_env,
        )  # fmt: skip
        guard = threading.Timer(HANG_GUARD_S, process.kill)
        guard.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            guard.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    stdout, stderr = out_path.read_text(), err_path.read_text()
    peak = scratch / "peak"
    # The child's own high-water mark since exec (VmHWM); wait4's ru_maxrss would also count
    # the pytest process's pages the child shared between fork and exec.
    peak_kib = int(peak.read_text()) if peak.exists() else usage.ru_maxrss
    shutil.rmtree(scratch)
    return Run(process.returncode, stdout, stderr, peak_kib / 1024)


def assert_one_line_error(run: Run, names: str) -> str:
    """Exit 2, one stderr line naming `names` (a file), no traceback, bounded memory."""
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("apigen: error: ") and names in lines[0], lines[0]
    assert run.max_rss_mb < RSS_BOUND_MB, run.max_rss_mb
    return lines[0]
