"""`apigen serve`: run a target's generated server (its `server.main`) from the checkout."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from generator.config import Target
from generator.errors import ApigenError


def run_server(target: Target, server_args: Sequence[str]) -> None:
    """Import `<package>.server` from the target's package folder and run it with `server_args`."""
    if not (target.package_dir / "server.py").is_file():
        raise ApigenError(
            "no server.py here: run `apigen generate` first", source=str(target.package_dir)
        )
    arguments = list(server_args)
    if arguments[:1] == ["--"]:  # the separator between apigen's options and the server's
        arguments = arguments[1:]
    sys.path.insert(0, str(target.package_dir.parent))  # uvicorn's workers inherit it
    try:
        server = importlib.import_module(f"{target.package}.server")
    except ModuleNotFoundError as exc:
        raise ApigenError(
            f"the server needs {exc.name}: pip install 'kube-apigen[server]'",
            source=str(target.package_dir / "server.py"),
        ) from None
    server.main(arguments)
