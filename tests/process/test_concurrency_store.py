"""Optimistic concurrency under real contention in the store: many PostgreSQL connections
at once.

Clients are released together (one event, many pooled connections), so the
compare-and-set in `UPDATE ... WHERE id AND lastchange` is what decides: one winner,
no lost update, a distinct token for every write.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from gql_server.database import create_session_maker
from gql_server.domain.errors import StaleWrite
from gql_server.domain.store import update_row
from loaders import Loaders, create_loaders
from models import Address, User
from tests.conftest import truncate
from tests.factories import make_address, make_user
from tests.process.contention import MAX_CLIENTS, released_together

pytestmark = pytest.mark.postgres_only
ROUNDS = 200


@pytest.fixture
async def session_maker(postgres_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Loader-level clients: one pooled connection each, no pre-ping round trip."""
    engine = create_async_engine(
        postgres_url,
        pool_size=MAX_CLIENTS + 2,
        max_overflow=0,
        # Commits need not wait for the disk here: visibility and locking are unchanged.
        connect_args={"server_settings": {"synchronous_commit": "off"}},
    )
    yield create_session_maker(engine)
    await truncate(engine)
    await engine.dispose()


async def test_exactly_one_of_k_clients_with_the_same_token_wins(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    setup = create_loaders(session_maker)
    address = await make_address(setup, (await make_user(setup)).id)
    token = address.lastchange
    for round_number in range(ROUNDS):
        clients = 2 + round_number % (MAX_CLIENTS - 1)
        outcomes = await released_together(
            *(
                outcome(create_loaders(session_maker), address.id, token, {"label": f"c{k}"})
                for k in range(clients)
            )
        )
        winners = [o for o in outcomes if not isinstance(o, StaleWrite)]
        assert len(winners) == 1, (round_number, outcomes)
        assert all(o.current == winners[0].lastchange for o in outcomes if o not in winners)
        token = winners[0].lastchange


async def outcome(loaders: Loaders, id: int, token: datetime, values: dict[str, Any]) -> Any:
    try:
        return await update_row(loaders, Address, id, token, values)
    except StaleWrite as stale:
        return stale


async def increment_until_done(
    session_maker: async_sessionmaker[AsyncSession], address_id: int, times: int
) -> int:
    """Read-modify-write `times` increments, each retried on a stale token."""
    acknowledged = 0
    while acknowledged < times:
        loaders = create_loaders(session_maker)  # a fresh request: nothing cached
        read = await loaders.by_id(Address).load(address_id)
        assert read is not None
        balance = read.address_balance + 1
        try:
            await update_row(
                loaders, Address, address_id, read.lastchange, {"address_balance": balance}
            )
        except StaleWrite:
            continue
        acknowledged += 1
    return acknowledged


async def test_no_lost_updates_with_retry_on_stale_data(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    setup = create_loaders(session_maker)
    address = await make_address(setup, (await make_user(setup)).id)
    acknowledged = await released_together(
        *(increment_until_done(session_maker, address.id, 200) for _ in range(8))
    )
    final = await create_loaders(session_maker).by_id(Address).load(address.id)
    assert final is not None
    assert final.address_balance == sum(acknowledged) == 1600


async def test_ten_thousand_back_to_back_updates_give_distinct_tokens(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    loaders = create_loaders(session_maker)
    user = await make_user(loaders)
    tokens = [user.lastchange]
    for n in range(10_000):
        row = await update_row(loaders, User, user.id, tokens[-1], {"name": f"n{n}"})
        tokens.append(row.lastchange)
    assert len(set(tokens)) == len(tokens) == 10_001
    assert tokens == sorted(tokens)
