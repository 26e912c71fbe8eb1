"""The id loader's contract: one statement per tick, a request cache, pages and filters."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

import pytest

from gql_server.database import create_engine, create_session_maker
from loaders import AnyRow, Loaders, create_loaders
from models import Address, User
from tests.conftest import StatementCounter, listening
from tests.factories import make_address, make_user


def present(rows: Sequence[AnyRow | None]) -> list[AnyRow]:
    """`rows`, each of them found (a missing one fails here)."""
    assert None not in rows
    return [row for row in rows if row is not None]


async def test_fifty_loads_in_one_tick_are_one_statement_in_key_order(
    loaders: Loaders, sql: StatementCounter
) -> None:
    users = [await make_user(loaders) for _ in range(50)]
    reader = create_loaders(loaders.session_maker).by_id(User)  # the next request
    wanted = [user.id for user in reversed(users)]
    sql.reset()

    rows = present(await asyncio.gather(*(reader.load(id) for id in wanted)))

    assert sql.count == 1
    assert re.search(r" IN \(|= ANY \(", sql.statements[0].upper())
    assert [row.id for row in rows] == wanted


async def test_batches_of_any_size_send_one_statement_text_on_postgresql(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)
    sql = StatementCounter()
    session_maker = create_session_maker(engine)
    try:
        with listening(engine, "before_cursor_execute", sql):
            for size in (1, 3, 40):
                await create_loaders(session_maker).by_id(User).load_many(list(range(1, size + 1)))
    finally:
        await engine.dispose()

    assert sql.count == 3
    assert len(set(sql.statements)) == 1  # one prepared statement serves every batch size


async def test_repeated_loads_are_served_from_the_cache(
    loaders: Loaders, sql: StatementCounter
) -> None:
    users = [await make_user(loaders) for _ in range(50)]
    reader = create_loaders(loaders.session_maker).by_id(User)  # the next request
    await reader.load_many([user.id for user in users])
    sql.reset()

    again = present(await asyncio.gather(*(reader.load(user.id) for user in users)))

    assert sql.count == 0
    assert [row.email for row in again] == [user.email for user in users]


async def test_missing_ids_load_as_none_in_their_positions(loaders: Loaders) -> None:
    user = await make_user(loaders)

    rows = await loaders.by_id(User).load_many([999_999, user.id, 888_888])

    assert [row and row.id for row in rows] == [None, user.id, None]


async def test_page_orders_by_id_filters_and_primes_the_cache(
    loaders: Loaders, sql: StatementCounter
) -> None:
    owner, other = await make_user(loaders), await make_user(loaders)
    mine = [await make_address(loaders, owner.id, network=f"n{i}") for i in range(5)]
    await make_address(loaders, other.id)
    request = create_loaders(loaders.session_maker)
    sql.reset()

    page = await request.by_id(Address).page(1, 3, user_id=owner.id)
    cached = await request.by_id(Address).load(page[0].id)

    assert [row.id for row in page] == [row.id for row in mine[1:4]]
    assert sql.count == 1
    assert cached is page[0]


async def test_filter_by_matches_equality_and_null(loaders: Loaders) -> None:
    user = await make_user(loaders)
    labelled = await make_address(loaders, user.id, label="cold")
    unlabelled = await make_address(loaders, user.id, network="ltc")

    assert [r.id for r in await loaders.by_id(Address).filter_by(label="cold")] == [labelled.id]
    assert [r.id for r in await loaders.by_id(Address).filter_by(label=None)] == [unlabelled.id]


async def test_filtering_on_an_unknown_column_says_which_columns_exist(loaders: Loaders) -> None:
    with pytest.raises(ValueError, match=r"no column.*colour.*filter on one of"):
        await loaders.by_id(User).page(0, 10, colour="red")


async def test_a_whole_level_of_keys_is_one_statement_and_stays_cached(
    loaders: Loaders, sql: StatementCounter
) -> None:
    users = [await make_user(loaders) for _ in range(5)]
    reader = create_loaders(loaders.session_maker).by_id(User)  # the next request
    wanted = [users[3].id, 999_999, users[0].id]
    sql.reset()

    rows = await reader.load_all(wanted)
    again = await reader.load(users[3].id)

    assert [row and row.id for row in rows] == [users[3].id, None, users[0].id]
    assert sql.count == 1
    assert again is rows[0]


async def test_a_level_reads_only_the_keys_not_cached_yet(
    loaders: Loaders, sql: StatementCounter
) -> None:
    users = [await make_user(loaders) for _ in range(4)]
    reader = create_loaders(loaders.session_maker).by_id(User)
    await reader.load_many([users[0].id, users[1].id])
    sql.reset()

    cached = present(await reader.load_all([users[1].id, users[0].id]))
    assert sql.count == 0
    rows = await reader.load_all([user.id for user in users])

    assert [row.id for row in cached] == [users[1].id, users[0].id]
    assert [row and row.id for row in rows] == [user.id for user in users]
    assert sql.count == 1
    sent = {int(n) for n in re.findall(r"\d+", repr(sql.parameters[0]))}
    assert sent == {users[2].id, users[3].id}
