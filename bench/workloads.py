"""The four workloads: their GraphQL documents and the request lines wrk replays.

A request line is METHOD<TAB>PATH, then <TAB>BODY when it has one, then <TAB>TOKEN
when it carries a bearer token (JSON escapes tabs inside strings, so a body has none).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.identity import Identity
from gql_server.schema.scalars import serialize_datetime

HERE = Path(__file__).resolve().parent
USERS = 2_000
TRANSACTIONS_PER_USER = 5 * 4  # 5 orders, 4 transactions each
OBJECTS_PER_USER = 1 + 2 + 5 + TRANSACTIONS_PER_USER  # a user, its addresses, orders, transactions
OBJECTS_PER_TRANSACTION = 4  # W3, as every earlier table counted them
STALE_EVERY = 10  # W4: every tenth write presents an outdated lastchange


def document(name: str) -> str:
    return (HERE / "workloads" / f"{name}.graphql").read_text()


def graphql_line(query: str, variables: dict[str, Any], token: str | None = None) -> str:
    body = json.dumps({"query": query, "variables": variables}, separators=(",", ":"))
    return f"POST\t/graphql\t{body}" + (f"\t{token}" if token else "")


def body_of(line: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(line.split("\t")[2])
    return result


def headers_of(line: str) -> dict[str, str]:
    """The headers a request line asks for beyond its body's: its bearer token, if any."""
    fields = line.split("\t")
    return {"Authorization": f"Bearer {fields[3]}"} if len(fields) > 3 and fields[3] else {}


def customers() -> list[int]:
    """Every customer's id, in one shuffled order for every run."""
    ids = list(range(1, USERS + 1))
    random.Random(1).shuffle(ids)
    return ids


@dataclass(frozen=True)
class Workload:
    name: str
    graphql: list[str]  # request lines for our server
    raw: list[str]  # request lines for the raw limit (empty: not comparable)
    objects: int = 0  # objects in one response, where that is fixed
    # objects in one of the raw limit's responses where ours hold fewer (a customer's
    # answers are a slice of it)
    raw_objects: int | None = None

    @property
    def as_raw(self) -> bool:
        """Our answers are the raw limit's."""
        return self.raw_objects is None

    def objects_of(self, lines: list[str]) -> int:
        """Objects in one response to `lines`: ours, or the raw limit's."""
        if lines is self.raw and self.raw_objects is not None:
            return self.raw_objects
        return self.objects


def point(identity: Identity) -> Workload:
    """A user by id: the operator reads any; a customer reads itself."""
    ids = customers()
    query = document("w1_point")
    return Workload(
        name="W1 point",
        graphql=[graphql_line(query, {"id": str(n)}, identity.bearer(n)) for n in ids],
        raw=[f"GET\t/w1?id={n}" for n in ids],
        objects=1,
    )


def nested(limit: int, identity: Identity) -> Workload:
    """A page of users with everything they own; a customer's page holds itself alone."""
    query = document("w2_nested")
    tokens = [identity.bearer(n) for n in identity.viewers(customers())]
    return Workload(
        name=f"W2 nested limit={limit}",
        graphql=[graphql_line(query, {"limit": limit}, token) for token in tokens],
        raw=[f"GET\t/w2?limit={limit}"],
        objects=(limit if identity.sees_all else 1) * OBJECTS_PER_USER,
        raw_objects=None if identity.sees_all else limit * OBJECTS_PER_USER,
    )


def reverse(identity: Identity) -> Workload:
    """Two pages of 100 transactions with their owners; a customer's are its own 20."""
    query = document("w3_reverse")
    tokens = [identity.bearer(n) for n in identity.viewers(customers())]
    every = 200 * OBJECTS_PER_TRANSACTION
    return Workload(
        name="W3 reverse",
        graphql=[graphql_line(query, {}, token) for token in tokens],
        raw=["GET\t/w3"],
        objects=every if identity.sees_all else TRANSACTIONS_PER_USER * OBJECTS_PER_TRANSACTION,
        raw_objects=None if identity.sees_all else every,
    )


def write(orders: Iterable[tuple[int, int, datetime]], identity: Identity) -> Workload:
    """One update per order (id, owner, lastchange) with the lastchange a client read,
    sent as the operator or as the order's owner; every tenth one is stale."""
    query = document("w4_write")
    lines = []
    for n, (order_id, owner, lastchange) in enumerate(orders):
        seen = lastchange - timedelta(seconds=1) if n % STALE_EVERY == 0 else lastchange
        update = {"id": str(order_id), "lastchange": serialize_datetime(seen), "memo": f"w{n}"}
        lines.append(graphql_line(query, {"input": update}, identity.bearer(owner)))
    return Workload(name="W4 write", graphql=lines, raw=[], objects=1)
