"""Generic server: a ConfigMap create/get/list mix at concurrency 32, against bare Starlette.

A package for ConfigMap is generated from the v1.35 document (read in place) into a
temporary folder, and its server (`python -m <package>.server`, the in-memory store as
its backend) runs alone in its own process on 127.0.0.1. Each of 32 workers, in turn:
creates a ConfigMap with a fresh name (201), reads it back (200), and lists a namespace
that holds a fixed ten ConfigMaps (200), so a list costs the same all run long. The
peer is a bare Starlette app answering every request with a fixed small body, measured
interleaved in the same run; a context row runs the same peer on apigen's own HTTP
protocol (`_http.GuardedH11Protocol`), to show what the protocol alone gains. Any other
status is an error.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from bench_server import CONCURRENCY, load_generator_pinned, uvicorn_process
from measure import row

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "k8s-openapi" / "swagger-v1.35.json.gz"
AREA = "server"
PACKAGE = "bench_cm_v1"
TOKEN = "bench-admin-token"
CM = "/api/v1/namespaces/{namespace}/configmaps"
LISTED = 10


def bare_any_app() -> Any:
    """The peer: Starlette answering every request on the three routes with a fixed body."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(request: Any) -> Response:
        await request.body()
        status = 201 if request.method == "POST" else 200
        return Response(
            b'{"kind":"ConfigMap","apiVersion":"v1"}', status, media_type="application/json"
        )

    return Starlette(
        routes=[
            Route(CM.format(namespace="{namespace}"), answer, methods=["GET", "POST"]),
            Route(CM.format(namespace="{namespace}") + "/{name}", answer, methods=["GET"]),
        ]
    )


def body(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}}


async def _load(url: str, rounds: int, prefix: str) -> tuple[float, int]:
    """Requests per second over `rounds` create+get+list triples, and the errors."""
    errors = 0
    remaining = iter(range(rounds))
    names = (f"{prefix}-{n}" for n in itertools.count())

    async def expect(response: aiohttp.ClientResponse, status: int) -> None:
        nonlocal errors
        await response.read()
        if response.status != status:
            errors += 1

    async def worker(session: aiohttp.ClientSession) -> None:
        for _ in remaining:
            name = next(names)
            async with session.post(url + CM.format(namespace="bench"), json=body(name)) as r:
                await expect(r, 201)
            async with session.get(url + CM.format(namespace="bench") + f"/{name}") as r:
                await expect(r, 200)
            async with session.get(url + CM.format(namespace="listed")) as r:
                await expect(r, 200)

    headers = {"Authorization": f"Bearer {TOKEN}"}
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(
        connector=connector, headers=headers, timeout=aiohttp.ClientTimeout(total=120)
    ) as session:
        for n in range(LISTED):  # the listed namespace's fixed contents, outside the timing
            async with session.post(
                url + CM.format(namespace="listed"), json=body(f"{prefix}-l{n}")
            ) as r:
                await r.read()
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(CONCURRENCY)))
        wall = time.perf_counter() - start
    return 3 * rounds / wall, errors


def generate_package(folder: Path) -> None:
    from generator.config import Target
    from generator.render import pipeline
    from generator.render.output import write_package

    target = Target(
        name=PACKAGE, spec=SPEC, kinds=("ConfigMap",), package_dir=folder / PACKAGE,
        group_version="v1",
    )  # fmt: skip
    write_package(pipeline.render_files(pipeline.build_api(target)), target.package_dir)


def run(quick: bool = False) -> list[dict[str, Any]]:
    case = f"generic ConfigMap create/get/list, c={CONCURRENCY}"
    if not SPEC.is_file():
        why = f"{SPEC} is absent"
        return [no_data(case, why)]
    rounds, repeats = (200, 1) if quick else (700, 3)
    with tempfile.TemporaryDirectory(prefix="bench-generic-") as scratch:
        folder = Path(scratch)
        generate_package(folder)
        (folder / "tokens.csv").write_text(f'{TOKEN},admin,admin-uid,"system:masters"\n')
        env = {**os.environ, "PYTHONPATH": str(folder)}
        apigen_argv = [
            sys.executable, "-m", f"{PACKAGE}.server", "--host", "127.0.0.1", "--port", "0",
            "--token-auth-file", str(folder / "tokens.csv"),
        ]  # fmt: skip
        bare_argv = [
            sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).parent), "--factory",
            "bench_generic_server:bare_any_app", "--host", "127.0.0.1", "--port", "0",
            "--no-access-log",
        ]  # fmt: skip
        protocol_argv = [*bare_argv, "--http", f"{PACKAGE}._http:GuardedH11Protocol"]
        apigen_runs: list[tuple[float, int]] = []
        bare_runs: list[tuple[float, int]] = []
        protocol_runs: list[tuple[float, int]] = []
        with (
            uvicorn_process(apigen_argv, env) as (apigen_url, _),
            uvicorn_process(bare_argv) as (bare_url, _),
            uvicorn_process(protocol_argv, env) as (protocol_url, _),
        ):
            with load_generator_pinned() as placement:
                for round_number in range(repeats):  # interleaved
                    apigen_runs.append(asyncio.run(_load(apigen_url, rounds, f"r{round_number}")))
                    bare_runs.append(asyncio.run(_load(bare_url, rounds, f"r{round_number}")))
                    protocol_runs.append(
                        asyncio.run(_load(protocol_url, rounds, f"r{round_number}"))
                    )
    errors = sum(e for _, e in apigen_runs + bare_runs + protocol_runs)
    requests = 3 * rounds * repeats
    bare_rps = round(statistics.median(r for r, _ in bare_runs), 2)
    return [
        row(
            area=AREA,
            case=case,
            subject="apigen generated server (store)",
            peer="bare Starlette fixed answer",
            subject_value=round(statistics.median(r for r, _ in apigen_runs), 2),
            peer_value=bare_rps,
            unit="req/s",
            higher_is_better=True,
            goal=">= 0.5x",
            goal_ratio=0.5,
            note=f"{requests} requests per side ({rounds} create+get+list per round x {repeats} "
            f"rounds); {errors} errors; the generated ConfigMap package on its in-memory store; "
            f"{placement}",
            missed_because="" if errors == 0 else f"{errors} errors",
        ),  # fmt: skip
        row(
            area=AREA,
            case=f"generic bare endpoint on apigen's HTTP protocol, c={CONCURRENCY}",
            subject="bare Starlette fixed answer on GuardedH11Protocol",
            peer="bare Starlette fixed answer",
            subject_value=round(statistics.median(r for r, _ in protocol_runs), 2),
            peer_value=bare_rps,
            unit="req/s",
            higher_is_better=True,
            goal="context",
            goal_ratio=None,
            note="the peer served with the protocol apigen's server runs (deadlines; head and "
            "body in one write): what the protocol alone gains or costs",
            missed_because="" if errors == 0 else f"{errors} errors",
        ),
    ]


def no_data(case: str, why: str) -> dict[str, Any]:
    return row(
        area=AREA, case=case, subject="apigen generated server (store)",
        peer="bare Starlette fixed answer", subject_value=None, peer_value=None, unit="req/s",
        higher_is_better=True, goal=">= 0.5x", goal_ratio=0.5, note=why, missed_because=why,
    )  # fmt: skip


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
