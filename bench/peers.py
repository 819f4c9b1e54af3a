"""Peer tools for the benchmarks, each in its own cached venv under `.cache/bench/`.

The peers pin dependencies that conflict with each other and with apigen's own, so
none of them goes into `.venv`: each gets `.cache/bench/<name>/`, created once
from PyPI and reused while its pinned requirements are unchanged.

    python bench/peers.py            # install (or reuse) every peer and print where
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "bench"
INSTALL_TIMEOUT_S = 300


class PeerUnavailable(RuntimeError):
    """A peer could not be installed or cannot run here; the message says why."""


@dataclass(frozen=True)
class Peer:
    name: str
    requirements: tuple[str, ...]  # exact pins, so every run measures the same peer
    command: str  # console script installed by the requirements

    @property
    def venv_dir(self) -> Path:
        return CACHE / self.name

    @property
    def executable(self) -> Path:
        return self.venv_dir / "bin" / self.command

    @property
    def bin_dir(self) -> Path:
        return self.venv_dir / "bin"

    @property
    def stamp(self) -> Path:
        return self.venv_dir / ".installed"

    @property
    def stamp_text(self) -> str:
        return "\n".join(self.requirements)


DATAMODEL_CODEGEN = Peer(
    "datamodel-codegen", ("datamodel-code-generator==0.89.0",), "datamodel-codegen"
)
# Its default post-generation hooks run `ruff`, which it does not depend on.
OPENAPI_PYTHON_CLIENT = Peer(
    "openapi-python-client",
    ("openapi-python-client==0.29.1", "ruff==0.17.6"),
    "openapi-python-client",
)
FASTAPI_CODEGEN = Peer(
    "fastapi-code-generator", ("fastapi-code-generator==0.8.1",), "fastapi-codegen"
)
# The wheel bundles the generator's jar; it still needs `java` at run time.
OPENAPI_GENERATOR = Peer(
    "openapi-generator-cli", ("openapi-generator-cli==7.26.0",), "openapi-generator-cli"
)

ALL_PEERS = (DATAMODEL_CODEGEN, OPENAPI_PYTHON_CLIENT, FASTAPI_CODEGEN, OPENAPI_GENERATOR)


def ensure(peer: Peer) -> Path:
    """The peer's console script, installing its venv first unless the cache is current."""
    if peer.stamp.is_file() and peer.stamp.read_text() == peer.stamp_text:
        return peer.executable
    shutil.rmtree(peer.venv_dir, ignore_errors=True)
    venv.create(peer.venv_dir, with_pip=True)
    pip = [str(peer.venv_dir / "bin" / "python"), "-m", "pip", "install", "-q"]
    try:
        subprocess.run(
            [*pip, "--disable-pip-version-check", *peer.requirements],
            check=True,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
        )
    except subprocess.CalledProcessError as exc:
        last_line = (exc.stderr.strip().splitlines() or ["no output"])[-1]
        raise PeerUnavailable(f"pip install {peer.stamp_text} failed: {last_line}") from exc
    except subprocess.TimeoutExpired as exc:
        raise PeerUnavailable(f"pip install took over {INSTALL_TIMEOUT_S}s") from exc
    peer.stamp.write_text(peer.stamp_text)
    return peer.executable


def main() -> int:
    for peer in ALL_PEERS:
        try:
            print(f"{peer.name}: {ensure(peer)}")
        except PeerUnavailable as exc:
            print(f"{peer.name}: unavailable: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
