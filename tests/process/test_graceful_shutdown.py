"""SIGTERM under load: in-flight requests finish, the server exits 0, no backend is left."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import (
    SUITE_JWT_SECRET,
    add_operator,
    bearer,
    operation,
    operator_token_for_servers,
    truncate,
)
from tests.tcp_proxy import free_port

pytestmark = pytest.mark.postgres_only
CLI = Path(sys.executable).parent / "mwallet-gql"


async def backends(admin_url: str) -> int:
    engine = create_async_engine(admin_url)
    async with engine.connect() as connection:
        count = (
            await connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        ).scalar_one()
    await engine.dispose()
    return int(count)


async def healthy(http: httpx.AsyncClient) -> None:
    for _ in range(300):
        try:
            if (await http.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("server did not come up")


async def test_sigterm_lets_in_flight_requests_finish_and_exits_zero(postgres_url: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "MWALLET_LOG_LEVEL": "warning",
        "MWALLET_JWT_SECRET": SUITE_JWT_SECRET,
    }
    await add_operator(postgres_url)
    server = await asyncio.create_subprocess_exec(str(CLI), "serve", "--port", str(port), env=env)
    admin = create_async_engine(postgres_url)
    signed_in = bearer(operator_token_for_servers())
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=30, headers=signed_in
        ) as http:
            await healthy(http)
            created = await http.post(
                "/graphql",
                json={
                    "query": operation("CreateUser"),
                    "variables": {"input": {"name": "A", "surname": "B", "email": "a@b.io"}},
                },
            )
            user = created.json()["data"]["result"]
            async with admin.connect() as locker:
                # given: requests in flight, held up by a row lock
                await locker.execute(
                    text("SELECT 1 FROM users WHERE id = :id FOR UPDATE"), {"id": int(user["id"])}
                )
                update = {"id": user["id"], "lastchange": user["lastchange"]}
                in_flight = [
                    asyncio.create_task(
                        http.post(
                            "/graphql",
                            json={
                                "query": operation("UpdateUser"),
                                "variables": {"input": {**update, "name": f"w{k}"}},
                            },
                        )
                    )
                    for k in range(5)
                ]
                await asyncio.sleep(0.5)
                # when: the server is told to stop, then the lock goes away
                server.send_signal(signal.SIGTERM)
                await asyncio.sleep(0.5)
                await locker.rollback()
            responses = await asyncio.gather(*in_flight)
        # then
        assert [r.status_code for r in responses] == [200] * 5
        kinds = sorted(r.json()["data"]["result"]["__typename"] for r in responses)
        assert kinds == ["StaleDataError"] * 4 + ["User"]
        assert await asyncio.wait_for(server.wait(), 30) == 0
        await admin.dispose()  # our own lock connection is not the server's
        assert await backends(postgres_url) == 0
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
        await truncate(admin)
        await admin.dispose()
