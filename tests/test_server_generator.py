"""The generator side of the server: the .proto compiled into the package, deterministically."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import ApigenError
from generator.render.tools.proto import compile_descriptor_set, file_names, message_names
from tests.conftest import ROOT

PROTO = ROOT / "generator" / "extensions" / "tokenrequest" / "tokenrequest.proto"


def test_descriptor_set_is_the_same_wherever_the_proto_lives(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / PROTO.name
    copy.parent.mkdir()
    copy.write_bytes(PROTO.read_bytes())
    compiled = compile_descriptor_set(PROTO)
    assert compile_descriptor_set(copy) == compiled
    assert file_names(compiled) == ["tokenrequest.proto"]
    assert "k8s.io.api.authentication.v1.TokenRequest" in message_names(compiled)


def test_a_broken_proto_is_a_one_line_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.proto"
    broken.write_text('syntax = "proto2";\nmessage A { optional strin x = 1; }\n')
    with pytest.raises(ApigenError) as raised:
        compile_descriptor_set(broken)
    assert str(raised.value).startswith(f"{broken}: protoc could not compile it")
