"""Start servers, drive one workload at them with wrk, and measure what they spent.

Every server is started on 127.0.0.1 and stopped before its context ends; every wrk run
is bounded by its duration.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import workloads
from bench.procstat import PeakRss, cpu_seconds, wait_until_idle
from bench.statements import body_of
from bench.workloads import Workload

HOST = "127.0.0.1"
CONNECTIONS = 16
WRK_THREADS = 2
LUA = workloads.HERE / "wrk" / "requests.lua"
BIN = Path(sys.executable).parent
RAW_STATEMENTS = {"W1": 1, "W2": 4, "W3": 3}


@dataclass
class Measured:
    target: str
    workload: str
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float
    peak_rss_mb: float
    errors: int
    objects: int


@contextmanager
def server(
    command: list[str], port: int, health: str, env: dict[str, str], cwd: Path | None = None
) -> Iterator[int]:
    """Start a server on 127.0.0.1:`port`, wait until `health` answers, stop it afterwards."""
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=cwd)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://{HOST}:{port}{health}", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"server did not start: {command}")
            time.sleep(0.2)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(port: int, lines_file: Path, seconds: float, offset: int, token: str) -> dict[str, Any]:
    """Every request carries `token` (the raw limit ignores it)."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(LUA), f"http://{HOST}:{port}", "--"]
    command += [str(lines_file), str(offset), str(WRK_THREADS), token]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    summary: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return summary


def first_response(port: int, line: str, token: str) -> Any:
    method, path, *rest = line.split("\t", 2)
    url = f"http://{HOST}:{port}{path}"
    body = body_of(line) if rest else None
    headers = {"Authorization": f"Bearer {token}"}
    response = httpx.request(method, url, json=body, headers=headers, timeout=30)
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, response.text
    return body["data"]


def measure(
    target: str,
    pid: int,
    port: int,
    workload: Workload,
    lines: list[str],
    durations: Durations,
    token: str,
) -> Measured:
    with tempfile.NamedTemporaryFile("w", suffix=".requests", delete=False) as file:
        file.write("\n".join(lines) + "\n")
    path = Path(file.name)
    try:
        warm = wrk(port, path, durations.warm_up, 0, token)
        cpu_before = cpu_seconds(pid)
        with PeakRss(pid) as rss:
            run = wrk(port, path, durations.measure, warm["requests"], token)
        cpu = cpu_seconds(pid) - cpu_before
        wait_until_idle(pid)  # the next workload starts on an idle server
    finally:
        path.unlink()
    requests = max(run["requests"], 1)
    return Measured(
        target=target,
        workload=workload.name,
        rps=run["requests"] / (run["duration_us"] / 1e6),
        p50_ms=run["p50_us"] / 1000,
        p99_ms=run["p99_us"] / 1000,
        cpu_ms=cpu * 1000 / requests,
        peak_rss_mb=rss.peak / 2**20,
        errors=run["status_errors"] + run["socket_errors"],
        objects=workload.objects,
    )


@dataclass(frozen=True)
class Durations:
    warm_up: float
    measure: float


def ours_command(port: int, workers: int) -> list[str]:
    serve = [str(BIN / "mwallet-gql"), "serve", "--host", HOST, "--port", str(port)]
    # As the raw limit runs: no log line per request on either side.
    return [*serve, "--workers", str(workers), "--no-access-log"]


def baseline_command(port: int) -> list[str]:
    """Our server from another checkout (run in its folder, so its code is imported)."""
    cli = "import sys; from gql_server.cli import main; sys.argv[0] = 'mwallet-gql'; main()"
    serve = ["serve", "--host", HOST, "--port", str(port), "--workers", "1", "--no-access-log"]
    return [sys.executable, "-c", cli, *serve]


def raw_command(port: int) -> list[str]:
    app = ["-m", "uvicorn", "--factory", "bench.raw_limit:create_app"]
    options = ["--host", HOST, "--port", str(port), "--log-level", "warning", "--no-access-log"]
    return [sys.executable, *app, *options]
