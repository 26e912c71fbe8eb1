"""Pages asked for in one tick: adjacent ones are one read, sliced; a gap is never read."""

from __future__ import annotations

import asyncio

from loaders import Loaders, create_loaders
from loaders.page_loader import PageKey, runs
from models import Order, User
from tests.conftest import StatementCounter
from tests.factories import make_order, make_user


def test_touching_and_overlapping_pages_form_one_run_and_a_gap_starts_another() -> None:
    pages: list[PageKey] = [((), 10, 5), ((), 0, 10), ((), 12, 5), ((), 40, 5)]

    assert list(runs(pages)) == [
        (0, 17, [((), 0, 10), ((), 10, 5), ((), 12, 5)]),
        (40, 45, [((), 40, 5)]),
    ]


async def test_adjacent_pages_in_one_tick_are_one_statement_with_the_right_rows(
    loaders: Loaders, sql: StatementCounter
) -> None:
    # given
    users = [await make_user(loaders) for _ in range(7)]
    reader = create_loaders(loaders.session_maker).by_id(User)  # the next request
    sql.reset()
    # when
    first, second, overlapping = await asyncio.gather(
        reader.page(0, 3), reader.page(3, 3), reader.page(2, 2)
    )
    # then
    ids = [user.id for user in users]
    assert [row.id for row in first] == ids[0:3]
    assert [row.id for row in second] == ids[3:6]
    assert [row.id for row in overlapping] == ids[2:4]
    assert sql.count == 1, sql.statements


async def test_pages_with_a_gap_or_other_filters_are_read_separately(
    loaders: Loaders, sql: StatementCounter
) -> None:
    # given
    users = [await make_user(loaders) for _ in range(6)]
    reader = create_loaders(loaders.session_maker).by_id(User)
    sql.reset()
    # when
    low, high, filtered = await asyncio.gather(
        reader.page(0, 1), reader.page(5, 1), reader.page(0, 5, email=users[2].email)
    )
    # then: one read per run and filter, none of the rows in the gap
    assert [row.id for row in low] == [users[0].id]
    assert [row.id for row in high] == [users[5].id]
    assert [row.id for row in filtered] == [users[2].id]
    assert sql.count == 3, sql.statements


async def test_a_write_drops_cached_pages(loaders: Loaders, sql: StatementCounter) -> None:
    # given: a page read, then a new row written through the same loader
    await make_user(loaders)
    before = await loaders.by_id(User).page(0, 10)
    await make_user(loaders)
    sql.reset()
    # when
    after = await loaders.by_id(User).page(0, 10)
    # then
    assert (len(before), len(after)) == (1, 2)
    assert sql.count == 1


async def test_pages_at_once_are_one_statement_and_then_come_from_the_cache(
    loaders: Loaders, sql: StatementCounter
) -> None:
    # given
    users = [await make_user(loaders) for _ in range(5)]
    reader = create_loaders(loaders.session_maker).by_id(User)
    keys = [reader.page_key(0, 2, {}), reader.page_key(2, 3, {})]
    sql.reset()
    # when
    first, second = await reader.pages(keys)
    again = await reader.pages(keys[1:])
    by_id = await reader.load_all([users[3].id])
    # then: one range read; the page again and its rows by id cost nothing
    assert [row.id for row in first] == [users[0].id, users[1].id]
    assert [row.id for row in second] == [user.id for user in users[2:5]]
    assert again == [second]
    assert by_id == [second[1]]
    assert sql.count == 1, sql.statements


async def test_every_page_of_one_filter_shape_is_one_sql_text(
    loaders: Loaders, sql: StatementCounter
) -> None:
    # given
    users = [await make_user(loaders) for _ in range(4)]
    sql.reset()
    # when: pages of other sizes, offsets and filter values, in separate requests
    for skip, limit, user in [(0, 1, users[0]), (1, 3, users[1]), (2, 50, users[3])]:
        reader = create_loaders(loaders.session_maker).by_id(User)
        assert [row.id for row in await reader.page(skip, limit)] == [
            u.id for u in users[skip : skip + limit]
        ]
        assert [row.id for row in await reader.page(0, 5, email=user.email)] == [user.id]
    # then: the database sees two texts (no filter, an email), never one per value
    assert sql.count == 6
    assert len(set(sql.statements)) == 2, sql.statements


async def test_a_null_filter_matches_rows_where_the_column_is_null(
    loaders: Loaders,
) -> None:
    # given: orders with and without a memo
    user = await make_user(loaders)
    kept = await make_order(loaders, user.id, memo=None)
    await make_order(loaders, user.id, memo="lunch")
    reader = create_loaders(loaders.session_maker).by_id(Order)
    # when
    page = await reader.page(0, 10, memo=None)
    # then: `IS NULL`, not `= NULL` (which matches nothing)
    assert [row.id for row in page] == [kept.id]
