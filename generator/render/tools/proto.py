"""Compile a target's `.proto` into the serialized FileDescriptorSet the generated
server embeds, so the package decodes protobuf with the official runtime and
without protoc at run time.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import ApigenError
from generator.render.cache import memo


def compile_descriptor_set(proto: Path) -> bytes:
    """`run_protoc`, remembered for the exact .proto files of the folder (generator.render.cache)."""
    sources = [
        f"{p.name}\0{p.read_text(encoding='utf-8')}" for p in sorted(proto.parent.glob("*.proto"))
    ]
    return memo(
        "protoc", ["grpcio-tools", "protobuf"], [proto.name, *sources], lambda: run_protoc(proto)
    )


def run_protoc(proto: Path) -> bytes:
    """The FileDescriptorSet of `proto` (and its imports), serialized deterministically.

    Files are named relative to the .proto's folder and carry no source info, so
    the bytes depend only on the .proto's content, not on where the checkout is.
    """
    # Imported only on a cache miss. grpc_tools ships no type information: name the one
    # function used, protoc's command line (argv in, exit status out).
    protoc_main: Callable[[list[str]], int] = importlib.import_module("grpc_tools.protoc").main

    with tempfile.TemporaryDirectory(prefix="apigen-proto-") as scratch:
        out = Path(scratch) / "descriptor.pb"
        status = protoc_main(
            [
                "protoc",
                f"--proto_path={proto.parent}",
                f"--descriptor_set_out={out}",
                "--include_imports",
                proto.name,
            ]
        )
        if status != 0 or not out.is_file():
            raise ApigenError(
                "protoc could not compile it (see the message above)", source=str(proto)
            )
        descriptor_set = _file_descriptor_set(out.read_bytes())
    serialized: bytes = descriptor_set.SerializeToString(deterministic=True)
    return serialized


@dataclass(frozen=True)
class CompiledProto:
    """A .proto compiled: its FileDescriptorSet, and the names the server's context needs."""

    descriptor_set: bytes
    messages: tuple[str, ...]
    files: tuple[str, ...]


def compile_proto(proto: Path) -> CompiledProto:
    """`compile_descriptor_set` and the names in it, read where protoc ran (black's pool
    worker, on a cold run), so that the process rendering needs no protobuf import."""
    data = compile_descriptor_set(proto)
    return CompiledProto(data, tuple(message_names(data)), tuple(file_names(data)))


def message_names(descriptor_set: bytes) -> list[str]:
    """The full names of the top-level messages, sorted."""
    files = _file_descriptor_set(descriptor_set).file
    return sorted(
        f"{file.package}.{message.name}" if file.package else message.name
        for file in files
        for message in file.message_type
    )


def file_names(descriptor_set: bytes) -> list[str]:
    """The .proto files the set was compiled from, in order."""
    return [file.name for file in _file_descriptor_set(descriptor_set).file]


def _file_descriptor_set(data: bytes) -> Any:
    """The parsed FileDescriptorSet (protobuf imported on use: a target without a .proto,
    or a warm run's start, needs none of it)."""
    from google.protobuf import descriptor_pb2

    return descriptor_pb2.FileDescriptorSet.FromString(data)
