"""A request's reads on one connection: taken once, shared by its batches, given back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import Loaders, create_loaders
from loaders.reads import RequestReads
from tests.conftest import StatementCounter, listening
from tests.factories import make_wallet


class Checkouts:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: Any) -> None:
        self.count += 1


@pytest.fixture
def checkouts(engine: AsyncEngine) -> Iterator[Checkouts]:
    counter = Checkouts()
    with listening(engine, "checkout", counter):
        yield counter


def checked_out(engine: AsyncEngine) -> int:
    return int(engine.pool.checkedout())  # type: ignore[attr-defined]


async def read_a_wallet(request: Loaders) -> None:
    """Three levels, and two batches that run at the same time (addresses, orders)."""
    users = await request.user_by_id.page(0, 10)
    ids = [user.id for user in users]
    _, orders = await asyncio.gather(
        request.addresses_by_user_id.load_many(ids), request.orders_by_user_id.load_many(ids)
    )
    await request.transactions_by_order_id.load_many([o.id for group in orders for o in group])


async def test_every_batch_of_a_request_reads_on_one_connection_until_released(
    loaders: Loaders, engine: AsyncEngine, sql: StatementCounter, checkouts: Checkouts
) -> None:
    await make_wallet(loaders, users=3)
    request = create_loaders(loaders.session_maker, RequestReads(engine))
    sql.reset()
    checkouts.count = 0

    await read_a_wallet(request)

    assert sql.count == 4
    assert checkouts.count == 1
    assert checked_out(engine) == 1  # held for the rest of the request
    await request.release()
    assert checked_out(engine) == 0


async def test_reads_after_a_release_take_a_fresh_connection(
    loaders: Loaders, engine: AsyncEngine, checkouts: Checkouts
) -> None:
    await make_wallet(loaders, users=1)
    request = create_loaders(loaders.session_maker, RequestReads(engine))
    await read_a_wallet(request)
    await request.release()
    checkouts.count = 0

    await read_a_wallet(request)

    assert checkouts.count == 1
    await request.release()
    assert checked_out(engine) == 0


async def test_default_loaders_return_each_connection_after_its_batch(
    loaders: Loaders, engine: AsyncEngine, checkouts: Checkouts
) -> None:
    await make_wallet(loaders, users=3)
    request = create_loaders(loaders.session_maker)
    checkouts.count = 0

    await read_a_wallet(request)

    assert checkouts.count == 4
    assert checked_out(engine) == 0  # nothing to release
