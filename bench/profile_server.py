"""Where a generated server spends a request: cProfile of the server process under the
benchmarks' own load.

The server runs as `bench_server.py` and `bench_generic_server.py` run it (its normal
command line, one uvicorn worker, plain HTTP on 127.0.0.1), but under
`python -m cProfile`; this process sends the same load (aiohttp, concurrency 32), then
stops the server (SIGTERM: uvicorn shuts down and cProfile writes its file) and prints
the functions with the most time of their own and the most time below them, per request.
cProfile's own cost inflates small, often-called functions: read the shares, not the
absolute microseconds.

    python bench/profile_server.py [es256|rs256|generic|bare] [--requests N] [--top N]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

import bench_generic_server
import bench_server
from cryptography.hazmat.primitives import serialization

ROOT = Path(__file__).resolve().parent.parent


# uvicorn re-raises the SIGTERM it caught once it has shut down, which would end the
# process before `python -m cProfile` writes its file: the handler it restores writes it.
_WRAPPER = """
import cProfile, os, runpy, signal, sys
out, module = sys.argv[1], sys.argv[2]
profiler = cProfile.Profile()
def stop(*_):
    profiler.disable()
    profiler.dump_stats(out)
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
sys.argv = [module, *sys.argv[3:]]
profiler.enable()
runpy.run_module(module, run_name="__main__", alter_sys=True)
stop()
"""


def _profiled(argv: list[str], out: Path) -> list[str]:
    """`argv` (python -m MODULE ...) under cProfile, writing its stats to `out`."""
    assert argv[1] == "-m"
    return [argv[0], "-c", _WRAPPER, str(out), *argv[2:]]


def profile(case: str, requests: int, folder: Path) -> pstats.Stats:
    out = folder / f"{case}.prof"
    env = {**os.environ, "PYTHONPATH": str(bench_server.GENERATED)}
    sys.path.insert(0, str(bench_server.GENERATED))
    if case in ("es256", "rs256"):
        tokens = __import__(f"{bench_server.PACKAGE}._tokens", fromlist=["generate_key"])
        key = tokens.generate_key(case.upper())
        key_pem = folder / "key.pem"
        key_pem.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        argv = bench_server.apigen_server(folder, key_pem)
    elif case == "bare":
        argv = bench_server.bare_server()
    else:
        bench_generic_server.generate_package(folder)
        (folder / "tokens.csv").write_text(
            f'{bench_generic_server.TOKEN},admin,admin-uid,"system:masters"\n'
        )
        env["PYTHONPATH"] = str(folder)
        argv = [
            sys.executable, "-m", f"{bench_generic_server.PACKAGE}.server", "--host",
            "127.0.0.1", "--port", "0", "--token-auth-file", str(folder / "tokens.csv"),
        ]  # fmt: skip
    with bench_server.uvicorn_process(_profiled(argv, out), env) as (url, _):
        if case == "generic":
            asyncio.run(bench_generic_server._load(url, requests // 3, "p"))
        else:
            load = asyncio.run(bench_server._load(url, requests))
            print(f"{case}: {load.requests_per_s:,.0f} req/s under cProfile, {load.errors} errors")
    return pstats.Stats(str(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=["es256", "rs256", "generic", "bare"], default="es256")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--save", type=Path, help="also keep the raw stats in this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="profile-server-") as scratch:
        stats = profile(args.case, args.requests, Path(scratch))
    if args.save:
        stats.dump_stats(str(args.save))
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        stats.stream = text  # type: ignore[attr-defined]
        stats.sort_stats(order).print_stats(args.top)
        print(f"--- by {order}, {args.requests} requests ---")
        print(text.getvalue().split("\n", 6)[-1] if order == "tottime" else text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
