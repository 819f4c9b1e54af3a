"""Where `apigen generate` spends its time, stage by stage and artifact by artifact.

The generate benchmark times the whole process; this says what limits it. It runs
the pipeline's own steps in-process on the default target and also formats the
same rendered files with `ruff format` (already a pinned dependency) to show what
that alternative to black would cost, and whether its output is identical.
apigen's cache (generator/cache.py) is turned off, so every step really runs.

    python bench/profile_generate.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from generator.config import find_project_root, resolve_target
from generator.render.artifacts import ARTIFACTS, RenderInput
from generator.render.pipeline import build_api, render_files, target_extensions
from generator.render.tools.format import LINE_LENGTH, fix_imports, format_python, ruff_binary

ALTERNATIVE = "alternative: ruff format (not counted)"


class StageTimes(dict[str, float]):
    """Seconds spent per stage, summed over artifacts."""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self[name] = self.get(name, 0.0) + time.perf_counter() - start


def ruff_format(source: str, filename: str) -> str:
    return subprocess.run(
        [ruff_binary(), "format", "--isolated", "--target-version", "py311",
         "--line-length", str(LINE_LENGTH), "--stdin-filename", filename, "-"],
        input=source, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def main() -> int:
    os.environ["APIGEN_NO_CACHE"] = "1"  # a cache hit would hide what a step costs
    times = StageTimes()
    target = resolve_target(None, find_project_root())
    with times.stage("load+slice+validate+lower"):
        api = build_api(target)
    given = RenderInput(api=api, user_templates=target.templates)
    differing = []
    for artifact in ARTIFACTS:
        renderer = "datamodel-code-generator" if artifact.path == "models.py" else "Jinja2"
        with times.stage(f"render ({renderer})"):
            text = artifact.produce(given)
        if artifact.fix_imports:
            with times.stage("fix imports (ruff check)"):
                text = fix_imports(text, artifact.path)
        if not artifact.python:
            continue
        with times.stage("format (black)"):
            black_text = format_python(text, artifact.path)
        with times.stage(ALTERNATIVE):
            if ruff_format(text, artifact.path) != black_text:
                differing.append(artifact.path)
    total = sum(seconds for stage, seconds in times.items() if stage != ALTERNATIVE)
    print(f"{len(ARTIFACTS)} artifacts; in-process pipeline {total:.2f}s")
    for stage, seconds in times.items():
        print(f"  {stage:40} {seconds:6.2f}s  {100 * seconds / total:5.1f}%")
    print("ruff format output identical to black's:", "yes" if not differing else differing)
    start = time.perf_counter()  # as `apigen generate` renders: black in the Formatter's pool
    render_files(api, target.templates, target.artifacts, target_extensions(target))
    print(
        f"render+format as the pipeline runs it (black in a forked pool, datamodel-code-generator"
        f" already imported): {time.perf_counter() - start:.2f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
