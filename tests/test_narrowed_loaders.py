"""Loaders that read only some columns: what they select, cache and refuse."""

from __future__ import annotations

import re

import pytest

from loaders import Loaders, create_loaders, projection_of
from tests.conftest import StatementCounter
from tests.factories import make_address, make_user


def selected(statement: str) -> str:
    """The column list of a SELECT."""
    return re.split(r"\s+FROM\s+", statement)[0]


async def test_a_narrowed_loader_selects_only_the_columns_asked_for_and_id(
    loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders, email="narrow@example.com")
    narrowed = create_loaders(loaders.session_maker).narrowed(
        projection_of({"user_by_id": {"email"}})
    )
    sql.reset()

    row = await narrowed.user_by_id.load(user.id)

    assert row is not None
    assert row._fields == ("id", "email")
    assert (row.id, row.email) == (user.id, "narrow@example.com")
    assert selected(sql.statements[0]) == "SELECT users.id, users.email"


async def test_narrowed_children_carry_their_foreign_key_and_prime_their_id_loader(
    loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders)
    first = await make_address(loaders, user.id, network="litecoin")
    second = await make_address(loaders, user.id, network="dash")
    narrowed = create_loaders(loaders.session_maker).narrowed(
        projection_of({"addresses_by_user_id": {"network"}})
    )
    sql.reset()

    children = await narrowed.addresses_by_user_id.load(user.id)
    again = await narrowed.address_by_id.load(second.id)

    assert [(row.id, row.user_id, row.network) for row in children] == [
        (first.id, user.id, "litecoin"),
        (second.id, user.id, "dash"),
    ]
    assert again is children[1]
    assert sql.count == 1
    assert "account_key" not in sql.statements[0]


async def test_pages_of_a_narrowed_loader_read_only_its_columns(
    loaders: Loaders, sql: StatementCounter
) -> None:
    users = [await make_user(loaders) for _ in range(3)]
    narrowed = create_loaders(loaders.session_maker).narrowed(
        projection_of({"user_by_id": {"surname"}})
    )
    sql.reset()

    (page,) = await narrowed.user_by_id.pages([narrowed.user_by_id.page_key(1, 2, {})])

    assert [(row.id, row.surname) for row in page] == [(u.id, u.surname) for u in users[1:]]
    assert selected(sql.statements[0]) == "SELECT users.id, users.surname"


async def test_rows_read_narrowed_never_serve_a_reader_of_whole_rows(
    loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders, name="Whole")
    request = create_loaders(loaders.session_maker)
    await request.narrowed(projection_of({"user_by_id": {"email"}})).user_by_id.load(user.id)
    sql.reset()

    row = await request.user_by_id.load(user.id)

    assert row is not None and row.name == "Whole"
    assert sql.count == 1


async def test_one_request_reuses_its_narrowed_loaders_for_the_same_columns(
    loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders)
    request = create_loaders(loaders.session_maker)
    await request.narrowed(projection_of({"user_by_id": {"email", "name"}})).user_by_id.load(
        user.id
    )
    sql.reset()

    await request.narrowed(projection_of({"user_by_id": ["name", "email"]})).user_by_id.load(
        user.id
    )

    assert sql.count == 0


async def test_a_narrowed_loader_refuses_to_write_and_writes_nothing(loaders: Loaders) -> None:
    user = await make_user(loaders, name="Kept")
    narrowed = create_loaders(loaders.session_maker).narrowed(
        projection_of({"user_by_id": {"name"}})
    )

    with pytest.raises(TypeError, match="never writes"):
        await narrowed.user_by_id.update(user.id, user.lastchange, {"name": "Lost"})
    with pytest.raises(TypeError, match="never writes"):
        await narrowed.user_by_id.insert({"name": "N", "surname": "S", "email": "n@example.com"})

    reread = await create_loaders(loaders.session_maker).user_by_id.load(user.id)
    assert reread is not None and reread.name == "Kept"
    assert reread.lastchange == user.lastchange
    assert await loaders.user_by_id.filter_by(email="n@example.com") == []


async def test_an_unknown_column_is_refused_with_the_table_named(loaders: Loaders) -> None:
    narrowed = create_loaders(loaders.session_maker).narrowed(
        projection_of({"user_by_id": {"nickname"}})
    )

    with pytest.raises(ValueError, match=r"users has no column\(s\) \['nickname'\]"):
        narrowed.user_by_id  # noqa: B018 (built on first use)


def test_an_unknown_loader_name_is_refused(loaders: Loaders) -> None:
    with pytest.raises(LookupError, match="no loader named 'wallet_by_id'"):
        projection_of({"wallet_by_id": {"id"}})


async def test_releasing_a_request_empties_its_narrowed_caches(loaders: Loaders) -> None:
    user = await make_user(loaders)
    request = create_loaders(loaders.session_maker)
    narrowed = request.narrowed(projection_of({"user_by_id": {"email"}}))
    await narrowed.user_by_id.load(user.id)

    await request.release()

    assert not narrowed.user_by_id._cache and not narrowed.user_by_id._primed
