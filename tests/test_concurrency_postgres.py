"""On PostgreSQL, with real concurrent connections: exactly one writer per token wins."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gql_server.database import create_engine, create_session_maker
from loaders import AnyRow, StaleWrite, create_loaders
from tests.conftest import truncate
from tests.factories import make_user

WRITERS = 8
ROUNDS = 20


@pytest.fixture
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url)
    yield engine
    await truncate(engine)
    await engine.dispose()


async def race(
    session_maker: async_sessionmaker[AsyncSession], id: int, seen: datetime, writers: int
) -> list[AnyRow | StaleWrite]:
    """`writers` updates of row `id`, all presenting `seen`, released at the same moment."""
    loaders = [create_loaders(session_maker).user_by_id for _ in range(writers)]  # one per request
    start = asyncio.Event()

    async def write(n: int) -> AnyRow | StaleWrite:
        await start.wait()
        try:
            return await loaders[n].update(id, seen, {"name": f"writer {n}"})
        except StaleWrite as stale:
            return stale

    tasks = [asyncio.create_task(write(n)) for n in range(writers)]
    await asyncio.sleep(0)
    start.set()
    return await asyncio.gather(*tasks)


async def test_of_concurrent_updates_with_one_token_exactly_one_wins(
    postgres_engine: AsyncEngine,
) -> None:
    session_maker = create_session_maker(postgres_engine)
    row = await make_user(create_loaders(session_maker))

    for _ in range(ROUNDS):
        outcomes = await race(session_maker, row.id, row.lastchange, WRITERS)

        winners = [o for o in outcomes if not isinstance(o, StaleWrite)]
        losers = [o for o in outcomes if isinstance(o, StaleWrite)]
        assert len(winners) == 1, outcomes
        assert [loser.current for loser in losers] == [winners[0].lastchange] * (WRITERS - 1)
        row = winners[0]
