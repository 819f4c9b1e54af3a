"""Client: CPU per create-token, requests per second and import time, against the official client.

Both clients send sequential TokenRequests, over keep-alive, to the same fake API
server (tests/fake_apiserver.py) running in its own process on 127.0.0.1:
apigen's generated `Client.create_token` (client-side validation on, answer
parsed into the models) against the `kubernetes` package's
`CoreV1Api.create_namespaced_service_account_token`. A bare urllib3 loop (the
same POST, no client around it) is measured beside them, for context: the rate
this fake allows at all. The goal is the client's own CPU per request
(time.process_time in this process), which the fake server cannot cap; requests
per second are context. Import time is a fresh interpreter importing the
generated client against one importing `kubernetes.client` and reaching `CoreV1Api`.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from measure import (
    interleaved,
    interleaved_cpu_per_call,
    interleaved_rates,
    load_generator_pinned,
    pin_to_server_cpu,
    row,
    run_command,
)

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
FAKE_SERVER = ROOT / "tests" / "fake_apiserver.py"
AREA = "client"
PACKAGE = "authentication_k8s_io_v1"
AUDIENCES = ["https://kubernetes.default.svc.cluster.local"]


@contextmanager
def fake_server() -> Iterator[str]:
    """The fake API server in a child process, so it does not share the clients' GIL (on
    its own CPU, the clients on the others: `measure.pinned_cpus`)."""
    child = subprocess.Popen(
        [sys.executable, str(FAKE_SERVER)],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=pin_to_server_cpu,
    )
    try:
        assert child.stdout is not None
        yield child.stdout.readline().strip()
    finally:
        child.kill()
        child.wait(timeout=10)


def apigen_call(url: str) -> tuple[Callable[[], object], Callable[[], None]]:
    sys.path.insert(0, str(GENERATED))
    client_module = importlib.import_module(f"{PACKAGE}.client")
    client = client_module.Client(url, token="bench-token")
    return (lambda: client.create_token("bench", "default", audiences=AUDIENCES)), client.close


def kubernetes_call(url: str) -> tuple[Callable[[], object], Callable[[], None]]:
    import kubernetes.client as k8s

    configuration = k8s.Configuration(host=url, api_key={"authorization": "bench-token"})
    configuration.api_key_prefix = {"authorization": "Bearer"}
    api_client = k8s.ApiClient(configuration)
    api = k8s.CoreV1Api(api_client)
    body = k8s.AuthenticationV1TokenRequest(spec=k8s.V1TokenRequestSpec(audiences=AUDIENCES))
    return (
        lambda: api.create_namespaced_service_account_token("bench", "default", body)
    ), api_client.close


def urllib3_call(url: str) -> tuple[Callable[[], object], Callable[[], None]]:
    """The same POST on a bare urllib3 pool, which the official client is built on."""
    import urllib3

    pool = urllib3.PoolManager()
    target = f"{url}/api/v1/namespaces/default/serviceaccounts/bench/token"
    body = json.dumps({"spec": {"audiences": AUDIENCES}}).encode()
    headers = {
        "Authorization": "Bearer bench-token",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    return (lambda: json.loads(pool.request("POST", target, body=body, headers=headers).data)), (
        pool.clear
    )


def http_client_call(url: str) -> tuple[Callable[[], object], Callable[[], None]]:
    """The same POST on one bare `http.client` connection, which apigen's transport uses."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
    body = json.dumps({"spec": {"audiences": AUDIENCES}}).encode()
    headers = {
        "Authorization": "Bearer bench-token",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    path = "/api/v1/namespaces/default/serviceaccounts/bench/token"

    def call() -> object:
        connection.request("POST", path, body=body, headers=headers)
        return json.loads(connection.getresponse().read())

    return call, connection.close


def requests_per_second(quick: bool) -> list[dict[str, Any]]:
    with fake_server() as url:
        calls = {
            "apigen": apigen_call(url),
            "kubernetes": kubernetes_call(url),
            "urllib3": urllib3_call(url),
            "http.client": http_client_call(url),
        }
        try:
            operations = {name: call for name, (call, _) in calls.items()}
            with load_generator_pinned() as placement:
                rates = interleaved_rates(operations, repeats=3 if quick else 7)
                cpu = interleaved_cpu_per_call(operations, repeats=3 if quick else 7)
        finally:
            for _, close in calls.values():
                close()
    common: dict[str, Any] = {
        "area": AREA,
        "case": "create-token, sequential requests",
        "peer": "kubernetes CoreV1Api",
        "peer_value": rates["kubernetes"],
        "unit": "req/s",
        "higher_is_better": True,
    }
    cpu_common = common | {
        "case": "create-token, client CPU per request",
        "peer_value": cpu["kubernetes"] * 1e6,
        "unit": "µs CPU",
        "higher_is_better": False,
    }
    return [
        row(
            **cpu_common,
            subject="apigen Client",
            subject_value=cpu["apigen"] * 1e6,
            goal="<= 0.5x",
            goal_ratio=0.5,
            note="time.process_time in the client process (the fake server's time is not "
            "counted); apigen validates the body client-side and parses the answer into models; "
            + placement.replace("servers", "the fake server").replace("load generator", "clients"),
        ),
        row(
            **cpu_common | {"case": "create-token, client CPU per request (context)"},
            subject="bare urllib3 loop (no client)",
            subject_value=cpu["urllib3"] * 1e6,
            goal="context",
            goal_ratio=None,
            note="the same POST with no client around it",
        ),
        row(
            **cpu_common | {"case": "create-token, client CPU per request (context)"},
            subject="bare http.client loop (no client)",
            subject_value=cpu["http.client"] * 1e6,
            goal="context",
            goal_ratio=None,
            note="the same POST on one http.client connection, which apigen's transport "
            "wraps: about the floor of any client on it",
        ),
        row(
            **common,
            subject="apigen Client",
            subject_value=rates["apigen"],
            goal="context",
            goal_ratio=None,
            note="same local uvicorn fake in its own process; apigen validates client-side too",
        ),
        row(
            **common | {"case": "create-token, sequential requests (context)"},
            subject="bare urllib3 loop (no client)",
            subject_value=rates["urllib3"],
            goal="context",
            goal_ratio=None,
            note="the same POST with no client around it: about the most this fake allows",
        ),
    ]


def import_time(quick: bool) -> dict[str, Any]:
    env = {"PYTHONPATH": str(GENERATED), "PATH": "/usr/bin:/bin"}
    statements = {
        "apigen": f"import {PACKAGE}.client",
        "kubernetes": "import kubernetes.client; kubernetes.client.CoreV1Api",
    }
    runs = interleaved(
        {
            name: (lambda code=code: run_command([sys.executable, "-c", code], env=env))
            for name, code in statements.items()
        },
        repeats=3 if quick else 7,
    )
    values = {name: getattr(run, "wall_s", None) for name, run in runs.items()}
    return row(
        area=AREA,
        case="import, fresh interpreter",
        subject=f"import {PACKAGE}.client",
        peer="import kubernetes.client + CoreV1Api",
        subject_value=values["apigen"],
        peer_value=values["kubernetes"],
        unit="s",
        higher_is_better=False,
        goal="<= 0.3x",
        goal_ratio=0.3,
        note="whole interpreter start-up included in both",
    )


def run(quick: bool = False) -> list[dict[str, Any]]:
    return [*requests_per_second(quick), import_time(quick)]


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
