"""The store's writes: inserts that prime the cache, compare-and-set updates and deletes
(stale, not found, in use), refused inserts."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from gql_server.domain.errors import ConstraintViolated, RowInUse, RowNotFound, StaleWrite
from gql_server.domain.store import delete_row, update_row
from loaders import Loaders
from models import Order, User
from tests.conftest import StatementCounter
from tests.factories import make_order, make_user


async def test_insert_primes_the_cache_so_a_later_load_costs_nothing(
    loaders: Loaders, sql: StatementCounter
) -> None:
    sql.reset()
    user = await make_user(loaders, name="Primed")

    loaded = await loaders.by_id(User).load(user.id)

    assert sql.count == 1  # the INSERT ... RETURNING only
    assert loaded is not None and loaded.name == "Primed"


async def test_update_with_the_current_token_writes_and_issues_a_newer_token(
    loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders)
    await loaders.by_id(User).load(user.id)
    sql.reset()

    updated = await update_row(loaders, User, user.id, user.lastchange, {"name": "Renamed"})
    seen_later = await loaders.by_id(User).load(user.id)

    assert sql.count == 1  # one atomic UPDATE ... WHERE id AND lastchange RETURNING
    assert updated.name == "Renamed"
    assert updated.lastchange > user.lastchange
    assert seen_later is not None and seen_later.name == "Renamed"


async def test_update_with_an_old_token_is_refused_with_the_current_one(loaders: Loaders) -> None:
    user = await make_user(loaders)
    current = await update_row(loaders, User, user.id, user.lastchange, {"name": "First"})

    with pytest.raises(StaleWrite) as refused:
        await update_row(loaders, User, user.id, user.lastchange, {"name": "Second"})

    assert refused.value.current == current.lastchange
    [row] = await loaders.by_id(User).filter_by(id=user.id)
    assert row.name == "First"


async def test_update_of_a_missing_row_is_not_found(loaders: Loaders) -> None:
    user = await make_user(loaders)

    with pytest.raises(RowNotFound):
        await update_row(loaders, User, user.id + 1000, user.lastchange, {"name": "x"})


async def test_a_token_differing_by_one_microsecond_is_stale(loaders: Loaders) -> None:
    user = await make_user(loaders)

    with pytest.raises(StaleWrite):
        await update_row(
            loaders, User, user.id, user.lastchange - timedelta(microseconds=1), {"name": "x"}
        )


async def test_back_to_back_updates_get_strictly_increasing_tokens(loaders: Loaders) -> None:
    row = await make_user(loaders)
    tokens = [row.lastchange]
    for n in range(200):
        row = await update_row(loaders, User, row.id, row.lastchange, {"name": f"v{n}"})
        tokens.append(row.lastchange)

    assert all(earlier < later for earlier, later in itertools.pairwise(tokens))


async def test_delete_with_the_current_token_removes_the_row(loaders: Loaders) -> None:
    user = await make_user(loaders)

    await delete_row(loaders, User, user.id, user.lastchange)

    assert await loaders.by_id(User).load(user.id) is None
    assert await loaders.by_id(User).filter_by(id=user.id) == []


async def test_delete_with_an_old_token_is_stale_and_keeps_the_row(loaders: Loaders) -> None:
    user = await make_user(loaders)
    await update_row(loaders, User, user.id, user.lastchange, {"name": "Newer"})

    with pytest.raises(StaleWrite):
        await delete_row(loaders, User, user.id, user.lastchange)

    assert len(await loaders.by_id(User).filter_by(id=user.id)) == 1


async def test_delete_of_a_missing_row_is_not_found(loaders: Loaders) -> None:
    user = await make_user(loaders)

    with pytest.raises(RowNotFound):
        await delete_row(loaders, User, user.id + 1000, user.lastchange)


async def test_delete_of_a_referenced_row_is_refused_and_keeps_everything(
    loaders: Loaders,
) -> None:
    user = await make_user(loaders)
    order = await make_order(loaders, user.id)

    with pytest.raises(RowInUse):
        await delete_row(loaders, User, user.id, user.lastchange)

    assert len(await loaders.by_id(User).filter_by(id=user.id)) == 1
    assert len(await loaders.by_id(Order).filter_by(id=order.id)) == 1


async def test_an_insert_the_database_refuses_raises_and_writes_nothing(loaders: Loaders) -> None:
    user = await make_user(loaders, email="taken@example.com")

    with pytest.raises(ConstraintViolated):
        await make_user(loaders, email="taken@example.com")

    assert [row.id for row in await loaders.by_id(User).filter_by(email="taken@example.com")] == [
        user.id
    ]
