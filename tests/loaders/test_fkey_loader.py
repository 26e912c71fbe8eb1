"""To-many loaders: one statement for all parents of a tick, grouped, primed, refreshed."""

from __future__ import annotations

import asyncio

from gql_server.domain.store import insert_row
from loaders import Loaders, create_loaders
from models import Address, User
from tests.conftest import StatementCounter
from tests.factories import make_address, make_user


async def test_children_of_many_parents_are_one_statement_grouped_and_ordered(
    loaders: Loaders, sql: StatementCounter
) -> None:
    users = [await make_user(loaders) for _ in range(10)]
    expected = {}
    for i, user in enumerate(users[:-1]):
        expected[user.id] = [
            (await make_address(loaders, user.id, network=f"n{k}")).id for k in range(i % 3 + 1)
        ]
    expected[users[-1].id] = []
    request = create_loaders(loaders.session_maker)
    sql.reset()

    groups = await asyncio.gather(*(request.children(User.addresses).load(u.id) for u in users))

    assert sql.count == 1
    assert {u.id: [row.id for row in rows] for u, rows in zip(users, groups, strict=True)} == (
        expected
    )


async def test_loaded_children_are_primed_into_their_id_loader(
    loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders)
    address = await make_address(loaders, user.id)
    request = create_loaders(loaders.session_maker)
    await request.children(User.addresses).load(user.id)
    sql.reset()

    row = await request.by_id(Address).load(address.id)

    assert sql.count == 0
    assert row is not None and row.address == address.address


async def test_a_write_of_a_child_refreshes_its_parents_list(loaders: Loaders) -> None:
    user = await make_user(loaders)
    first = await make_address(loaders, user.id, network="a")
    assert [r.id for r in await loaders.children(User.addresses).load(user.id)] == [first.id]

    second = await make_address(loaders, user.id, network="b")

    assert [r.id for r in await loaders.children(User.addresses).load(user.id)] == [
        first.id,
        second.id,
    ]


async def test_a_whole_level_of_parents_is_one_statement_cached_until_a_write(
    loaders: Loaders, sql: StatementCounter
) -> None:
    owner, other, empty = [await make_user(loaders) for _ in range(3)]
    mine = [(await make_address(loaders, owner.id, network=f"n{k}")).id for k in range(2)]
    theirs = (await make_address(loaders, other.id)).id
    request = create_loaders(loaders.session_maker)
    sql.reset()

    groups = await request.children(User.addresses).load_all([owner.id, empty.id, other.id])
    again = await request.children(User.addresses).load(owner.id)
    assert sql.count == 1
    await insert_row(request, Address, {"user_id": owner.id, "address": "a", "network": "n"})
    after_write = await request.children(User.addresses).load(owner.id)

    assert [[row.id for row in group] for group in groups] == [mine, [], [theirs]]
    assert again is groups[0]
    assert len(after_write) == 3  # the write dropped the cached children
