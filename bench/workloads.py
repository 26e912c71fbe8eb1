"""The four workloads: their GraphQL documents and the request lines wrk replays."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from gql_server.schema.scalars import serialize_datetime

HERE = Path(__file__).resolve().parent
USERS = 2_000
OBJECTS_PER_USER = 1 + 2 + 5 + 5 * 4  # the user, its addresses, orders and transactions
STALE_EVERY = 10  # W4: every tenth write presents an outdated token


def document(name: str) -> str:
    return (HERE / "workloads" / f"{name}.graphql").read_text()


def graphql_line(query: str, variables: dict[str, Any]) -> str:
    body = json.dumps({"query": query, "variables": variables}, separators=(",", ":"))
    return f"POST\t/graphql\t{body}"


@dataclass(frozen=True)
class Workload:
    name: str
    graphql: list[str]  # request lines for our server
    raw: list[str]  # request lines for the raw limit (empty: not comparable)
    objects: int = 0  # objects in one response, where that is fixed


def point() -> Workload:
    ids = list(range(1, USERS + 1))
    random.Random(1).shuffle(ids)
    query = document("w1_point")
    return Workload(
        name="W1 point",
        graphql=[graphql_line(query, {"id": str(n)}) for n in ids],
        raw=[f"GET\t/w1?id={n}" for n in ids],
        objects=1,
    )


def nested(limit: int) -> Workload:
    return Workload(
        name=f"W2 nested limit={limit}",
        graphql=[graphql_line(document("w2_nested"), {"limit": limit})],
        raw=[f"GET\t/w2?limit={limit}"],
        objects=limit * OBJECTS_PER_USER,
    )


def reverse() -> Workload:
    return Workload(
        name="W3 reverse",
        graphql=[graphql_line(document("w3_reverse"), {})],
        raw=["GET\t/w3"],
        objects=200 * 4,
    )


def write(tokens: Iterable[tuple[int, datetime]]) -> Workload:
    """One update per order with the token a client read; every tenth one is stale."""
    query = document("w4_write")
    lines = []
    for n, (order_id, lastchange) in enumerate(tokens):
        seen = lastchange - timedelta(seconds=1) if n % STALE_EVERY == 0 else lastchange
        update = {"id": str(order_id), "lastchange": serialize_datetime(seen), "memo": f"w{n}"}
        lines.append(graphql_line(query, {"input": update}))
    return Workload(name="W4 write", graphql=lines, raw=[], objects=1)
