"""One loader per model: batched reads by id, a per-request cache, and CAS writes.

Contract (as for every DataLoader): given a list of ids, the batch function
returns a list of the same length and order, with `None` where no row exists.
Every id asked for in one tick of the event loop becomes ONE
`SELECT ... WHERE id = ANY(:ids)` (`IN (...)` on SQLite). Rows are SQLAlchemy Core
rows (cheap to build, read by attribute). Reads run through the request's `Reads`
(`loaders/reads.py`), in autocommit; each write runs in its own short transaction,
so no session is ever shared.

Writes are compare-and-set on `lastchange`: `update` and `delete` touch the row
only while it still holds the token the caller presents, in one statement.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Any, NoReturn, TypeVar
from weakref import WeakMethod

from sqlalchemy import (
    ARRAY,
    BindParameter,
    Column,
    ColumnElement,
    Executable,
    Row,
    Select,
    Table,
    any_,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from loaders.clock import next_lastchange, utcnow
from loaders.errors import ConstraintViolated, RowInUse, RowNotFound, StaleWrite
from loaders.level_loader import LevelLoader
from loaders.page_loader import PageKey, PageLoader
from loaders.reads import Reads
from loaders.reconnect import on_a_live_connection
from models import Base

AnyRow = Row[Any]
WriteListener = Callable[[], object]
SessionMaker = async_sessionmaker[AsyncSession]


KEYS = "keys"
T = TypeVar("T")


class CommitOutcomeUnknown(Exception):
    """The connection died during COMMIT: the write may or may not have landed."""

    def __init__(self, error: DBAPIError) -> None:
        super().__init__()
        self.error = error


Columns = tuple[str, ...]  # the columns a loader reads, in the table's order


def column_of(columns: Columns, name: str) -> Callable[[AnyRow], Any]:
    """Reads column `name` of rows holding `columns` by position: a Row's attribute
    lookup costs ten times as much, and batches read a key from every row."""
    return itemgetter(columns.index(name))


def narrowed_to(table: Table, wanted: Iterable[str] | None) -> Columns:
    """The columns a loader of `table` reads: all of them, or `wanted` plus `id`
    (which keys its cache), in the table's order. Unknown names are refused."""
    names = tuple(table.c.keys())
    if wanted is None:
        return names
    wanted = {"id", *wanted}
    unknown = wanted - set(names)
    if unknown:
        raise ValueError(f"{table.name} has no column(s) {sorted(unknown)}")
    return tuple(name for name in names if name in wanted)


@lru_cache(maxsize=512)  # bounded: clients' queries choose the projections
def rows_by_ids(table: Table, column: Column[Any], dialect: str, columns: Columns) -> Select[Any]:
    """`SELECT columns FROM table WHERE column IN (:keys) ORDER BY id`, built once per
    column and projection.

    SQLAlchemy memoizes a statement's cache key, so reusing one statement object
    spares every batch building and keying it. On PostgreSQL the keys travel as
    one array (`column = ANY(:keys)`): one SQL text and one prepared statement
    whatever the batch size, where an expanding `IN` renders a new text per size.
    """
    if dialect == "postgresql":
        array: BindParameter[Any] = bindparam(KEYS, type_=ARRAY(column.type))
        condition = column == any_(array)
    else:
        keys: BindParameter[list[int]] = bindparam(KEYS, expanding=True)
        condition = column.in_(keys)
    return select(*(table.c[name] for name in columns)).where(condition).order_by(table.c.id)


class IdLoader(LevelLoader[int, AnyRow | None]):
    """Rows of one model by id, plus paging, filtering and optimistic writes.

    A loader built with `columns` reads only those (and `id`): the query planner
    knows which columns a whole query uses. Such a loader never writes, and its
    rows never reach a loader that reads whole rows.
    """

    def __init__(
        self,
        session_maker: SessionMaker,
        model: type[Base],
        reads: Reads,
        columns: Iterable[str] | None = None,
    ) -> None:
        super().__init__()
        self.session_maker = session_maker
        self.engine: AsyncEngine = session_maker.kw["bind"]
        self.dialect: str = self.engine.dialect.name
        self.reads = reads
        self.model = model
        self.table: Table = model.__table__  # type: ignore[assignment]
        self.columns = narrowed_to(self.table, columns)
        self.whole_rows = len(self.columns) == len(self.table.c)
        self.id_of = column_of(self.columns, "id")
        self._write_listeners: list[WeakMethod[WriteListener]] = []

    @cached_property
    def _pages(self) -> PageLoader:
        """Built on the first page asked for: most requests read none."""
        return PageLoader(self.table, self.columns, self.reads)

    def _forget_pages(self) -> None:
        if "_pages" in vars(self):
            self._pages.clear_all()

    def prime(self, key: int, value: AnyRow | None) -> IdLoader:
        """Like DataLoader.prime (never overwrites), without a Future per row:
        pages and to-many batches prime thousands of rows that are never loaded by id."""
        if key not in self._cache and value is not None:
            self._primed.setdefault(key, value)
        return self

    async def batch_load_fn(self, keys: list[int]) -> list[AnyRow | None]:
        """Load every id asked for in this tick with one statement."""
        statement = rows_by_ids(self.table, self.table.c.id, self.dialect, self.columns)
        rows = await self.fetch(statement, {KEYS: keys})
        id_of = self.id_of
        by_id = {id_of(row): row for row in rows}
        return [by_id.get(key) for key in keys]

    async def page(self, skip: int, limit: int, **filters: Any) -> list[AnyRow]:
        """Rows matching `filters` (equality), ordered by id, `limit` from `skip`.

        Pages asked for in the same tick are read together (see `PageLoader`).
        """
        return self.prime_rows(await self._pages.load(self.page_key(skip, limit, filters)))

    async def pages(self, keys: list[PageKey]) -> list[list[AnyRow]]:
        """Distinct pages (from `page_key`) at once: adjacent ones in one statement, as
        `page` reads those asked for in one tick, without a Future per page."""
        return [self.prime_rows(rows) for rows in await self._pages.load_all(keys)]

    def page_key(self, skip: int, limit: int, filters: Mapping[str, Any]) -> PageKey:
        """The key of one page; unknown filter columns are refused here, not in the batch."""
        self._check_columns(filters)
        return (tuple(sorted(filters.items())), skip, limit)

    async def filter_by(self, **filters: Any) -> list[AnyRow]:
        """Every row matching `filters` (equality), ordered by id."""
        selected = (self.table.c[name] for name in self.columns)
        stmt = select(*selected).where(*self._conditions(filters)).order_by(self.table.c.id)
        return self.prime_rows(await self.fetch(stmt))

    async def insert(self, values: Mapping[str, Any]) -> AnyRow:
        """Insert one row; the database assigns `id`, the loader `lastchange`."""
        stmt = (
            insert(self.table).values({**values, "lastchange": utcnow()}).returning(*self.table.c)
        )

        async def write(session: AsyncSession) -> AnyRow:
            return (await session.execute(stmt)).one()

        row = await self._write(write)
        self._written(row.id, row)
        return row

    async def update(self, id: int, lastchange: datetime, values: Mapping[str, Any]) -> AnyRow:
        """Change `values` of row `id` if it still holds `lastchange`.

        Raises `RowNotFound` or `StaleWrite` (carrying the current token) when
        the one atomic `UPDATE ... WHERE id AND lastchange` matches no row.
        """
        stmt = (
            update(self.table)
            .where(self.table.c.id == id, self.table.c.lastchange == lastchange)
            .values({**values, "lastchange": next_lastchange(lastchange)})
            .returning(*self.table.c)
        )

        async def write(session: AsyncSession) -> AnyRow:
            row = (await session.execute(stmt)).one_or_none()
            if row is None:
                await self._raise_not_found_or_stale(session, id)
            return row

        row = await self._write(write)
        self._written(id, row)
        return row

    async def delete(self, id: int, lastchange: datetime) -> None:
        """Delete row `id` if it still holds `lastchange` and nothing references it."""
        stmt = (
            delete(self.table)
            .where(self.table.c.id == id, self.table.c.lastchange == lastchange)
            .returning(self.table.c.id)
        )

        async def write(session: AsyncSession) -> None:
            if (await session.execute(stmt)).one_or_none() is None:
                await self._raise_not_found_or_stale(session, id)

        try:
            await self._write(write)
        except ConstraintViolated as refused:
            raise RowInUse(id) from refused
        self._written(id, None)

    def clear_all(self) -> IdLoader:
        self._forget_pages()
        super().clear_all()
        return self

    def on_write(self, listener: WriteListener) -> None:
        """Call the bound method `listener` after every successful write (loaders that
        cache by parent). Held weakly: its loader and this one belong to one request's
        `Loaders`, and a reference cycle between them would leave every request's loaders
        to the collector instead of freeing them when the request drops them."""
        self._write_listeners.append(WeakMethod(listener))

    async def fetch(
        self, stmt: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[AnyRow]:
        """Every read of this loader (batches, pages, filters) goes through its `reads`."""
        return await self.reads.fetch(stmt, parameters)

    def prime_rows(self, rows: Sequence[AnyRow]) -> list[AnyRow]:
        id_of = self.id_of
        for row in rows:
            self.prime(id_of(row), row)
        return list(rows)

    def _conditions(self, filters: Mapping[str, Any]) -> list[ColumnElement[bool]]:
        self._check_columns(filters)
        return [self.table.c[name] == value for name, value in filters.items()]

    def _check_columns(self, filters: Mapping[str, Any]) -> None:
        unknown = filters.keys() - self.table.c.keys()
        if unknown:
            raise ValueError(
                f"{self.table.name} has no column(s) {sorted(unknown)}; "
                f"filter on one of {self.table.c.keys()}"
            )

    async def _write(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`work` in one transaction; the database's refusals become `ConstraintViolated`.

        A connection found dead before COMMIT means nothing was written, so `work`
        runs once more on a fresh one; a failed COMMIT is never retried.
        """

        async def transaction() -> T:
            async with self.session_maker() as session:
                result = await work(session)
                try:
                    await session.commit()
                except DBAPIError as error:
                    if error.connection_invalidated:
                        raise CommitOutcomeUnknown(error) from None  # not to be retried
                    raise
                return result

        if not self.whole_rows:
            raise TypeError(f"a loader reading only some columns of {self.table.name} never writes")
        # Never hold a read connection while waiting for a write one: requests that
        # each held one and waited for another could take the whole pool.
        await self.reads.before_write()
        try:
            return await on_a_live_connection(transaction)
        except IntegrityError as error:
            raise ConstraintViolated(type(error.orig).__name__) from None
        except CommitOutcomeUnknown as unknown:
            raise unknown.error from None

    async def _raise_not_found_or_stale(self, session: AsyncSession, id: int) -> NoReturn:
        current = (
            await session.execute(select(self.table.c.lastchange).where(self.table.c.id == id))
        ).scalar_one_or_none()
        if current is None:
            raise RowNotFound(id)
        raise StaleWrite(id, current)

    def _written(self, id: int, row: AnyRow | None) -> None:
        """Make later loads in this request see the write, then tell the listeners."""
        self.clear(id)
        self._forget_pages()
        if row is not None:
            self.prime(id, row)
        for reference in self._write_listeners:
            listener = reference()
            if listener is not None:
                listener()


def create_id_loader(
    session_maker: SessionMaker,
    model: type[Base],
    reads: Reads,
    columns: Iterable[str] | None = None,
) -> IdLoader:
    """A fresh loader for one request: its cache must never outlive the request."""
    return IdLoader(session_maker, model, reads, columns)
