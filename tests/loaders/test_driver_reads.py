"""On PostgreSQL, reads run on asyncpg itself: SQLAlchemy sends none of them, our read
boundary counts every one, and rows and errors are those SQLAlchemy would give."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Integer, Select, Table, bindparam, event, literal_column, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.database import create_engine, create_session_maker
from gql_server.settings import DatabaseLimits
from loaders import Loaders, create_loaders
from loaders.driver_reads import fetch_on_driver
from loaders.id_loader import KEYS, rows_by_ids
from loaders.page_loader import page_statement
from loaders.reads import RequestReads
from loaders.scoping import SYSTEM, VIEWER_ID, VIEWER_ROLE, own_row
from loaders.statement_count import CURRENT_COUNT, StatementCount
from models import Base, Role, User
from tests.conftest import StatementCounter, truncate
from tests.factories import make_wallet
from tests.loaders.test_reads import read_a_wallet

pytestmark = pytest.mark.postgres_only  # SQLite reads through SQLAlchemy: no driver path


@pytest.fixture
async def pg_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine of the PostgreSQL database alone, emptied after the test."""
    own = create_engine(postgres_url, DatabaseLimits())
    try:
        yield own
    finally:
        await truncate(own)
        await own.dispose()


@pytest.fixture
def pg_loaders(pg_engine: AsyncEngine) -> Loaders:
    return create_loaders(create_session_maker(pg_engine))


async def test_reads_run_on_the_driver_and_are_counted_at_the_read_boundary(
    pg_loaders: Loaders, pg_engine: AsyncEngine
) -> None:
    loaders, engine = pg_loaders, pg_engine
    await make_wallet(loaders, users=3)
    sqlalchemy_sent = StatementCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", sqlalchemy_sent)
    counted = StatementCount()
    counting = CURRENT_COUNT.set(counted)
    try:
        request = create_loaders(loaders.session_maker, RequestReads(engine))
        await read_a_wallet(request)
        await request.release()
    finally:
        CURRENT_COUNT.reset(counting)
        event.remove(engine.sync_engine, "before_cursor_execute", sqlalchemy_sent)

    assert counted.value == 4  # one statement per level, counted where it was sent
    assert sqlalchemy_sent.count == 0, sqlalchemy_sent.statements


CUSTOMER_1 = {VIEWER_ID: 1, VIEWER_ROLE: Role.CUSTOMER.name}


def statements_of_every_kind() -> list[tuple[Select[Any], dict[str, Any]]]:
    """Whole rows of every table by ids (every column type), unscoped and as a customer
    sees them (the viewer's bound id and role), a page, the viewer's own row, an enum."""
    kinds: list[tuple[Select[Any], dict[str, Any]]] = []
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        assert isinstance(table, Table)
        columns = tuple(column.name for column in table.columns)
        for scope, bound in ((SYSTEM, {}), (Role.CUSTOMER.value, CUSTOMER_1)):
            stmt = rows_by_ids(table, table.c.id, "postgresql", columns, scope)
            kinds.append((stmt, {KEYS: list(range(1, 40)), **bound}))
    users: Table = User.__table__  # type: ignore[assignment]
    page = page_statement(users, (), ("id", "email", "role"), SYSTEM)
    kinds.append((page, {"page_offset": 1, "page_limit": 5}))
    kinds.append((own_row(("id", "role", "lastchange")), {VIEWER_ID: 2}))
    kinds.append((select(users.c.id).where(users.c.role == Role.CUSTOMER), {}))
    return kinds


async def test_rows_read_on_the_driver_are_the_rows_sqlalchemy_returns(
    pg_loaders: Loaders, pg_engine: AsyncEngine
) -> None:
    loaders, engine = pg_loaders, pg_engine
    await make_wallet(loaders, users=3)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        held = connection.sync_connection
        assert held is not None
        compared = 0
        for stmt, parameters in statements_of_every_kind():
            expected = (await connection.execute(stmt, parameters)).all()
            rows = await fetch_on_driver(held, stmt, parameters)

            assert [row._fields for row in rows] == [row._fields for row in expected]
            assert [repr(row) for row in rows] == [repr(row) for row in expected]
            assert [row._mapping for row in rows] == [row._mapping for row in expected]
            kinds = [[type(value) for value in row] for row in rows]
            assert kinds == [[type(value) for value in row] for row in expected]
            compared += len(rows)
        assert compared > 40  # rows of every kind were compared


DIVIDED_BY = select(literal_column("1") / bindparam("by", type_=Integer))


async def test_an_error_on_the_driver_is_raised_as_sqlalchemy_raises_it(
    pg_engine: AsyncEngine,
) -> None:
    """Also the guard of the private SQLAlchemy methods `_as_sqlalchemy_error` uses."""
    engine = pg_engine
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        with pytest.raises(DBAPIError) as through_sqlalchemy:
            await connection.execute(DIVIDED_BY, {"by": 0})
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        held = connection.sync_connection
        assert held is not None
        with pytest.raises(DBAPIError) as on_the_driver:
            await fetch_on_driver(held, DIVIDED_BY, {"by": 0})

        assert type(on_the_driver.value) is type(through_sqlalchemy.value)
        assert type(on_the_driver.value.orig) is type(through_sqlalchemy.value.orig)
        assert on_the_driver.value.orig.sqlstate == "22012"  # type: ignore[union-attr]
        assert not on_the_driver.value.connection_invalidated
        assert (await fetch_on_driver(held, DIVIDED_BY, {"by": 1}))[0][0] == 1  # still usable
