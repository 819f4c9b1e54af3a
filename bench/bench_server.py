"""Server: TokenRequests per second and p50/p99 latency at concurrency 32, ES256 and RS256.

Each server runs alone in its own process on 127.0.0.1 (uvicorn, one worker, plain
HTTP, its access log off); this process is the load generator: an aiohttp
client session keeping 32 requests in flight until a bounded number have been
answered. The peers, measured in the same run and interleaved round by round:

- a bare Starlette endpoint on the same uvicorn settings answering a fixed 201
  body: the ceiling of the HTTP stack, with no decoding, checks or signing;
- a signing-only loop over the same `TokenSigner` in this process: the floor
  that signing sets on a single core;
- (context) the same bare endpoint on apigen's own HTTP protocol
  (`_http.GuardedH11Protocol`: the header and body deadlines, and a response's head and
  body written at once), so that what the protocol gains is not taken for the framework's;
- (context) the serial ceiling: bare Starlette's HTTP work plus signing alone, one after
  the other on one core, 1 / (1/bare + 1/signing).

Every answer must be a 201 whose token verifies against the server's JWKS.

On Linux with two or more CPUs, every server process is pinned to the last CPU and this
process (the load generator, the signing loop) to the others (`measure.pinned_cpus`), as
a client on another machine would be: left to the scheduler, the two processes trade
cores and caches, and the same server's throughput swung by half from round to round.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from measure import load_generator_pinned, pin_to_server_cpu, row

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
PACKAGE = "authentication_k8s_io_v1"
AREA = "server"
CONCURRENCY = 32
TOKEN = "bench-token"
PATH = "/api/v1/namespaces/bench/serviceaccounts/builder/token"
BODY = {
    "apiVersion": "authentication.k8s.io/v1",
    "kind": "TokenRequest",
    "spec": {"audiences": ["bench"]},
}
OBJECTS = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: bench, uid: 5a000000-0000-4000-8000-000000000001}
"""
FIXED_BODY = (
    b'{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","status":{"token":"x"}}'
)
STARTUP_LINES = 200
# At a fixed concurrency the mean latency is concurrency / throughput (Little's law),
# so only the throughput is judged; the latencies are the median of the rounds' figures.
LATENCY_NOTE = (
    "median over rounds; at fixed concurrency latency follows throughput, so context only"
)


def bare_app() -> Any:
    """The peer: Starlette answering every POST with a fixed 201 body."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def created(request: Any) -> Response:
        await request.body()
        return Response(FIXED_BODY, status_code=201, media_type="application/json")

    return Starlette(routes=[Route(PATH, created, methods=["POST"])])


@dataclass(frozen=True)
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    tokens: list[str]


async def _load(url: str, total: int) -> Load:
    latencies: list[float] = []
    tokens: list[str] = []
    errors = 0
    remaining = iter(range(total))
    headers = {"Authorization": f"Bearer {TOKEN}"}

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for _ in remaining:  # the workers share one bounded iterator
            start = time.perf_counter()
            async with session.post(url + PATH, json=BODY) as response:
                answer = await response.read()
            latencies.append(time.perf_counter() - start)
            if response.status != 201:
                errors += 1
            else:
                tokens.append(json.loads(answer)["status"]["token"])

    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        connector=connector, headers=headers, timeout=timeout
    ) as session:
        async with session.post(url + PATH, json=BODY) as warm_up:  # connect outside the timing
            await warm_up.read()
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(CONCURRENCY)))
        wall = time.perf_counter() - start
    quantiles = statistics.quantiles(latencies, n=100)
    return Load(total / wall, quantiles[49] * 1000, quantiles[98] * 1000, errors, tokens)


@contextmanager
def uvicorn_process(
    argv: list[str], env: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    """A server in its own process (on the servers' CPU, see `pinned_cpus`); yields its URL
    (uvicorn logs the real port of port 0) and pid."""
    child = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=pin_to_server_cpu,
    )
    try:
        assert child.stderr is not None
        for _ in range(STARTUP_LINES):
            line = child.stderr.readline()
            found = re.search(r"running on (http://127\.0\.0\.1:\d+)", line)
            if found:
                # Keep reading the log, so that a full pipe never blocks the server.
                threading.Thread(target=child.stderr.read, daemon=True).start()
                yield found.group(1), child.pid
                break
            if not line:
                raise RuntimeError(f"{argv[:3]} did not start")
        else:
            raise RuntimeError(f"{argv[:3]} did not say where it listens")
    finally:
        child.terminate()
        child.wait(timeout=10)
        if child.stderr is not None:
            child.stderr.close()


def apigen_server(folder: Path, key_pem: Path) -> list[str]:
    # system:masters: the server's default authorizer is RBAC with nothing bound
    (folder / "tokens.csv").write_text(f'{TOKEN},bench,1,"system:masters"\n')
    (folder / "objects.yaml").write_text(OBJECTS)
    return [
        sys.executable, "-m", f"{PACKAGE}.server", "--host", "127.0.0.1", "--port", "0",
        "--signing-key", str(key_pem), "--token-auth-file", str(folder / "tokens.csv"),
        "--objects", str(folder / "objects.yaml"), "--issuer", "https://bench.test",
    ]  # fmt: skip


def bare_server(protocol: str = "") -> list[str]:
    """The peer on stock uvicorn settings, or with `protocol` (an import string) as its
    HTTP protocol class."""
    return [
        sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).parent), "--factory",
        "bench_server:bare_app", "--host", "127.0.0.1", "--port", "0", "--no-access-log",
    ] + (["--http", protocol] if protocol else [])  # fmt: skip


APIGEN_PROTOCOL = f"{PACKAGE}._http:GuardedH11Protocol"


def verified(load: Load, jwks: dict[str, Any]) -> int:
    """How many of the tokens verify against the JWKS (signature, issuer, audience, times)."""
    keys = jwt.PyJWKSet.from_dict(jwks)
    count = 0
    for token in load.tokens:
        header = jwt.get_unverified_header(token)
        jwt.decode(
            token,
            keys[header["kid"]],
            algorithms=[header["alg"]],
            audience="bench",
            issuer="https://bench.test",
        )
        count += 1
    return count


def signing_rate(tokens_module: Any, key: Any, seconds: float) -> float:
    """Tokens per second that `TokenSigner.sign` alone reaches in this process."""
    signer = tokens_module.TokenSigner(key, "https://bench.test")
    grant = tokens_module.TokenGrant(
        namespace="bench",
        service_account=tokens_module.ObjectRef("builder", "5a000000-0000-4000-8000-000000000001"),
        audiences=("bench",),
        issued_at=int(time.time()),
        expiration_seconds=3600,
    )
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        signer.sign(grant)
        calls += 1
    return calls / (time.perf_counter() - start)


def run(quick: bool = False) -> list[dict[str, Any]]:
    total, repeats = (300, 1) if quick else (2000, 5)
    sys.path.insert(0, str(GENERATED))
    tokens_module = importlib.import_module(f"{PACKAGE}._tokens")
    env = {**os.environ, "PYTHONPATH": str(GENERATED)}
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-server-") as scratch:
        folder = Path(scratch)
        for algorithm in ("ES256", "RS256"):
            key = tokens_module.generate_key(algorithm)
            key_pem = folder / f"{algorithm}.pem"
            key_pem.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            rows += _compare(
                algorithm, apigen_server(folder, key_pem), env, total, repeats, tokens_module, key
            )
    return rows


def _compare(
    algorithm: str,
    apigen_argv: list[str],
    env: dict[str, str],
    total: int,
    repeats: int,
    tokens_module: Any,
    key: Any,
) -> list[dict[str, Any]]:
    apigen_runs: list[Load] = []
    bare_runs: list[Load] = []
    protocol_runs: list[Load] = []
    signing: list[float] = []
    checked = 0
    with (
        uvicorn_process(apigen_argv, env) as (apigen_url, apigen_pid),
        uvicorn_process(bare_server()) as (bare_url, bare_pid),
        uvicorn_process(bare_server(APIGEN_PROTOCOL), env) as (protocol_url, _),
    ):
        jwks = httpx.get(
            apigen_url + "/openid/v1/jwks", headers={"Authorization": f"Bearer {TOKEN}"}
        ).json()
        with load_generator_pinned() as placement:
            for _ in range(repeats):  # interleaved, so drift on the shared machine hits both
                apigen_runs.append(asyncio.run(_load(apigen_url, total)))
                bare_runs.append(asyncio.run(_load(bare_url, total)))
                protocol_runs.append(asyncio.run(_load(protocol_url, total)))
                signing.append(signing_rate(tokens_module, key, 1.0))
                checked += verified(apigen_runs[-1], jwks)
        peak_mb = {"apigen": peak_rss_mb(apigen_pid), "bare": peak_rss_mb(bare_pid)}
    errors = sum(load.errors for load in apigen_runs + bare_runs + protocol_runs)
    answered = total * repeats
    missed = (
        ""
        if errors == 0 and checked == answered
        else f"{errors} errors, {checked}/{answered} tokens verified"
    )
    note = (
        f"{total} requests x {repeats} rounds at concurrency {CONCURRENCY}; "
        f"{errors} errors; {checked}/{answered} tokens verified; {placement}"
    )

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 2)

    rps = median([load.requests_per_s for load in apigen_runs])
    bare_rps = median([load.requests_per_s for load in bare_runs])
    signing_rps = median(signing)
    ceiling = 1 / (1 / bare_rps + 1 / signing_rps)
    note += f"; serial ceiling (bare HTTP + signing alone) {ceiling / bare_rps:.2f}x"
    common = {"area": AREA, "subject": "apigen server", "missed_because": missed}

    def latency_row(quantile: str, of: Callable[[Load], float]) -> dict[str, Any]:
        return row(
            **common,
            case=f"{algorithm} {quantile} latency, c={CONCURRENCY}",
            peer="bare Starlette 201",
            subject_value=median([of(load) for load in apigen_runs]),
            peer_value=median([of(load) for load in bare_runs]),
            unit="ms",
            higher_is_better=False,
            goal="context",
            goal_ratio=None,
            note=LATENCY_NOTE,
        )

    return [
        row(
            **common,
            case=f"{algorithm} create token, c={CONCURRENCY}",
            peer="bare Starlette 201",
            subject_value=rps,
            peer_value=bare_rps,
            unit="req/s",
            higher_is_better=True,
            goal=">= 0.5x" if algorithm == "ES256" else ">= 0.4x",
            goal_ratio=0.5 if algorithm == "ES256" else 0.4,
            note=note,
        ),
        latency_row("p50", lambda load: load.p50_ms),
        latency_row("p99", lambda load: load.p99_ms),
        row(
            **common,
            case=f"{algorithm} server vs signing alone",
            peer="TokenSigner.sign loop",
            subject_value=rps,
            peer_value=signing_rps,
            unit="tokens/s",
            higher_is_better=True,
            goal="context",
            goal_ratio=None,
            note="the signing loop is the ceiling signing sets on one core",
        ),
        row(
            area=AREA,
            missed_because=missed,
            case=f"{algorithm} serial ceiling: bare HTTP + signing alone",
            subject="bare Starlette 201 + TokenSigner.sign, one after the other",
            peer="bare Starlette 201",
            subject_value=round(ceiling, 2),
            peer_value=bare_rps,
            unit="req/s",
            higher_is_better=True,
            goal="context",
            goal_ratio=None,
            note="what one core reaches doing only the peer's HTTP work and the signing: the "
            "ratio no single-threaded server can pass",
        ),
        row(
            area=AREA,
            missed_because=missed,
            case=f"{algorithm} bare endpoint on apigen's HTTP protocol",
            subject="bare Starlette 201 on GuardedH11Protocol",
            peer="bare Starlette 201",
            subject_value=median([load.requests_per_s for load in protocol_runs]),
            peer_value=bare_rps,
            unit="req/s",
            higher_is_better=True,
            goal="context",
            goal_ratio=None,
            note="the same fixed answer, served with the protocol apigen's server runs "
            "(deadlines; head and body in one write): what the protocol alone gains or costs",
        ),
        row(
            **common,
            case=f"{algorithm} peak memory under load",
            peer="bare Starlette 201",
            subject_value=peak_mb["apigen"],
            peer_value=peak_mb["bare"],
            unit="MB",
            higher_is_better=False,
            goal="report",
            goal_ratio=None,
            note="the server process's high-water RSS (VmHWM) after every round",
        ),
    ]


def peak_rss_mb(pid: int) -> float | None:
    """A live process's peak resident memory, from /proc (Linux); None elsewhere."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(found.group(1)) / 1024, 1) if found else None


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
