"""Loaders that read only some columns: what they select, cache and refuse."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.orm import InstrumentedAttribute, RelationshipProperty

from gql_server.domain.store import insert_row, update_row
from loaders import Loaders, create_loaders, projection_of
from models import Address, Order, User
from tests.conftest import StatementCounter
from tests.factories import make_address, make_user


def relationship(attribute: InstrumentedAttribute[Any]) -> RelationshipProperty[Any]:
    """The relationship behind a mapped attribute (`.property` is typed as any mapper property)."""
    prop = attribute.property
    assert isinstance(prop, RelationshipProperty)
    return prop


def selected(statement: str) -> str:
    """The column list of a SELECT."""
    return re.split(r"\s+FROM\s+", statement)[0]


async def test_a_narrowed_loader_selects_only_the_columns_asked_for_and_id(
    loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders, email="narrow@example.com")
    narrowed = create_loaders(loaders.session_maker).narrowed(projection_of({User: {"email"}}))
    sql.reset()

    row = await narrowed.by_id(User).load(user.id)

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
        projection_of({relationship(User.addresses): {"network"}})
    )
    sql.reset()

    children = await narrowed.children(User.addresses).load(user.id)
    again = await narrowed.by_id(Address).load(second.id)

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
    narrowed = create_loaders(loaders.session_maker).narrowed(projection_of({User: {"surname"}}))
    sql.reset()

    (page,) = await narrowed.by_id(User).pages([narrowed.by_id(User).page_key(1, 2, {})])

    assert [(row.id, row.surname) for row in page] == [(u.id, u.surname) for u in users[1:]]
    assert selected(sql.statements[0]) == "SELECT users.id, users.surname"


async def test_rows_read_narrowed_never_serve_a_reader_of_whole_rows(
    loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders, name="Whole")
    request = create_loaders(loaders.session_maker)
    await request.narrowed(projection_of({User: {"email"}})).by_id(User).load(user.id)
    sql.reset()

    row = await request.by_id(User).load(user.id)

    assert row is not None and row.name == "Whole"
    assert sql.count == 1


async def test_one_request_reuses_its_narrowed_loaders_for_the_same_columns(
    loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders)
    request = create_loaders(loaders.session_maker)
    await request.narrowed(projection_of({User: {"email", "name"}})).by_id(User).load(user.id)
    sql.reset()

    await request.narrowed(projection_of({User: ["name", "email"]})).by_id(User).load(user.id)

    assert sql.count == 0


async def test_a_narrowed_loader_refuses_to_write_and_writes_nothing(loaders: Loaders) -> None:
    user = await make_user(loaders, name="Kept")
    narrowed = create_loaders(loaders.session_maker).narrowed(projection_of({User: {"name"}}))

    with pytest.raises(TypeError, match="never write"):
        await update_row(narrowed, User, user.id, user.lastchange, {"name": "Lost"})
    with pytest.raises(TypeError, match="never write"):
        await insert_row(narrowed, User, {"name": "N", "surname": "S", "email": "n@example.com"})

    reread = await create_loaders(loaders.session_maker).by_id(User).load(user.id)
    assert reread is not None and reread.name == "Kept"
    assert reread.lastchange == user.lastchange
    assert await loaders.by_id(User).filter_by(email="n@example.com") == []


async def test_an_unknown_column_is_refused_with_the_table_named(loaders: Loaders) -> None:
    narrowed = create_loaders(loaders.session_maker).narrowed(projection_of({User: {"nickname"}}))

    with pytest.raises(ValueError, match=r"users has no column\(s\) \['nickname'\]"):
        narrowed.by_id(User)


def test_a_to_one_relationship_is_refused_as_a_children_loader(loaders: Loaders) -> None:
    with pytest.raises(TypeError, match="is not a one-to-many relationship"):
        loaders.children(Address.user)  # type: ignore[arg-type]  # refused on purpose
    with pytest.raises(TypeError, match="is not a one-to-many relationship"):
        projection_of({relationship(Order.user): {"id"}})


async def test_releasing_a_request_empties_its_narrowed_caches(loaders: Loaders) -> None:
    user = await make_user(loaders)
    request = create_loaders(loaders.session_maker)
    narrowed = request.narrowed(projection_of({User: {"email"}}))
    await narrowed.by_id(User).load(user.id)

    await request.release()

    assert not narrowed.by_id(User).futures and not narrowed.by_id(User)._primed


async def test_a_write_empties_the_requests_narrowed_caches(loaders: Loaders) -> None:
    """A batch's queries and mutations share one request's loaders: a query after the
    write must not read a row the planner cached before it."""
    user = await make_user(loaders, name="Before")
    request = create_loaders(loaders.session_maker)
    narrowed = request.narrowed(projection_of({User: {"name"}}))
    await narrowed.by_id(User).load(user.id)

    await update_row(request, User, user.id, user.lastchange, {"name": "After"})

    reread = await narrowed.by_id(User).load(user.id)
    assert reread is not None and reread.name == "After"
