"""A mixed soak: reads, writes and write conflicts against a real server for a while.

Starts `mwallet-gql serve` on a free loopback port against DATABASE_URL
(migrated first, then given the benchmark's operator, whom the clients sign in
as), drives it with concurrent clients, and reports status codes,
typed results, latency percentiles and the server's RSS over time. Exits 1 on
any 5xx. Not part of `make test`:

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python -m bench.soak --seconds 60 --clients 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.identity import ENV, authorization, ensure_operator
from gql_server.settings import Settings
from tests.conftest import operation

CLI = Path(sys.executable).parent / "mwallet-gql"
ADDRESS = "query($id: ID!) { address(id: $id) { addressBalance lastchange } }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Tally:
    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()
        self.results: Counter[str] = Counter()
        self.latencies: list[float] = []

    async def post(self, http: httpx.AsyncClient, query: str, variables: Any) -> Any:
        started = time.perf_counter()
        response = await http.post("/graphql", json={"query": query, "variables": variables})
        self.latencies.append(time.perf_counter() - started)
        self.statuses[response.status_code] += 1
        body = response.json() if response.status_code < 500 else {}
        for error in body.get("errors", []):
            self.results[f"error: {error['message']}"] += 1
        return body.get("data")


async def seed(http: httpx.AsyncClient, tally: Tally, run: str) -> list[str]:
    address_ids = []
    for n in range(20):
        user = await tally.post(
            http,
            operation("CreateUser"),
            {"input": {"name": "Soak", "surname": f"S{n}", "email": f"soak-{run}-{n}@x.io"}},
        )
        address = await tally.post(
            http,
            operation("CreateAddress"),
            {"input": {"userId": user["result"]["id"], "address": f"a{n}", "network": "btc"}},
        )
        address_ids.append(address["result"]["id"])
    return address_ids


async def client(http: httpx.AsyncClient, tally: Tally, addresses: list[str], until: float) -> None:
    while time.monotonic() < until:
        roll = random.random()
        if roll < 0.6:
            await tally.post(http, operation("UserPage"), {"limit": 20})
            tally.results["read"] += 1
            continue
        address_id = random.choice(addresses[:5] if roll < 0.75 else addresses)  # hot rows
        read = (await tally.post(http, ADDRESS, {"id": address_id}))["address"]
        balance = f"{float(read['addressBalance']) + 1:.8f}"
        data = await tally.post(
            http,
            operation("UpdateAddress"),
            {
                "input": {
                    "id": address_id,
                    "lastchange": read["lastchange"],
                    "addressBalance": balance,
                }
            },
        )
        tally.results[data["result"]["__typename"] if data else "error"] += 1


async def sample_rss(pid: int, until: float, samples: list[int]) -> None:
    while time.monotonic() < until:
        samples.append(rss_kib(pid))
        await asyncio.sleep(1)


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MWALLET_LOG_LEVEL": "warning", **ENV}
    subprocess.run([str(CLI), "migrate"], check=True, env=env)
    return subprocess.Popen([str(CLI), "serve", "--port", str(port)], env=env)


async def soak(
    args: argparse.Namespace, server: subprocess.Popen[bytes], port: int
) -> dict[str, Any]:
    tally = Tally()
    samples: list[int] = []
    try:
        signed_in = authorization(await ensure_operator(Settings.from_env().database_url))
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=30, headers=signed_in
        ) as http:
            for _ in range(200):
                try:
                    if (await http.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            addresses = await seed(http, tally, str(port))
            until = time.monotonic() + args.seconds
            await asyncio.gather(
                sample_rss(server.pid, until, samples),
                *(client(http, tally, addresses, until) for _ in range(args.clients)),
            )
    finally:
        server.terminate()
    latencies = sorted(tally.latencies)
    third = max(len(samples) // 3, 1)
    return {
        "seconds": args.seconds,
        "clients": args.clients,
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / args.seconds, 1),
        "statuses": dict(tally.statuses),
        "server_errors_5xx": sum(n for code, n in tally.statuses.items() if code >= 500),
        "results": dict(tally.results),
        "latency_ms": {
            "p50": round(1000 * statistics.median(latencies), 1),
            "p99": round(1000 * latencies[int(len(latencies) * 0.99)], 1),
            "max": round(1000 * latencies[-1], 1),
        },
        "rss_kib": {
            "first_third_mean": round(statistics.mean(samples[:third])),
            "last_third_mean": round(statistics.mean(samples[-third:])),
            "max": max(samples),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    port = free_port()
    server = start_server(port)
    report = asyncio.run(soak(parser.parse_args(), server, port))
    report["server_exit_code"] = server.wait(30)
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    sys.exit(1 if report["server_errors_5xx"] else 0)


if __name__ == "__main__":
    main()
