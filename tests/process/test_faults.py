"""Database faults: the server starts without its database, answers cleanly while it is
gone or overloaded, and recovers by itself; no acknowledged write is lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from gql_server.schema.masking import DATABASE_BUSY, DATABASE_UNAVAILABLE
from gql_server.settings import DatabaseLimits
from tests.apps import Served, serving
from tests.conftest import add_operator, operation, truncate
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres_only
USERS = "{ users(limit: 100) { id email } }"


@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[TcpProxy]:
    """A stand-in for the database's address; it starts down."""
    tcp = TcpProxy(target_port=make_url(postgres_url).port or 5432)
    yield tcp
    await tcp.stop()


def through(proxy: TcpProxy, postgres_url: str) -> str:
    return make_url(postgres_url).set(port=proxy.port).render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def no_traceback_in_logs(caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.INFO)
    yield
    logged = caplog.text.lower()
    for leak in ("traceback", "select ", "update ", "asyncpg", "connect call failed"):
        assert leak not in logged, caplog.text


async def errors_of(served: Served, query: str, variables: Any = None) -> list[str]:
    response = await served.post(query, variables)
    assert response.status_code == 200, response.text
    assert "traceback" not in response.text.lower()
    return [error["message"] for error in response.json().get("errors", [])]


async def create_user(served: Served, n: int) -> dict[str, Any]:
    response = await served.post(
        operation("CreateUser"),
        {"input": {"name": "N", "surname": "S", "email": f"u{n}@example.com"}},
    )
    return dict(response.json())


async def test_server_starts_without_its_database_and_recovers_when_it_appears(
    postgres_url: str, proxy: TcpProxy
) -> None:
    async with serving(through(proxy, postgres_url), operator=False) as served:
        # given: the database is down
        assert (await served.http.get("/health")).status_code == 503
        assert await errors_of(served, USERS) == [DATABASE_UNAVAILABLE]
        assert (await create_user(served, 1))["errors"][0]["message"] == DATABASE_UNAVAILABLE
        # when: it comes up, without restarting the server (and holds the operator's row)
        await proxy.start()
        await add_operator(postgres_url)
        # then
        assert (await served.http.get("/health")).status_code == 200
        assert await errors_of(served, USERS) == []
        assert (await create_user(served, 2))["data"]["result"]["__typename"] == "User"
        await truncate(served.app.state.engine)


async def test_connections_cut_mid_traffic_recover_and_keep_every_acknowledged_write(
    postgres_url: str, proxy: TcpProxy
) -> None:
    await proxy.start()
    async with serving(through(proxy, postgres_url)) as served:
        acknowledged: set[str] = set()
        refused = 0
        for n in range(60):
            if n in (20, 40):
                proxy.cut()  # every pooled connection dies, as in a restart
            body = await create_user(served, n)
            if body.get("data") and body["data"]["result"]["__typename"] == "User":
                acknowledged.add(body["data"]["result"]["email"])
            else:
                assert body["errors"][0]["message"] == DATABASE_UNAVAILABLE
                refused += 1
        assert refused == 0  # a dead connection is replaced and the work run once more
        stored = {user["email"] for user in (await served.post(USERS)).json()["data"]["users"]}
        assert acknowledged <= stored
        assert len(acknowledged) == 60
        await truncate(served.app.state.engine)


async def test_killed_backends_are_replaced_without_losing_acknowledged_writes(
    postgres_url: str,
) -> None:
    async with serving(postgres_url) as served:
        admin = create_async_engine(postgres_url)
        acknowledged: set[str] = set()
        for n in range(40):
            if n % 10 == 5:
                async with admin.connect() as connection:
                    await connection.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        )
                    )
            body = await create_user(served, n)
            if body.get("data"):
                acknowledged.add(body["data"]["result"]["email"])
            else:
                assert body["errors"][0]["message"] == DATABASE_UNAVAILABLE
        stored = {user["email"] for user in (await served.post(USERS)).json()["data"]["users"]}
        assert acknowledged <= stored
        assert len(acknowledged) == 40
        await truncate(served.app.state.engine)
        await admin.dispose()


async def test_full_pool_fails_fast_with_a_clean_error_then_recovers(postgres_url: str) -> None:
    limits = DatabaseLimits(pool_size=2, max_overflow=0, pool_timeout_seconds=0.5)
    async with serving(postgres_url, database=limits) as served:
        created = (await create_user(served, 1))["data"]["result"]
        admin = create_async_engine(postgres_url)
        async with admin.connect() as locker:
            # given: a row lock held elsewhere, and two writers that wait on it
            await locker.execute(
                text("SELECT 1 FROM users WHERE id = :id FOR UPDATE"), {"id": int(created["id"])}
            )
            update = operation("UpdateUser")
            blocked = [
                asyncio.create_task(
                    served.post(
                        update,
                        {
                            "input": {
                                "id": created["id"],
                                "lastchange": created["lastchange"],
                                "name": f"w{k}",
                            }
                        },
                    )
                )
                for k in range(2)
            ]
            await asyncio.sleep(0.3)
            # when: a third request needs a connection
            started = asyncio.get_running_loop().time()
            messages = await errors_of(served, USERS)
            waited = asyncio.get_running_loop().time() - started
            # then: a clean refusal within the pool timeout (plus scheduling slack)
            assert messages == [DATABASE_BUSY]
            assert 0.4 <= waited < 3
            await locker.rollback()
        results = [(await task).json()["data"]["result"]["__typename"] for task in blocked]
        assert sorted(results) == ["StaleDataError", "User"]
        assert await errors_of(served, USERS) == []
        await truncate(served.app.state.engine)
        await admin.dispose()


async def test_statement_and_lock_timeouts_are_applied_to_every_connection(
    postgres_url: str,
) -> None:
    limits = DatabaseLimits(statement_timeout_ms=1234, lock_timeout_ms=321)
    async with serving(postgres_url, database=limits) as served:
        async with served.app.state.engine.connect() as connection:
            statement = (await connection.execute(text("SHOW statement_timeout"))).scalar_one()
            lock = (await connection.execute(text("SHOW lock_timeout"))).scalar_one()
        assert (statement, lock) == ("1234ms", "321ms")


async def test_write_waiting_on_a_lock_past_lock_timeout_fails_cleanly(postgres_url: str) -> None:
    limits = DatabaseLimits(lock_timeout_ms=200)
    async with serving(postgres_url, database=limits) as served:
        created = (await create_user(served, 1))["data"]["result"]
        admin = create_async_engine(postgres_url)
        async with admin.connect() as locker:
            await locker.execute(
                text("SELECT 1 FROM users WHERE id = :id FOR UPDATE"), {"id": int(created["id"])}
            )
            body = (
                await served.post(
                    operation("UpdateUser"),
                    {
                        "input": {
                            "id": created["id"],
                            "lastchange": created["lastchange"],
                            "name": "X",
                        }
                    },
                )
            ).json()
            await locker.rollback()
        assert body["data"] is None
        assert body["errors"][0]["message"] == DATABASE_BUSY
        read = await served.post(
            "query($id: ID!) { user(id: $id) { name } }", {"id": created["id"]}
        )
        assert read.json()["data"]["user"]["name"] == "N"
        await truncate(served.app.state.engine)
        await admin.dispose()


async def test_a_write_that_reads_first_needs_one_connection_at_a_time(postgres_url: str) -> None:
    limits = DatabaseLimits(pool_size=1, max_overflow=0, pool_timeout_seconds=0.5)
    async with serving(postgres_url, database=limits) as served:
        user = (await create_user(served, 1))["data"]["result"]
        # given: a write whose rules read first (the owner must exist)
        response = await served.post(
            operation("CreateAddress"),
            {"input": {"userId": user["id"], "address": "bc1qonepool", "network": "bitcoin"}},
        )
        # then: its read connection went back before the write took one
        assert response.json()["data"]["result"]["__typename"] == "Address", response.text
        assert await errors_of(served, USERS) == []
        await truncate(served.app.state.engine)
