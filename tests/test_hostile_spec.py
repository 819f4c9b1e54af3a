"""Issue 15, items 2 and 6: a hostile spec never makes apigen read a file, fetch a
URL, print a traceback, hang or grow without bound. Each case runs the real CLI
in a child process and asserts exit 2, one stderr line naming the file, and the
child's own peak RSS (a generous bound; time is only a hang guard).
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.errors import ApigenError
from generator.spec.load import MAX_DEPTH, parse_bytes
from generator.spec.validate import REMOTE_REF_MESSAGE, run_validator
from tests.hostile_harness import (
    HOSTILE,
    WIDGET_PATH,
    assert_one_line_error,
    make_project,
    run_measured,
    widget,
)

PASSWD = Path("/etc/passwd")


class Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        type(self).requests.append(self.path)
        body = json.dumps({"type": "string", "description": "FETCHED"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# -- item 2: every $ref is local ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("ref-file-in-response", "/responses/200/content/application~1json/schema/$ref"),
        ("ref-file-in-parameter", "/parameters/0/schema/$ref"),
        ("ref-relative-path", "/components/schemas/Widget/properties/size/$ref"),
    ],
)
def test_a_file_ref_is_refused_and_never_read(name: str, where: str, tmp_path: Path) -> None:
    spec = HOSTILE / f"{name}.openapi.json"
    line = assert_one_line_error(run_measured("validate", spec), str(spec))
    assert where in line and "leaves the document" in line
    project = make_project(tmp_path, spec.read_bytes())
    run = run_measured("generate", cwd=project)
    assert_one_line_error(run, "widget.openapi.json")
    if PASSWD.is_file():
        first = PASSWD.read_text().splitlines()[0]
        assert first not in run.stderr + run.stdout
    assert not (project / "out").exists()


def test_an_http_ref_is_never_fetched(recorder: tuple[str, list[str]], tmp_path: Path) -> None:
    url, requests = recorder
    spec = widget()
    spec["paths"][WIDGET_PATH]["post"]["responses"]["200"] = {
        "description": "x",
        "content": {"application/json": {"schema": {"$ref": f"{url}/x.json"}}},
    }
    spec["paths"][WIDGET_PATH]["post"]["parameters"] = [
        {"in": "query", "name": "q", "schema": {"$ref": f"{url}/param.json"}}
    ]
    project = make_project(tmp_path, spec)
    assert_one_line_error(run_measured("validate", project / "widget.openapi.json"), "widget")
    assert_one_line_error(run_measured("generate", cwd=project), "widget.openapi.json")
    assert requests == []


def test_the_validator_itself_cannot_leave_the_document(recorder: tuple[str, list[str]]) -> None:
    """Belt and braces: even handed a remote $ref directly, openapi-spec-validator
    (with apigen's resolver) neither fetches nor reads it."""
    url, requests = recorder
    for ref in (f"{url}/x.json", "file:///etc/passwd", "/etc/passwd", "ftp://127.0.0.1/x"):
        spec = widget()
        spec["components"]["schemas"]["Widget"]["properties"]["size"] = {"$ref": ref}
        assert run_validator(spec) == ("", REMOTE_REF_MESSAGE)
    assert requests == []
    assert run_validator(widget()) is None


def test_an_overlay_cannot_bring_in_a_remote_ref(tmp_path: Path) -> None:
    overlay = (HOSTILE / "overlay-remote-ref.overlay.yaml").read_text()
    project = make_project(tmp_path, widget(), overlay=overlay)
    line = assert_one_line_error(run_measured("generate", cwd=project), "widget.overlay.yaml")
    assert "leaves the document" in line


# -- item 6: one line, exit 2, bounded ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("lone-surrogate.openapi.json", "lone surrogate"),
        ("unbalanced-brace.openapi.json", "not a path template"),
        ("huge-integer.openapi.json", "4300 digits"),
        ("huge-hex-integer.openapi.yaml", "integer wider than"),
        ("yaml-bomb.swagger.yaml", "aliases"),
        ("yaml-bomb.openapi31.yaml", "aliases"),
        ("alias-bomb-in-kind.openapi.yaml", "aliases"),
    ],
)
def test_a_hostile_document_is_one_line_and_exit_2(name: str, says: str) -> None:
    spec = HOSTILE / name
    line = assert_one_line_error(run_measured("validate", spec), str(spec))
    assert says in line


def test_lone_surrogate_names_the_pointer_printably() -> None:
    spec = HOSTILE / "lone-surrogate.openapi.json"
    line = assert_one_line_error(run_measured("validate", spec), str(spec))
    assert "#/components/schemas/Widget/properties/\\ud800" in line


def test_an_alias_bomb_in_the_kinds_schema_does_not_hang_generate(tmp_path: Path) -> None:
    spec = (HOSTILE / "alias-bomb-in-kind.openapi.yaml").read_bytes()
    project = make_project(tmp_path, spec, spec_name="widget.openapi.yaml")
    line = assert_one_line_error(run_measured("generate", cwd=project), "widget.openapi.yaml")
    assert "line 21" in line  # the first alias


@pytest.mark.parametrize("syntax", ["json", "yaml"])
def test_nesting_5000_deep_is_refused(syntax: str, tmp_path: Path) -> None:
    spec = widget()
    deep = "[" * 5000 + "]" * 5000
    text = json.dumps(spec).replace('"A widget."', deep)
    path = tmp_path / f"deep.openapi.{syntax}"
    path.write_text(text if syntax == "json" else "# yaml\n" + text)
    line = assert_one_line_error(run_measured("validate", path), str(path))
    assert "nested more than" in line


def test_nesting_just_inside_the_bound_is_read() -> None:
    text = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_bytes(text.encode(), "ok.json") is not None
    with pytest.raises(ApigenError, match="nested more than"):
        parse_bytes(("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).encode(), "deep.json")


def test_a_ref_chain_of_1000_is_refused(tmp_path: Path) -> None:
    spec = widget()
    schemas = spec["components"]["schemas"]
    schemas["Widget"]["properties"]["size"] = {"$ref": "#/components/schemas/Link0"}
    for i in range(1000):
        schemas[f"Link{i}"] = {"$ref": f"#/components/schemas/Link{i + 1}"}
    schemas["Link1000"] = {"type": "integer"}
    project = make_project(tmp_path, spec)
    line = assert_one_line_error(run_measured("generate", cwd=project), "widget.openapi.json")
    assert "chain of more than" in line and "#/components/schemas/" in line


def test_a_gzip_bomb_stops_at_the_size_limit(tmp_path: Path) -> None:
    """256 MiB of spaces in well under a megabyte of gzip; the bound is 64 MiB."""
    bomb = tmp_path / "bomb.json.gz"
    chunk = b" " * (1 << 20)
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        handle.write(b"{")
        for _ in range(256):
            handle.write(chunk)
        handle.write(b"}")
    assert bomb.stat().st_size < 1 << 20
    run = run_measured("validate", bomb)
    line = assert_one_line_error(run, str(bomb))
    assert "decompresses to more than 67108864 bytes" in line and "APIGEN_MAX_SPEC_BYTES" in line
    assert run.max_rss_mb < 250  # the limit and a little: never the 256 MiB the bomb holds


def test_the_size_limit_is_configurable(tmp_path: Path) -> None:
    spec = HOSTILE / "ref-file-in-response.openapi.json"
    run = run_measured("validate", spec, env={"APIGEN_MAX_SPEC_BYTES": "100"})
    assert "larger than 100 bytes" in assert_one_line_error(run, str(spec))
    bad = run_measured("validate", spec, env={"APIGEN_MAX_SPEC_BYTES": "lots"})
    assert_one_line_error(bad, "APIGEN_MAX_SPEC_BYTES")


def test_an_overlay_replacing_the_document_is_one_line(tmp_path: Path) -> None:
    overlay = (HOSTILE / "overlay-update-root.overlay.yaml").read_text()
    project = make_project(tmp_path, widget(), overlay=overlay)
    line = assert_one_line_error(run_measured("generate", cwd=project), "widget.overlay.yaml")
    assert "#/actions/0" in line and "not an object" in line


def test_the_widget_itself_generates(tmp_path: Path) -> None:
    """The control: the same harness and spec, without the hostile part, succeed."""
    project = make_project(tmp_path, widget())
    run = run_measured("generate", cwd=project)
    assert run.returncode == 0, run.stderr
    assert (project / "out" / "widget_v1" / "models.py").is_file()


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        ('{"a": {"b": [{"$ref": "other.json#/x"}]}}', "leaves the document", "/a/b/0/$ref"),
        ('{"a": {"n": [1, ' + "9" * 40 + "]}}", "wider than 128 bits", "/a/n/1"),
        ('{"a": {"s": "ok", "t": "\\ud800"}}', "lone surrogate", "/a/t"),
        ('{"a": {"\\udfff": 1}}', "lone surrogate", "/a/\\udfff"),
    ],
)
def test_json_fast_check_reports_what_the_full_walk_reports(
    text: str, message: str, where: str
) -> None:
    """parse_bytes walks JSON without paths and looks at strings and integers only when
    the text could hold a bad one; a problem is still named with its pointer."""
    with pytest.raises(ApigenError) as caught:
        parse_bytes(text.encode(), "doc.json")
    assert message in str(caught.value) and where in str(caught.value)


def test_json_fast_check_passes_a_clean_document_with_long_digits_in_strings() -> None:
    text = '{"a": {"s": "' + "1" * 50 + '", "u": "\\u00e9", "n": ' + "9" * 38 + "}}"
    assert parse_bytes(text.encode(), "doc.json")["a"]["n"] == int("9" * 38)
