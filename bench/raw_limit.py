"""The raw limit: a bare asyncpg + orjson ASGI endpoint, no GraphQL, no ORM.

It answers W1-W3 with the same JSON as the GraphQL server, using the fewest
statements the data allows (1, 4 and 3), so the distance to it is what the
GraphQL layer, the loaders and SQLAlchemy cost.

Serve: `uvicorn --factory bench.raw_limit:create_app` with DATABASE_URL set.
  GET /w1?id=N    -> {"data": {"user": {...}}}
  GET /w2?limit=N -> {"data": {"users": [...]}}
  GET /w3         -> {"data": {"first": [...], "second": [...]}}
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import asyncpg
import orjson

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Json = dict[str, Any]

USER = "SELECT id, name, surname, email FROM users WHERE id = $1"
USERS_PAGE = "SELECT id, name, surname, email FROM users ORDER BY id LIMIT $1"
ADDRESSES = (
    "SELECT id, user_id, address, network, address_balance FROM addresses "
    "WHERE user_id = ANY($1::bigint[]) ORDER BY id"
)
ORDERS = (
    "SELECT id, user_id, order_type, asset, memo FROM orders "
    "WHERE user_id = ANY($1::bigint[]) ORDER BY id"
)
TRANSACTIONS = (
    "SELECT id, order_id, tranx_id, confirmations, meta FROM transactions "
    "WHERE order_id = ANY($1::bigint[]) ORDER BY id"
)
TRANSACTIONS_PAGE = "SELECT id, order_id FROM transactions ORDER BY id LIMIT 200"
ORDERS_BY_ID = "SELECT id, user_id, asset FROM orders WHERE id = ANY($1::bigint[])"
USERS_BY_ID = "SELECT id, email FROM users WHERE id = ANY($1::bigint[])"


def grouped(rows: list[asyncpg.Record], key: str) -> dict[int, list[asyncpg.Record]]:
    by_parent: dict[int, list[asyncpg.Record]] = defaultdict(list)
    for row in rows:
        by_parent[row[key]].append(row)
    return by_parent


async def point(connection: asyncpg.Connection, query: dict[str, list[str]]) -> Json:
    row = await connection.fetchrow(USER, int(query["id"][0]))
    user = None if row is None else {**dict(row), "id": str(row["id"])}
    return {"user": user}


async def nested(connection: asyncpg.Connection, query: dict[str, list[str]]) -> Json:
    users = await connection.fetch(USERS_PAGE, int(query.get("limit", ["50"])[0]))
    user_ids = [user["id"] for user in users]
    addresses = grouped(await connection.fetch(ADDRESSES, user_ids), "user_id")
    orders = await connection.fetch(ORDERS, user_ids)
    transactions = grouped(
        await connection.fetch(TRANSACTIONS, [order["id"] for order in orders]), "order_id"
    )
    orders_by_user = grouped(orders, "user_id")
    return {
        "users": [
            {
                "id": str(user["id"]),
                "name": user["name"],
                "surname": user["surname"],
                "email": user["email"],
                "addresses": [
                    {
                        "id": str(a["id"]),
                        "address": a["address"],
                        "network": a["network"],
                        "addressBalance": format(a["address_balance"], "f"),
                    }
                    for a in addresses.get(user["id"], [])
                ],
                "orders": [
                    {
                        "id": str(o["id"]),
                        "orderType": o["order_type"],
                        "asset": o["asset"],
                        "memo": o["memo"],
                        "transactions": [
                            {
                                "id": str(t["id"]),
                                "tranxId": t["tranx_id"],
                                "confirmations": t["confirmations"],
                                "meta": None if t["meta"] is None else orjson.loads(t["meta"]),
                            }
                            for t in transactions.get(o["id"], [])
                        ],
                    }
                    for o in orders_by_user.get(user["id"], [])
                ],
            }
            for user in users
        ]
    }


async def reverse(connection: asyncpg.Connection, _: dict[str, list[str]]) -> Json:
    transactions = await connection.fetch(TRANSACTIONS_PAGE)
    orders = {
        o["id"]: o
        for o in await connection.fetch(ORDERS_BY_ID, list({t["order_id"] for t in transactions}))
    }
    users = {
        u["id"]: u
        for u in await connection.fetch(USERS_BY_ID, list({o["user_id"] for o in orders.values()}))
    }

    def shaped(t: asyncpg.Record) -> Json:
        order = orders[t["order_id"]]
        user = users[order["user_id"]]
        return {
            "id": str(t["id"]),
            "order": {
                "id": str(order["id"]),
                "asset": order["asset"],
                "user": {"id": str(user["id"]), "email": user["email"]},
            },
        }

    return {
        "first": [shaped(t) for t in transactions[:100]],
        "second": [shaped(t) for t in transactions[100:]],
    }


ROUTES = {"/w1": point, "/w2": nested, "/w3": reverse}


class RawLimit:
    """The ASGI app; one pooled connection per request."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        handler = ROUTES.get(scope["path"])
        if handler is None or self.pool is None:
            await respond(send, 404, b'{"error": "not found"}')
            return
        query = parse_qs(scope["query_string"].decode())
        async with self.pool.acquire() as connection:
            data = await handler(connection, query)
        await respond(send, 200, orjson.dumps({"data": data}))

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.pool = await asyncpg.create_pool(self.dsn, min_size=1, max_size=10)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def respond(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app() -> RawLimit:
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
    return RawLimit(url.replace("postgresql+asyncpg://", "postgresql://"))
