"""After a burst, an idle worker falls back to its pool size in open connections,
the read connections it keeps between requests included (PostgreSQL only: it counts
the server's backends)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.database import create_engine
from gql_server.settings import DatabaseLimits
from loaders import create_loaders
from tests.apps import serving
from tests.conftest import truncate
from tests.factories import make_wallet

NESTED = "{ users(limit: 3) { id orders { id transactions { id } } } }"
BACKENDS = text(
    "SELECT pid FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


async def backend_pids(engine: AsyncEngine) -> set[int]:
    async with engine.connect() as connection:
        return set((await connection.execute(BACKENDS)).scalars())


async def test_an_idle_worker_keeps_no_more_than_its_pool_size_open_after_a_burst(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)  # counts backends; not the worker's own
    try:
        await burst_then_count(postgres_url, engine)
    finally:
        await truncate(engine)
        await engine.dispose()


async def burst_then_count(postgres_url: str, engine: AsyncEngine) -> None:
    # given: a worker allowed 4 pooled connections and 6 more in a burst
    others = await backend_pids(engine)
    limits = DatabaseLimits(pool_size=4, max_overflow=6)
    async with serving(postgres_url, database=limits) as served:
        await make_wallet(create_loaders(served.app.state.session_maker), users=3)
        # when: a burst needs every connection, then the worker goes idle
        answers = await asyncio.gather(*(served.post(NESTED) for _ in range(60)))
        assert {answer.status_code for answer in answers} == {200}
        opened: set[int] = set()
        for _ in range(50):  # closed connections leave pg_stat_activity within moments
            opened = await backend_pids(engine) - others
            if len(opened) <= limits.pool_size:
                break
            await asyncio.sleep(0.1)
        # then: kept read connections and pooled ones together stay within the pool size
        assert len(opened) <= limits.pool_size
        assert served.app.state.kept_connections.waiting == limits.pool_size // 2
