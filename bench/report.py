"""The benchmark's table: one row per server and workload, with the ratios that matter."""

from __future__ import annotations

import os
import platform

from bench.identity import Identity
from bench.measure import CONNECTIONS, RAW_STATEMENTS, WRK_THREADS, Durations, Measured
from bench.workloads import Workload


def render(
    results: list[Measured],
    statements: dict[str, int],
    floor: dict[str, float],
    d: Durations,
    identity: Identity,
    load: list[Workload],
) -> str:
    raw = {r.workload: r for r in results if r.target == "raw limit"}
    # a customer's answers are a slice of the raw limit's: no ratio between them
    apart = {w.name for w in load if not w.as_raw}
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
        elif r.target == "baseline":
            sql = ""  # counted on our code only: another version's statements are not known
        elif key == "W4":
            sql = f"{statements['W4 write']} (stale: {statements['W4 stale']})"
        else:
            sql = str(statements[r.workload])
        base = raw.get(r.workload) if r.target != "raw limit" and r.workload not in apart else None
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
        + f"\n\n{viewers(identity, load)}\n"
        + f"GraphQL floor (median CPU of 30 in-process executions): {floors}\n"
        + f"wrk: {CONNECTIONS} connections, {WRK_THREADS} threads, {d.measure:g} s after "
        + f"{d.warm_up:g} s warm-up; machine: {machine}\n"
    )


def viewers(identity: Identity, load: list[Workload]) -> str:
    """Whose token the requests carried, and what that makes of the figures."""
    if identity.sees_all:
        return "Requests as: the operator, who sees every row (as anonymous clients did before)."
    apart = [w for w in load if not w.as_raw]
    objects = ", ".join(f"{w.name}: {w.objects}" for w in apart)
    return (
        "Requests as: customers, each with its own token, reading its own rows (W1: itself; "
        "W2: `users(limit:)` returns the customer alone whatever the limit; W3: its own "
        "transactions, on the first page; W4: its own orders). Objects per response: "
        f"{objects}. The raw limit serves every user's rows: no ratio to it for those."
    )
