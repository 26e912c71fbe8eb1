"""The SQL writes: one short transaction each, compare-and-set on `lastchange`.

`update` and `delete` touch the row only while it still holds the token the
caller presents and belongs to what the viewer may write, in ONE statement
(`UPDATE ... WHERE id = :id AND lastchange = :seen AND <scope> RETURNING ...`);
when it matches nothing, one follow-up read (scoped the same way) tells a missing
row from a stale token. After a write the request's loaders forget what
it may have changed and keep the written row (`Loaders.written`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, NoReturn, TypeVar

from sqlalchemy import ColumnElement, Table, delete, insert, literal, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.domain.clock import next_lastchange, utcnow
from gql_server.domain.errors import (
    ConstraintViolated,
    Forbidden,
    RowInUse,
    RowNotFound,
    StaleWrite,
)
from loaders import AnyRow, Loaders
from loaders.reconnect import on_a_live_connection
from loaders.statement_count import count_statement
from models import Base
from models.access import Action

T = TypeVar("T")


class CommitOutcomeUnknown(Exception):
    """The connection died during COMMIT: the write may or may not have landed."""

    def __init__(self, error: DBAPIError) -> None:
        super().__init__()
        self.error = error


def table_of(model: type[Base]) -> Table:
    table: Table = model.__table__  # type: ignore[assignment]
    return table


async def insert_row(loaders: Loaders, model: type[Base], values: Mapping[str, Any]) -> AnyRow:
    """Insert one row; the database assigns `id`, the server `lastchange`.

    A viewer whose role may create any row inserts only while its `users` row still
    has that role: `INSERT ... SELECT ... WHERE EXISTS (...)`, still one statement."""
    table = table_of(model)
    values = {**values, "lastchange": utcnow()}
    guard = loaders.scope.insert_guard(table)
    if guard is None:
        stmt = insert(table).values(values).returning(*table.c)
    else:
        given = select(*(literal(value, table.c[name].type) for name, value in values.items()))
        stmt = insert(table).from_select(list(values), given.where(guard)).returning(*table.c)

    async def write(session: AsyncSession) -> AnyRow:
        count_statement()
        row = (await session.execute(stmt)).one_or_none()
        if row is None:
            raise Forbidden("your access token is no longer valid for this; sign in again")
        return row

    row = await in_transaction(loaders, write)
    loaders.written(model, row.id, row)
    return row


async def update_row(
    loaders: Loaders, model: type[Base], id: int, lastchange: datetime, values: Mapping[str, Any]
) -> AnyRow:
    """Change `values` of row `id` if it still holds `lastchange`.

    Raises `RowNotFound` or `StaleWrite` (carrying the current token) when the one
    atomic `UPDATE ... WHERE id AND lastchange` matches no row.
    """
    table = table_of(model)
    stmt = (
        update(table)
        .where(
            table.c.id == id, table.c.lastchange == lastchange, *scoped(loaders, table, "update")
        )
        .values({**values, "lastchange": next_lastchange(lastchange)})
        .returning(*table.c)
    )

    async def write(session: AsyncSession) -> AnyRow:
        count_statement()
        row = (await session.execute(stmt)).one_or_none()
        if row is None:
            await raise_not_found_or_stale(session, loaders, table, id)
        return row

    row = await in_transaction(loaders, write)
    loaders.written(model, id, row)
    return row


async def delete_row(loaders: Loaders, model: type[Base], id: int, lastchange: datetime) -> None:
    """Delete row `id` if it still holds `lastchange` and nothing references it."""
    table = table_of(model)
    stmt = (
        delete(table)
        .where(
            table.c.id == id, table.c.lastchange == lastchange, *scoped(loaders, table, "delete")
        )
        .returning(table.c.id)
    )

    async def write(session: AsyncSession) -> None:
        count_statement()
        if (await session.execute(stmt)).one_or_none() is None:
            await raise_not_found_or_stale(session, loaders, table, id)

    try:
        await in_transaction(loaders, write)
    except ConstraintViolated as refused:
        raise RowInUse(id) from refused
    loaders.written(model, id, None)


def scoped(loaders: Loaders, table: Table, action: Action) -> list[ColumnElement[bool]]:
    """The viewer's part of a write's WHERE: the rows its role may `action`."""
    condition = loaders.scope.bound(table, action)
    return [] if condition is None else [condition]


async def in_transaction(loaders: Loaders, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """`work` in one transaction; the database's refusals become `ConstraintViolated`.

    A connection found dead before COMMIT means nothing was written, so `work`
    runs once more on a fresh one; a failed COMMIT is never retried.
    """

    async def transaction() -> T:
        async with loaders.session_maker() as session:
            result = await work(session)
            try:
                await session.commit()
            except DBAPIError as error:
                if error.connection_invalidated:
                    raise CommitOutcomeUnknown(error) from None  # not to be retried
                raise
            return result

    loaders.check_writable()
    # Never hold a read connection while waiting for a write one: requests that
    # each held one and waited for another could take the whole pool.
    await loaders.reads.before_write()
    try:
        return await on_a_live_connection(transaction)
    except IntegrityError as error:
        raise ConstraintViolated(type(error.orig).__name__) from None
    except CommitOutcomeUnknown as unknown:
        raise unknown.error from None


async def raise_not_found_or_stale(
    session: AsyncSession, loaders: Loaders, table: Table, id: int
) -> NoReturn:
    """A row the viewer may not see is missing, exactly as a row that does not exist."""
    count_statement()
    visible = select(table.c.lastchange).where(table.c.id == id, *scoped(loaders, table, "read"))
    current = (await session.execute(visible)).scalar_one_or_none()
    if current is None:
        raise RowNotFound(id)
    raise StaleWrite(id, current)
