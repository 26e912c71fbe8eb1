"""One loader per model: batched reads by id, pages, filters, and a per-request cache.

Contract (as for every DataLoader): given a list of ids, the batch function
returns a list of the same length and order, with `None` where no row exists.
Every id asked for in one tick of the event loop becomes ONE
`SELECT ... WHERE id = ANY(:ids)` (`IN (...)` on SQLite). Rows are SQLAlchemy Core
rows (cheap to build, read by position or attribute). Reads run through the
request's `Reads` (`loaders/reads.py`), in autocommit, so no session is ever
shared. Writes live in `gql_server/domain/store.py`; they tell the loaders what
they wrote (`written`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ARRAY,
    BindParameter,
    Column,
    ColumnElement,
    Executable,
    Select,
    Table,
    any_,
    bindparam,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from loaders.keyset import SortKey, count_statement, keyset_statement, past
from loaders.level_loader import BatchObserver, LevelLoader
from loaders.operators import Tree, where_condition
from loaders.page_loader import PageKey, PageLoader
from loaders.reads import AnyRow, Reads
from loaders.scoping import Scope, condition
from models import Base

SessionMaker = async_sessionmaker[AsyncSession]
KEYS = "keys"


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
def rows_by_ids(
    table: Table, column: Column[Any], dialect: str, columns: Columns, scope: str
) -> Select[Any]:
    """`SELECT columns FROM table WHERE column IN (:keys) AND <scope> ORDER BY id`, built
    once per column, projection and viewer role (`loaders/scoping.py`).

    SQLAlchemy memoizes a statement's cache key, so reusing one statement object
    spares every batch building and keying it. On PostgreSQL the keys travel as
    one array (`column = ANY(:keys)`): one SQL text and one prepared statement
    whatever the batch size, where an expanding `IN` renders a new text per size.
    """
    if dialect == "postgresql":
        array: BindParameter[Any] = bindparam(KEYS, type_=ARRAY(column.type))
        condition_ = column == any_(array)
    else:
        keys: BindParameter[list[int]] = bindparam(KEYS, expanding=True)
        condition_ = column.in_(keys)
    visible = condition(table, scope, "read")
    conditions = (condition_, visible) if visible is not None else (condition_,)
    return select(*(table.c[name] for name in columns)).where(*conditions).order_by(table.c.id)


class IdLoader(LevelLoader[int, AnyRow | None]):
    """Rows of one model by id, plus paging and filtering.

    A loader built with `columns` reads only those (and `id`): the query planner
    knows which columns a whole query uses. Its rows never reach a loader that
    reads whole rows, and nothing writes through it.
    """

    def __init__(
        self,
        session_maker: SessionMaker,
        model: type[Base],
        reads: Reads,
        columns: Iterable[str] | None = None,
        observers: tuple[BatchObserver, ...] = (),
        scope: Scope | None = None,
    ) -> None:
        super().__init__(f"{model.__name__} by id", observers)
        self.scope = scope or Scope(None)
        self.session_maker = session_maker
        self.engine: AsyncEngine = session_maker.kw["bind"]
        self.dialect: str = self.engine.dialect.name
        self.reads = reads
        self.model = model
        self.table: Table = model.__table__  # type: ignore[assignment]
        self.columns = narrowed_to(self.table, columns)
        self.id_of = column_of(self.columns, "id")

    @cached_property
    def _pages(self) -> PageLoader:
        """Built on the first page asked for: most requests read none."""
        name = f"{self.model.__name__} pages"
        return PageLoader(self.table, self.columns, self.reads, self.scope, name, self.observers)

    def _forget_pages(self) -> None:
        if "_pages" in vars(self):
            self._pages.clear_all()

    def prime(self, key: int, value: AnyRow | None) -> IdLoader:
        """Like DataLoader.prime (never overwrites), without a Future per row:
        pages and to-many batches prime thousands of rows that are never loaded by id."""
        if key not in self.futures and value is not None:
            self._primed.setdefault(key, value)
        return self

    async def load_batch(self, keys: list[int]) -> list[AnyRow | None]:
        """Load every id asked for in this tick with one statement."""
        statement = rows_by_ids(
            self.table, self.table.c.id, self.dialect, self.columns, self.scope.key
        )
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
        stmt = select(*selected).where(*self._visible(filters)).order_by(self.table.c.id)
        return self.prime_rows(await self.fetch(stmt))

    async def keyset_page(
        self,
        order: Sequence[SortKey],
        limit: int,
        *,
        after_key: Sequence[Any] | None = None,
        before_key: Sequence[Any] | None = None,
        backwards: bool = False,
        filters: Mapping[str, Any],
        where: Tree | None = None,
    ) -> list[AnyRow]:
        """Up to `limit` rows matching `filters`, in `order`, strictly between the sort keys
        given: the first ones, or the last ones (`backwards`, returned in `order`), that
        the operator filter `where` matches. One statement (`loaders/keyset.py`); not
        cached, but its rows prime the id cache."""
        conditions = self._visible(filters, where)
        if after_key is not None:
            conditions.append(past(self.table, order, after_key, self.dialect, forward=True))
        if before_key is not None:
            conditions.append(past(self.table, order, before_key, self.dialect, forward=False))
        stmt = keyset_statement(
            self.table, self.columns, order, conditions, limit, self.dialect, backwards
        )
        rows = self.prime_rows(await self.fetch(stmt))
        return rows[::-1] if backwards else rows

    async def count(self, filters: Mapping[str, Any], where: Tree | None = None) -> int:
        """How many rows match `filters` (equality) and `where` (operators) that the
        viewer may see."""
        rows = await self.fetch(count_statement(self.table, self._visible(filters, where)))
        return int(rows[0][0])

    def _visible(
        self, filters: Mapping[str, Any], where: Tree | None = None
    ) -> list[ColumnElement[bool]]:
        """The equality `filters`, the operator filter `where` and the viewer's scope
        (bound by `fetch`)."""
        conditions = self._conditions(filters)
        if where:
            conditions.append(where_condition(self.table, where, self.dialect))
        visible = self.scope.where(self.table)
        if visible is not None:
            conditions.append(visible)
        return conditions

    def clear_all(self) -> IdLoader:
        self._forget_pages()
        super().clear_all()
        return self

    async def fetch(
        self, stmt: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[AnyRow]:
        """Every read of this loader (batches, pages, filters) goes through its `reads`,
        with the values its viewer's scope binds."""
        if self.scope.parameters:
            parameters = {**self.scope.parameters, **(parameters or {})}
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

    def written(self, id: int, row: AnyRow | None) -> None:
        """Row `id` was written (`row` None: deleted): later loads see the write, and
        pages are read again."""
        self.clear(id)
        self._forget_pages()
        if row is not None:
            self.prime(id, row)
