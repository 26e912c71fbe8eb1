"""Run the benchmark: seed, floor, then our server and the raw limit under wrk, one table.

Usage: `python -m bench.run [--quick] [--output FILE]` (or `bench/run`). Targets only
127.0.0.1; every load run is bounded by wrk's duration, and the servers it starts are
stopped before it returns.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import identity, workloads
from bench.graphql_floor import floor_ms
from bench.identity import ensure_operator, operator_token
from bench.measure import (
    Durations,
    Measured,
    baseline_command,
    first_response,
    measure,
    ours_command,
    raw_command,
    server,
)
from bench.report import render
from bench.seed import DEFAULT_URL, seed
from bench.statements import body_of, count_statements
from gql_server.database import create_engine

log = logging.getLogger("bench.run")


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
    token = operator_token(asyncio.run(ensure_operator(url)))
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
        token,
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

    env = {"DATABASE_URL": url, "MWALLET_LOG_LEVEL": "warning", **identity.ENV}
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
                # before and after must answer alike, as ours and the raw limit must
                expected[workload.name] = first_response(baseline_port, workload.graphql[0], token)
                results.append(
                    measure(
                        "baseline",
                        baseline_pid,
                        baseline_port,
                        workload,
                        workload.graphql,
                        durations,
                        token,
                    )
                )
                log.info("%s", results[-1])
            if raw_pid is not None and workload.raw:
                raw_answer = first_response(raw_port, workload.raw[0], token)
                assert expected.setdefault(workload.name, raw_answer) == raw_answer, (
                    f"{workload.name}: the raw limit and the baseline differ"
                )
                results.append(
                    measure(
                        "raw limit", raw_pid, raw_port, workload, workload.raw, durations, token
                    )
                )
                log.info("%s", results[-1])
            if ours_pid is not None:
                answer = first_response(ours_port, workload.graphql[0], token)
                assert expected.get(workload.name, answer) == answer, f"{workload.name} differs"
                results.append(
                    measure(
                        "ours", ours_pid, ours_port, workload, workload.graphql, durations, token
                    )
                )
                log.info("%s", results[-1])
            if traced_pid is not None and not workload.name.startswith("W4"):
                lines = workload.graphql
                results.append(
                    measure(
                        "ours, traced", traced_pid, traced_port, workload, lines, durations, token
                    )
                )
                log.info("%s", results[-1])
    if "planner-off" in targets:
        # the same server executing every query field by field (W4's tokens are spent)
        field_by_field = {**env, "MWALLET_PLANNER": "off"}
        with server(ours_command(off_port, 1), off_port, "/health", field_by_field) as pid:
            for workload in (w for w in load if not w.name.startswith("W4")):
                lines = workload.graphql
                results.append(
                    measure("ours, planner off", pid, off_port, workload, lines, durations, token)
                )
                log.info("%s", results[-1])
    if "scale-out" in targets:
        with server(ours_command(scaled_port, 2), scaled_port, "/health", env) as pid:
            for workload in (load[0], load[2]):
                lines = workload.graphql
                results.append(
                    measure("ours, 2 workers", pid, scaled_port, workload, lines, durations, token)
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


if __name__ == "__main__":
    main()
