"""Where `apigen generate` spends its time, stage by stage, and how a cold run schedules it.

The generate benchmark times the whole process; this says what limits it. apigen's cache
(generator/render/cache.py) is turned off, so every step really runs.

1. The steps one after the other, in this process: load + slice + validate + lower,
   Jinja2, datamodel-code-generator (its import included), ruff's import fix, and black
   over what still goes through it (the blocks of models.py its printer cannot vouch for,
   and any block of a black-stable file that `unvouched` names a reason in); beside
   them, for reference, what black over those files whole would cost, which the
   pipeline no longer pays. (Validation runs in a worker in a cold `generate`.)
2. The schedule of `pipeline.generate` in a fresh interpreter (`--schedule`): when the
   spec is lowered (validation goes on in black's pool worker), when the models are
   handed to the process forked at the start (generator/render/tools/early.py), when
   they come back, when every file is ready.

    python bench/profile_generate.py [--spec SPEC --kind KIND --group-version GV]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.config import Target, find_project_root, resolve_target
from generator.render.artifacts import ARTIFACTS, RenderInput
from generator.render.tools.format import fix_imports, run_black, split_blocks, unvouched

REFERENCE = "reference: black over these files whole (not run by the pipeline)"


class StageTimes(dict[str, float]):
    """Seconds spent per stage, summed over artifacts."""

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self[name] = self.get(name, 0.0) + time.perf_counter() - start


def chosen_target(args: argparse.Namespace) -> Target:
    if args.spec is None:
        return resolve_target(None, find_project_root())
    return Target(
        name="profile",
        spec=Path(args.spec),
        kinds=tuple(args.kind),
        package_dir=Path("/nonexistent/profile_pkg"),  # nothing is written
        group_version=args.group_version,
        artifacts=tuple(args.artifacts.split(",")),
    )


def sequential(target: Target) -> None:
    from generator.render.pipeline import build_api, target_extensions

    times = StageTimes()
    with times.stage("load+slice+validate+lower"):
        api = build_api(target)
    given = RenderInput(api, target.templates, target_extensions(target))
    fell_back: list[str] = []
    count = 0
    for artifact in ARTIFACTS:
        if artifact.group != "package" and artifact.group not in target.artifacts:
            continue
        if artifact.when is not None and not artifact.when(given):
            continue
        count += 1
        renderer = "datamodel-code-generator" if artifact.path == "models.py" else "Jinja2"
        with times.stage(f"render ({renderer})"):
            text = artifact.produce(given)
        if artifact.fix_imports:
            with times.stage("fix imports (ruff check)"):
                text = fix_imports(text, artifact.path)
        if not artifact.python:
            continue
        if artifact.blocks is not None:  # models.py: printed, black over what is not vouched
            with times.stage("print models.py's classes (tools/models_print.py)"):
                blocks = artifact.blocks(text)
            failing = [block for block, sure in blocks if not sure]
            fell_back.append(f"{artifact.path} ({len(failing)} of {len(blocks)} blocks)")
            with times.stage("format (black: models.py's blocks it cannot vouch for)"):
                for block in failing:
                    run_black(block, artifact.path)
            with times.stage(REFERENCE):
                run_black(text, artifact.path)
            continue
        if not artifact.black_stable:
            with times.stage("format (black: files not black-stable)"):
                run_black(text, artifact.path)
            continue
        failing = [b for b in split_blocks(text) if unvouched(b.rstrip("\n") + "\n")]
        if failing:
            fell_back.append(f"{artifact.path} ({len(failing)} blocks)")
            with times.stage("format (black: blocks unvouched() names)"):
                for block in failing:
                    run_black(block, artifact.path)
        with times.stage(REFERENCE):
            run_black(text, artifact.path)
    total = sum(seconds for stage, seconds in times.items() if stage != REFERENCE)
    print(f"{count} artifacts; the steps one after the other, in-process: {total:.2f}s")
    for stage, seconds in times.items():
        print(f"  {stage:72} {seconds:6.2f}s")
    print("files black still formats parts of:", ", ".join(fell_back) or "none")


def schedule(target: Target, start: float) -> None:
    """`pipeline.generate` as the CLI runs it, with the moments that matter printed, in
    seconds since the parent started this interpreter (`start`, a time.time())."""
    from generator.render import pipeline
    from generator.render.tools import early, format

    marks: list[tuple[float, str]] = [(time.time() - start, "interpreter up, apigen imported")]

    def mark(what: str) -> None:
        marks.append((time.time() - start, what))

    def wrap(owner: Any, name: str, before: str, after: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            mark(before)
            result = original(*args, **kwargs)
            mark(after)
            return result

        setattr(owner, name, timed)

    wrap(pipeline, "build_api_deferred", "load starts", "spec lowered (IR ready)")
    submit = early.EarlyWorker.submit

    def timed_submit(self: early.EarlyWorker, *args: Any) -> Callable[[], Any]:
        mark("models handed to the early process")
        result = submit(self, *args)

        def wait() -> Any:
            mark("Jinja artifacts rendered; waiting for the models")
            value = result()
            mark("models back (datamodel-code-generator done)")
            return value

        return wait

    early.EarlyWorker.submit = timed_submit  # type: ignore[method-assign]
    wrap(format.Formatter, "__exit__", "every file submitted and formatted", "pool closed")
    pipeline.generate(target)
    mark("done")
    for seconds, what in marks:
        print(f"  {seconds:6.3f}s  {what}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec")
    parser.add_argument("--kind", action="append", default=[])
    parser.add_argument("--group-version")
    parser.add_argument("--artifacts", default="models,validators,client,server")
    parser.add_argument("--schedule", type=float, help=argparse.SUPPRESS)  # the launch time
    args = parser.parse_args()
    os.environ["APIGEN_NO_CACHE"] = "1"  # a cache hit would hide what a step costs
    target = chosen_target(args)
    if args.schedule:
        schedule(target, args.schedule)
        return 0
    sequential(target)
    print("The schedule of a cold `apigen generate` (fresh interpreter, from its launch):")
    sys.stdout.flush()
    launch = str(time.time())
    subprocess.run([sys.executable, __file__, *sys.argv[1:], "--schedule", launch], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
