"""A request's reads on one connection: taken once, shared by its batches, given back,
and kept open for the next request while healthy and within the limit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from gql_server.database import create_engine
from loaders import Loaders, create_loaders
from loaders.reads import KeptConnections, RequestReads
from models import Order, User
from tests.conftest import StatementCounter, in_use, listening
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


async def read_a_wallet(request: Loaders) -> None:
    """Three levels, and two batches that run at the same time (addresses, orders)."""
    users = await request.by_id(User).page(0, 10)
    ids = [user.id for user in users]
    _, orders = await asyncio.gather(
        request.children(User.addresses).load_many(ids),
        request.children(User.orders).load_many(ids),
    )
    await request.children(Order.transactions).load_many([o.id for group in orders for o in group])


async def test_every_batch_of_a_request_reads_on_one_connection_until_released(
    loaders: Loaders,
    engine: AsyncEngine,
    app: Starlette,
    sql: StatementCounter,
    checkouts: Checkouts,
) -> None:
    await make_wallet(loaders, users=3)
    request = create_loaders(loaders.session_maker, RequestReads(engine))
    sql.reset()
    checkouts.count = 0

    await read_a_wallet(request)

    assert sql.count == 4
    assert checkouts.count == 1
    assert in_use(app) == 1  # held for the rest of the request
    await request.release()
    assert in_use(app) == 0


async def test_reads_after_a_release_take_a_fresh_connection(
    loaders: Loaders, engine: AsyncEngine, app: Starlette, checkouts: Checkouts
) -> None:
    await make_wallet(loaders, users=1)
    request = create_loaders(loaders.session_maker, RequestReads(engine))
    await read_a_wallet(request)
    await request.release()
    checkouts.count = 0

    await read_a_wallet(request)

    assert checkouts.count == 1
    await request.release()
    assert in_use(app) == 0


async def test_default_loaders_return_each_connection_after_its_batch(
    loaders: Loaders, engine: AsyncEngine, app: Starlette, checkouts: Checkouts
) -> None:
    await make_wallet(loaders, users=3)
    request = create_loaders(loaders.session_maker)
    checkouts.count = 0

    await read_a_wallet(request)

    assert checkouts.count == 4
    assert in_use(app) == 0  # nothing to release


def reading_through(loaders: Loaders, engine: AsyncEngine, kept: KeptConnections) -> Loaders:
    """A request's loaders whose reads come from, and go back to, `kept`."""
    return create_loaders(loaders.session_maker, RequestReads(engine, kept))


def checked_out(engine: AsyncEngine) -> int:
    return int(engine.pool.checkedout())  # type: ignore[attr-defined]


async def test_a_request_reads_on_the_connection_the_last_one_left_open(
    loaders: Loaders, engine: AsyncEngine, sql: StatementCounter, checkouts: Checkouts
) -> None:
    await make_wallet(loaders, users=3)
    kept = KeptConnections(engine, limit=1)
    first = reading_through(loaders, engine, kept)
    await read_a_wallet(first)
    await first.release()
    assert kept.waiting == 1
    sql.reset()
    checkouts.count = 0

    second = reading_through(loaders, engine, kept)
    await read_a_wallet(second)
    await second.release()

    assert (sql.count, checkouts.count) == (4, 0)  # the same statements, no checkout
    assert kept.waiting == 1
    await kept.close()
    assert kept.waiting == 0


async def test_no_more_connections_stay_open_than_the_limit(
    loaders: Loaders, engine: AsyncEngine
) -> None:
    await make_wallet(loaders, users=1)
    before = checked_out(engine)
    kept = KeptConnections(engine, limit=1)
    requests = [reading_through(loaders, engine, kept) for _ in "ab"]
    await asyncio.gather(*(read_a_wallet(request) for request in requests))
    assert checked_out(engine) == before + 2  # one each while they read

    for request in requests:
        await request.release()

    assert kept.waiting == 1
    assert checked_out(engine) == before + 1
    await kept.close()
    assert checked_out(engine) == before


async def test_connections_given_back_after_shutdown_are_not_kept(
    loaders: Loaders, engine: AsyncEngine
) -> None:
    await make_wallet(loaders, users=1)
    kept = KeptConnections(engine, limit=4)
    late = reading_through(loaders, engine, kept)
    await read_a_wallet(late)
    await kept.close()

    await late.release()

    assert kept.waiting == 0


async def test_a_write_takes_a_kept_connection_back_to_the_pool_first(
    loaders: Loaders, engine: AsyncEngine
) -> None:
    await make_wallet(loaders, users=1)
    kept = KeptConnections(engine, limit=4)
    before = checked_out(engine)
    earlier = reading_through(loaders, engine, kept)
    await read_a_wallet(earlier)
    await earlier.release()
    assert (kept.waiting, checked_out(engine)) == (1, before + 1)

    writer = RequestReads(engine, kept)
    await writer.before_write()  # holds none: lets a kept one go

    assert (kept.waiting, checked_out(engine)) == (0, before)


def backend_pid() -> Select[tuple[int]]:
    return select(func.pg_backend_pid())


@pytest.mark.postgres_only
async def test_a_read_cut_short_leaves_its_connection_to_the_pool(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    kept = KeptConnections(engine, limit=1)
    reads = RequestReads(engine, kept)
    slow = asyncio.create_task(reads.fetch(select(func.pg_sleep(5)), None))
    await asyncio.sleep(0.2)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow

    await reads.release()

    assert kept.waiting == 0  # it may still be busy with the statement
    assert checked_out(engine) == 0
    await engine.dispose()


@pytest.mark.postgres_only
async def test_a_dead_kept_connection_is_replaced_and_the_others_let_go(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)
    kept = KeptConnections(engine, limit=2)
    both = [RequestReads(engine, kept) for _ in "ab"]
    pids = {
        rows[0][0] for rows in await asyncio.gather(*(r.fetch(backend_pid(), None) for r in both))
    }
    for reads in both:
        await reads.release()
    assert (len(pids), kept.waiting) == (2, 2)
    async with engine.connect() as admin:  # given: the database dropped them both
        for pid in pids:
            await admin.execute(select(func.pg_terminate_backend(pid)))

    reads = RequestReads(engine, kept)
    rows = await reads.fetch(backend_pid(), None)

    assert rows[0][0] not in pids  # read on a fresh connection
    assert kept.waiting == 0  # the other dead one was let go, not kept for the next request
    await reads.release()
    await kept.close()
    await engine.dispose()
