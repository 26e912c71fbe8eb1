"""Pages of one table asked for in one tick: ONE statement per filter for adjacent pages.

A query such as `first: transactions(limit: 100) second: transactions(skip: 100, limit: 100)`
asks for two pages at once. Pages with the same filters that touch or overlap
are read as one range and sliced here, so both pages arrive together and the
rows they point at are batched into one load per level, not one per page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, Table, bindparam, select

from loaders.level_loader import BatchObserver, LevelLoader
from loaders.reads import AnyRow, Reads
from loaders.scoping import Scope, condition

Filters = tuple[tuple[str, Any], ...]
PageKey = tuple[Filters, int, int]  # (filters, skip, limit)
FilterShape = tuple[tuple[str, bool], ...]  # (column, value is null) per filter
OFFSET, LIMIT = "page_offset", "page_limit"


@lru_cache(maxsize=256)
def page_statement(
    table: Table, shape: FilterShape, columns: tuple[str, ...], scope: str
) -> Select[Any]:
    """`SELECT columns ... WHERE filters AND <scope> ORDER BY id OFFSET :page_offset LIMIT
    :page_limit`, built (and keyed by SQLAlchemy's statement cache) once per table, filter
    shape, projection and viewer role.
    A null filter is `IS NULL`, as `column == None` renders it; the others are bound."""
    conditions = [
        table.c[name].is_(None)
        if null
        else table.c[name] == bindparam(bound(name), type_=table.c[name].type)
        for name, null in shape
    ]
    visible = condition(table, scope, "read")
    if visible is not None:
        conditions.append(visible)
    return (
        select(*(table.c[name] for name in columns))
        .where(*conditions)
        .order_by(table.c.id)
        .offset(bindparam(OFFSET))
        .limit(bindparam(LIMIT))
    )


def bound(column: str) -> str:
    """The name of the parameter that carries a filter's value."""
    return f"where_{column}"


class PageLoader(LevelLoader[PageKey, list[AnyRow]]):
    """Rows by `(filters, skip, limit)`, ordered by id; built and cleared by an `IdLoader`."""

    def __init__(
        self,
        table: Table,
        columns: tuple[str, ...],
        reads: Reads,
        scope: Scope,
        name: str = "",
        observers: tuple[BatchObserver, ...] = (),
    ) -> None:
        super().__init__(name, observers)
        self.table = table
        self.columns = columns
        self.scope = scope
        self.reads = reads  # the request's, not its id loader's method: no reference cycle

    async def load_batch(self, keys: list[PageKey]) -> list[list[AnyRow]]:
        """One range read per filter and run of adjacent pages; each page is a slice of it."""
        by_filters: dict[Filters, list[PageKey]] = defaultdict(list)
        for key in dict.fromkeys(keys):
            by_filters[key[0]].append(key)
        pages: dict[PageKey, list[AnyRow]] = {}
        for filters, group in by_filters.items():
            shape = tuple((name, value is None) for name, value in filters)
            stmt = page_statement(self.table, shape, self.columns, self.scope.key)
            values = {bound(name): value for name, value in filters if value is not None}
            values.update(self.scope.parameters)
            for start, end, members in runs(group):
                rows: Sequence[AnyRow] = await self.reads.fetch(
                    stmt, {**values, OFFSET: start, LIMIT: end - start}
                )
                for key in members:
                    _, skip, limit = key
                    pages[key] = list(rows[skip - start : skip - start + limit])
        return [pages[key] for key in keys]


def runs(pages: list[PageKey]) -> Iterator[tuple[int, int, list[PageKey]]]:
    """`(start, end, pages)` for each run of pages that touch or overlap (never a gap)."""
    ordered = sorted(pages, key=lambda key: key[1])
    start, end, members = ordered[0][1], ordered[0][1] + ordered[0][2], [ordered[0]]
    for key in ordered[1:]:
        _, skip, limit = key
        if skip > end:
            yield start, end, members
            start, end, members = skip, skip + limit, []
        end = max(end, skip + limit)
        members.append(key)
    yield start, end, members
