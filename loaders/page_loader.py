"""Pages of one table asked for in one tick: ONE statement per filter for adjacent pages.

A query such as `first: transactions(limit: 100) second: transactions(skip: 100, limit: 100)`
asks for two pages at once. Pages with the same filters that touch or overlap
are read as one range and sliced here, so both pages arrive together and the
rows they point at are batched into one load per level, not one per page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, Executable, Row, Table, select

AnyRow = Row[Any]

Filters = tuple[tuple[str, Any], ...]
PageKey = tuple[Filters, int, int]  # (filters, skip, limit)
Fetch = Callable[[Executable], Any]


class PageLoader(DataLoader[PageKey, list[AnyRow]]):
    """Rows by `(filters, skip, limit)`, ordered by id; built and cleared by an `IdLoader`."""

    def __init__(
        self,
        table: Table,
        fetch: Fetch,
        conditions: Callable[[dict[str, Any]], list[ColumnElement[bool]]],
    ) -> None:
        super().__init__()
        self.table = table
        self.fetch = fetch
        self.conditions = conditions

    async def batch_load_fn(self, keys: list[PageKey]) -> list[list[AnyRow]]:
        """One range read per filter and run of adjacent pages; each page is a slice of it."""
        by_filters: dict[Filters, list[PageKey]] = defaultdict(list)
        for key in dict.fromkeys(keys):
            by_filters[key[0]].append(key)
        pages: dict[PageKey, list[AnyRow]] = {}
        for filters, group in by_filters.items():
            for start, end, members in runs(group):
                stmt = (
                    select(self.table)
                    .where(*self.conditions(dict(filters)))
                    .order_by(self.table.c.id)
                    .offset(start)
                    .limit(end - start)
                )
                rows: Sequence[AnyRow] = await self.fetch(stmt)
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
