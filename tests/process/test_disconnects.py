"""Clients that vanish mid-mutation: every write is all-or-nothing and no database
session is left `idle in transaction` or checked out of the pool."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gql_server.http.app import create_app
from tests.conftest import (
    add_operator,
    bearer,
    in_use,
    made,
    operation,
    operator_token_of,
    suite_settings,
    truncate,
)
from tests.tcp_proxy import free_port

pytestmark = pytest.mark.postgres_only
ROUNDS = 100


@pytest.fixture
async def admin(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """The test's own connection; the suite's operator in the database, every row gone after."""
    engine = create_async_engine(postgres_url)
    await add_operator(postgres_url)
    yield engine
    await truncate(engine)
    await engine.dispose()


async def sessions_left(admin: AsyncEngine) -> list[str]:
    """States of this database's other sessions that are inside a transaction."""
    async with admin.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT state FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
            )
        )
        return [row.state for row in rows]


async def started(server: uvicorn.Server) -> None:
    for _ in range(1000):
        if server.started:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("uvicorn did not start")


def create_user_request(n: int, token: str) -> bytes:
    body = json.dumps(
        {
            "query": operation("CreateUser"),
            "variables": {"input": {"name": f"N{n}", "surname": f"S{n}", "email": f"d{n}@x.io"}},
        }
    ).encode()
    head = (
        "POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        f"authorization: Bearer {token}\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


async def test_clients_dropping_the_connection_mid_mutation_leave_nothing_half_done(
    postgres_url: str, admin: AsyncEngine
) -> None:
    port = free_port()
    app = create_app(suite_settings(postgres_url))
    token = operator_token_of(app)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    await started(server)
    complete: set[str] = set()
    try:
        for n in range(ROUNDS):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            request = create_user_request(n, token)
            # half the clients leave mid-body, half while their mutation runs
            cut_at = random.choice([random.randrange(len(request) - 200, len(request)), None])
            if cut_at is None:
                complete.add(str(n))
            writer.write(request[:cut_at])
            await writer.drain()
            await asyncio.sleep(random.random() * 0.005)
            writer.transport.abort()
        signed_in = bearer(token)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers=signed_in
        ) as http:
            users = (
                await http.post(
                    "/graphql", json={"query": "{ users(limit: 100) { id name surname email } }"}
                )
            ).json()
    finally:
        server.should_exit = True
        await serving
    written = made(users["data"]["users"])
    assert written, "no mutation ran: the test cut every client too early"
    for user in written:
        n = user["email"].removeprefix("d").removesuffix("@x.io")
        assert n in complete  # a body cut short never writes
        assert (user["name"], user["surname"]) == (f"N{n}", f"S{n}")
    assert await sessions_left(admin) == []


async def test_requests_cancelled_mid_mutation_return_their_connections(
    postgres_url: str, admin: AsyncEngine
) -> None:
    app = create_app(suite_settings(postgres_url))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        signed_in = bearer(operator_token_of(app))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers=signed_in
        ) as http:
            created = 0
            for n in range(ROUNDS):
                payload = {
                    "query": operation("CreateUser"),
                    "variables": {"input": {"name": "N", "surname": "S", "email": f"c{n}@x.io"}},
                }
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(random.random() * 0.01):
                        await http.post("/graphql", json=payload)
                        created += 1
            await asyncio.sleep(0.2)
            assert in_use(app) == 0
            assert await sessions_left(admin) == []
            users = (
                await http.post("/graphql", json={"query": "{ users(limit: 100) { id } }"})
            ).json()
            assert len(made(users["data"]["users"])) >= created


async def test_reads_finished_or_cancelled_midway_return_their_connections(
    postgres_url: str, admin: AsyncEngine
) -> None:
    app = create_app(suite_settings(postgres_url))
    nested = "{ users(limit: 20) { id addresses { id } orders { id transactions { id } } } }"
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        signed_in = bearer(operator_token_of(app))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://t", headers=signed_in
        ) as http:
            for n in range(5):
                payload = {
                    "query": operation("CreateUser"),
                    "variables": {"input": {"name": "N", "surname": "S", "email": f"r{n}@x.io"}},
                }
                await http.post("/graphql", json=payload)
            # finished: the first reaches the planned path, the second the fast path
            for _ in range(2):
                page = (await http.post("/graphql", json={"query": nested})).json()
                assert len(made(page["data"]["users"])) == 5
                assert in_use(app) == 0
            # cancelled: the same text (fast path) and new texts (Strawberry's path)
            for n in range(ROUNDS):
                query = nested if n % 2 else nested + " " * n
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(random.random() * 0.01):
                        await http.post("/graphql", json={"query": query})
            await asyncio.sleep(0.2)
            assert in_use(app) == 0
