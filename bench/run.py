"""Run the benchmark: seed, floor, then our server and the raw limit under wrk, one table.

Usage: `python -m bench.run [--quick] [--output FILE]` (or `bench/run`). Targets only
127.0.0.1; every load run is bounded by wrk's duration, and the servers it starts are
stopped before it returns.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bench import workloads
from bench.graphql_floor import floor_ms
from bench.procstat import PeakRss, cpu_seconds, wait_until_idle
from bench.seed import DEFAULT_URL, seed
from bench.statements import body_of, count_statements
from bench.workloads import Workload
from gql_server.database import create_engine

log = logging.getLogger("bench.run")

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


def wrk(port: int, lines_file: Path, seconds: float, offset: int) -> dict[str, Any]:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(LUA), f"http://{HOST}:{port}", "--"]
    command += [str(lines_file), str(offset), str(WRK_THREADS)]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    summary: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return summary


def first_response(port: int, line: str) -> Any:
    method, path, *rest = line.split("\t", 2)
    url = f"http://{HOST}:{port}{path}"
    response = httpx.request(method, url, json=body_of(line) if rest else None, timeout=30)
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, response.text
    return body["data"]


def measure(
    target: str, pid: int, port: int, workload: Workload, lines: list[str], durations: Durations
) -> Measured:
    with tempfile.NamedTemporaryFile("w", suffix=".requests", delete=False) as file:
        file.write("\n".join(lines) + "\n")
    path = Path(file.name)
    try:
        warm = wrk(port, path, durations.warm_up, 0)
        cpu_before = cpu_seconds(pid)
        with PeakRss(pid) as rss:
            run = wrk(port, path, durations.measure, warm["requests"])
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


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1 s warm-up, 3 s runs")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--targets",
        default="raw,ours,planner-off,scale-out",
        help="comma-separated subset of raw,ours,planner-off,scale-out,traced "
        "(default: all but traced)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of another version (e.g. `git worktree add /tmp/before HEAD~3`): "
        "its server is measured side by side with ours, as 'baseline'",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    durations = Durations(1, 3) if args.quick else Durations(3, 10)
    url: str = args.database_url

    rows, seconds = seed(url)
    log.info("seeded %d rows in %.1f s", rows, seconds)
    tokens = load_tokens(url)
    load = [
        workloads.point(),
        *(workloads.nested(limit) for limit in (10, 50, 100)),
        workloads.reverse(),
        workloads.write(tokens[:-10]),
    ]
    probe_writes = workloads.write(tokens[-10:]).graphql
    statements = count_statements(
        url,
        {
            **{w.name: w.graphql[0] for w in load if not w.name.startswith("W4")},
            "W4 write": probe_writes[1],
            "W4 stale": probe_writes[0],
        },
    )
    log.info("statements per request: %s", statements)
    floor = floor_ms(
        url,
        {
            w.name: (body_of(w.graphql[0])["query"], body_of(w.graphql[0])["variables"])
            for w in load
            if w.name.startswith(("W2", "W3"))
        },
    )
    log.info("GraphQL floor (median CPU ms): %s", floor)

    env = {"DATABASE_URL": url, "MWALLET_LOG_LEVEL": "warning"}
    results: list[Measured] = []
    expected: dict[str, Any] = {}
    targets = set(args.targets.split(","))
    raw_port, ours_port, scaled_port, off_port, baseline_port, traced_port = (
        args.port + n for n in range(6)
    )
    with ExitStack() as running:
        # Both servers run side by side (the idle one costs nothing), and each workload
        # is measured on the raw limit and then on ours: the two figures of a ratio are
        # seconds apart, not minutes, so the machine's drift between them stays small.
        raw_pid = ours_pid = baseline_pid = traced_pid = None
        if "raw" in targets:
            raw_pid = running.enter_context(
                server(raw_command(raw_port), raw_port, "/w1?id=1", env)
            )
        if "ours" in targets:
            ours_pid = running.enter_context(
                server(ours_command(ours_port, 1), ours_port, "/health", env)
            )
        if "traced" in targets:
            # every span made, then dropped: the cost of tracing itself, not of an exporter's
            traced_env = {**env, "MWALLET_TRACING": "on", "OTEL_TRACES_EXPORTER": "none"}
            traced_pid = running.enter_context(
                server(ours_command(traced_port, 1), traced_port, "/health", traced_env)
            )
        if args.baseline is not None:
            baseline_pid = running.enter_context(
                server(
                    baseline_command(baseline_port), baseline_port, "/health", env, args.baseline
                )
            )
        for workload in load:
            if baseline_pid is not None and not workload.name.startswith("W4"):
                results.append(
                    measure(
                        "baseline",
                        baseline_pid,
                        baseline_port,
                        workload,
                        workload.graphql,
                        durations,
                    )
                )
                log.info("%s", results[-1])
            if raw_pid is not None and workload.raw:
                expected[workload.name] = first_response(raw_port, workload.raw[0])
                results.append(
                    measure("raw limit", raw_pid, raw_port, workload, workload.raw, durations)
                )
                log.info("%s", results[-1])
            if ours_pid is not None:
                answer = first_response(ours_port, workload.graphql[0])
                assert expected.get(workload.name, answer) == answer, f"{workload.name} differs"
                results.append(
                    measure("ours", ours_pid, ours_port, workload, workload.graphql, durations)
                )
                log.info("%s", results[-1])
            if traced_pid is not None and not workload.name.startswith("W4"):
                lines = workload.graphql
                results.append(
                    measure("ours, traced", traced_pid, traced_port, workload, lines, durations)
                )
                log.info("%s", results[-1])
    if "planner-off" in targets:
        # the same server executing every query field by field (W4's tokens are spent)
        field_by_field = {**env, "MWALLET_PLANNER": "off"}
        with server(ours_command(off_port, 1), off_port, "/health", field_by_field) as pid:
            for workload in (w for w in load if not w.name.startswith("W4")):
                lines = workload.graphql
                results.append(
                    measure("ours, planner off", pid, off_port, workload, lines, durations)
                )
                log.info("%s", results[-1])
    if "scale-out" in targets:
        with server(ours_command(scaled_port, 2), scaled_port, "/health", env) as pid:
            for workload in (load[0], load[2]):
                lines = workload.graphql
                results.append(
                    measure("ours, 2 workers", pid, scaled_port, workload, lines, durations)
                )
                log.info("%s", results[-1])

    table = render(results, statements, floor, durations)
    sys.stdout.write(table)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(table)


def load_tokens(url: str) -> list[tuple[int, Any]]:
    """Every order's id and current `lastchange`, as a client would have read them."""

    async def read() -> list[tuple[int, Any]]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                result = await connection.execute(
                    text("SELECT id, lastchange FROM orders ORDER BY id")
                )
                return [(row.id, row.lastchange) for row in result]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def render(
    results: list[Measured], statements: dict[str, int], floor: dict[str, float], d: Durations
) -> str:
    raw = {r.workload: r for r in results if r.target == "raw limit"}
    grouped = [
        "raw limit",
        "baseline",
        "ours",
        "ours, traced",
        "ours, planner off",
        "ours, 2 workers",
    ]
    results = sorted(results, key=lambda r: grouped.index(r.target))  # stable: workload order
    header = (
        "| server | workload | req/s | p50 ms | p99 ms | SQL/req | CPU ms/req | CPU µs/object "
        "| peak RSS MB | req/s ÷ raw limit | CPU ÷ raw limit | CPU ÷ GraphQL floor | errors |\n"
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
    )
    lines = []
    for r in results:
        if r.rps == 0:  # every request outlasted the window: nothing to divide by
            empty = " |" * 9
            lines.append(f"| {r.target} | {r.workload} | 0 | no request completed |{empty}")
            continue
        key = r.workload.split()[0]
        if r.target == "raw limit":
            sql = str(RAW_STATEMENTS[key])
        elif key == "W4":
            sql = f"{statements['W4 write']} (stale: {statements['W4 stale']})"
        else:
            sql = str(statements[r.workload])
        base = raw.get(r.workload) if r.target != "raw limit" else None
        vs_raw = f"{r.rps / base.rps:.2f}" if base else ""
        cpu_raw = f"{r.cpu_ms / base.cpu_ms:.2f}" if base else ""
        vs_floor = (
            f"{r.cpu_ms / floor[r.workload]:.2f}"
            if r.workload in floor and r.target == "ours"
            else ""
        )
        lines.append(
            f"| {r.target} | {r.workload} | {r.rps:.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {sql} "
            f"| {r.cpu_ms:.2f} | {1000 * r.cpu_ms / r.objects:.1f} | {r.peak_rss_mb:.0f} "
            f"| {vs_raw} | {cpu_raw} | {vs_floor} | {r.errors} |"
        )
    floors = ", ".join(f"{name}: {ms:.2f} ms" for name, ms in floor.items())
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    return (
        header
        + "\n".join(lines)
        + f"\n\nGraphQL floor (median CPU of 30 in-process executions): {floors}\n"
        + f"wrk: {CONNECTIONS} connections, {WRK_THREADS} threads, {d.measure:g} s after "
        + f"{d.warm_up:g} s warm-up; machine: {machine}\n"
    )


if __name__ == "__main__":
    main()
