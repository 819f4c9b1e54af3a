"""The generated client against a hostile or broken API server (issue 15, item 11):
answers of hundreds of megabytes, a body dripped a byte at a time, garbage
`Retry-After` values, huge messages and terminal escapes. Memory is read from a
child process's own peak RSS, with generous bounds; the only clock is a hang guard."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import warnings
from types import ModuleType

import httpx
import pytest
import yaml
from conftest import GENERATED
from fake_apiserver import Reply, Stream, repeated, status_body

MIB = 2**20
HUGE = 320 * MIB  # what the server would send; the client must read a bounded part of it
RSS_BOUND_MIB = 300  # generous: the package and httpx need ~60 MiB, a 64 MiB cap as much again


def _in_child(url: str) -> tuple[str, float]:
    """create_token in a fresh interpreter: the error it raised (name and message
    length) and its peak RSS in MiB (VmHWM, the child's own since exec: ru_maxrss would
    also count the pytest process's pages at the fork)."""
    script = textwrap.dedent(
        f"""
        import re, sys
        sys.path.insert(0, {str(GENERATED)!r})
        from authentication_k8s_io_v1 import client as kube
        with kube.Client({url!r}, retry=kube.Retry(attempts=0)) as c:
            try:
                c.create_token("builder", "team-a")
                outcome = "no error"
            except Exception as error:
                outcome = f"{{type(error).__name__}} {{len(str(error))}}"
        print(outcome)
        status = open("/proc/self/status").read()
        print(re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    outcome, rss_kib = done.stdout.strip().splitlines()
    return outcome, int(rss_kib) / 1024


def test_a_huge_success_body_is_refused_at_the_cap_with_bounded_memory(running, fake):
    fake.replies.append(Stream(201, repeated(b"x" * MIB, HUGE)))  # chunked: no length
    outcome, rss = _in_child(running[1])
    assert outcome.startswith("ResponseTooLarge")
    assert 10 < rss < RSS_BOUND_MIB


def test_a_declared_huge_length_is_refused_before_reading(kube, running, fake):
    headers = (("content-type", "application/json"), ("content-length", str(HUGE)))
    fake.replies.append(Stream(201, repeated(b"x" * MIB, HUGE), headers))
    with kube.Client(running[1], retry=kube.Retry(attempts=0)) as client:
        with pytest.raises(kube.ResponseTooLarge, match="larger than the limit"):
            client.create_token("builder", "team-a")


def test_a_huge_error_body_is_read_only_up_to_its_cap(running, fake):
    start = b'{"kind":"Status","apiVersion":"v1","code":403,"reason":"Forbidden","message":"'
    fake.replies.append(Stream(403, lambda: iter([start, *repeated(b"y" * MIB, HUGE)()])))
    outcome, rss = _in_child(running[1])
    name, length = outcome.split()
    assert name == "Forbidden" and int(length) < 1100
    assert 10 < rss < RSS_BOUND_MIB


def test_the_timeout_bounds_the_whole_request_not_each_read(kube, running, fake):
    """The server drips one byte every 2 s for 20 s; timeout=3 must not wait for it."""
    fake.replies.append(Stream(201, repeated(b" ", 10), delay=2.0))
    started = time.monotonic()
    with kube.Client(running[1], timeout=3, retry=kube.Retry(attempts=0)) as client:
        with pytest.raises(httpx.TimeoutException, match="within the timeout of 3s"):
            client.create_token("builder", "team-a")
    assert time.monotonic() - started < 10  # a hang guard, far above the 3 s asked for


@pytest.mark.parametrize(
    "value",
    ["²", "١٢", "soon", "-5", "1e9", "9" * 5000, "Mon, 99 Foo 2026 25:61:00 GMT",
     "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "", " 3 "],
)  # fmt: skip
def test_retry_after_is_parsed_defensively_and_bounded(kube, value):
    retry = kube.Retry(attempts=3, backoff=0.5, max_delay=5.0)
    delay = retry.delay(0, httpx.Response(429, headers={"retry-after": value.encode()}))
    assert delay is not None and 0.0 <= delay <= 5.0


def test_a_garbage_retry_after_over_http_is_retried_normally(kube, running, fake):
    body = status_body(429, "TooManyRequests", "slow down")
    fake.replies.append(Reply.json(429, body, ("retry-after", "²")))
    with kube.Client(running[1], retry=kube.Retry(attempts=1, backoff=0.01)) as client:
        assert client.create_token("builder", "team-a").status.token
    assert len(fake.requests) == 2


def test_messages_and_warnings_are_cut_to_a_readable_length(kube, running, fake):
    body = status_body(422, "Invalid", "m" * 50_000)
    long_warning = "w" * 50_000
    fake.replies.append(Reply.json(422, body, ("warning", f'299 - "{long_warning}"')))
    with kube.Client(running[1], validate=False) as client:
        with warnings.catch_warnings(record=True) as caught, pytest.raises(kube.Invalid) as error:
            warnings.simplefilter("always")
            client.create_token("builder", "team-a")
    assert len(str(error.value)) < 1100 and "more characters" in str(error.value)
    assert [len(str(w.message)) < 1100 for w in caught] == [True]


def test_printable_escapes_terminal_controls(kube):
    text = "bad \x1b]0;owned\x07 \x1b[31mred\x1b[0m \u202eevil\r\nnext\tline"
    shown = kube.printable(text)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "\\u001b]0;owned\\u0007" in shown and "\\u202e" in shown and "\\r" in shown
    assert shown.endswith("\nnext\tline")
    assert kube.printable("plain, é and 漢字") == "plain, é and 漢字"


def test_the_command_line_escapes_a_servers_message(
    generated_package: ModuleType, running, fake, tmp_path, capsys
):
    cli = __import__(f"{generated_package.__name__}.__main__", fromlist=["main"])
    hostile = "denied \x1b]52;c;aGFjaw==\x07\x1b[2J"
    fake.replies.append(Reply.json(403, status_body(403, "Forbidden", hostile)))
    config = tmp_path / "config"
    config.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "c",
                "clusters": [{"name": "k", "cluster": {"server": running[1]}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u"}}],
            }
        )
    )
    assert cli.main(["--kubeconfig", str(config), "create-token", "builder"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert json.dumps(hostile)[1:-1] in err  # escaped, still readable


def test_the_async_client_has_the_same_deadline(kube, running, fake):
    import asyncio

    fake.replies.append(Stream(201, repeated(b" ", 10), delay=2.0))

    async def scenario() -> None:
        async with kube.AsyncClient(running[1], timeout=3, retry=kube.Retry(attempts=0)) as client:
            await client.create_token("builder", "team-a")

    started = time.monotonic()
    with pytest.raises(httpx.TimeoutException, match="within the timeout of 3s"):
        asyncio.run(scenario())
    assert time.monotonic() - started < 10  # a hang guard


def test_a_watch_event_larger_than_the_cap_is_refused(kube, running, fake):
    resource = kube.ResourceInfo("", "v1", "ConfigMap", "configmaps", True, ("watch",))
    big = {"metadata": {"name": "a", "annotations": {"x": "y" * 8192}}}
    fake.replies.append(Stream.events(("ADDED", {"metadata": {"name": "ok"}}), ("ADDED", big)))
    limits = kube.Limits(max_response_bytes=4096)
    with kube.Client(running[1], limits=limits) as client:
        events = client.watch(resource, kube.Status, namespace="team-a")  # any model
        assert next(events).raw["metadata"]["name"] == "ok"
        with pytest.raises(kube.ResponseTooLarge, match="watch event is larger"):
            next(events)
