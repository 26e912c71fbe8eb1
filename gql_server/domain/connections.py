"""Relay connections of a model's rows: keyset pages in a client's order.

A page is one statement: `first + 1` rows after the `after` cursor (or `last + 1`
before `before`, read backwards), the extra row telling whether there is a next (or
previous) page. Every order ends with `id`, so it is total and cursors stay valid
while rows are inserted and deleted around them. Both read paths refuse bad
arguments here, with messages a client can act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gql_server.domain import cursors
from gql_server.domain.errors import BadRequest
from gql_server.domain.paging import MAX_LIMIT, filters, given_filters
from gql_server.domain.where import where_tree
from loaders import AnyRow, IdLoader
from models.exposed import Exposed

DEFAULT_FIRST = 20
DIRECTIONS = (("ASC", False), ("DESC", True))


def sort_terms(api: Exposed[Any]) -> dict[str, tuple[str, bool]]:
    """`ORDER_BY` term -> `(column, descending)`: `ID_ASC`, `ID_DESC`, `START_ASC`, ..."""
    return {
        f"{column.key.upper()}_{suffix}": (column.key, descending)
        for column in api.sort_columns()
        for suffix, descending in DIRECTIONS
    }


@dataclass(frozen=True)
class Page:
    rows: list[AnyRow]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    filters: dict[str, Any]
    where: dict[str, Any]


def order_of(api: Exposed[Any], order_by: Sequence[str] | None) -> list[str]:
    """The terms in force: those asked for (default `ID_ASC`), then `ID_ASC` unless
    `id` is among them. A column named twice is refused: the order would be ambiguous."""
    terms = sort_terms(api)
    chosen = list(order_by or ())
    keys = [terms[term][0] for term in chosen]
    if len(set(keys)) != len(keys):
        raise BadRequest("orderBy names a column more than once; give each column once")
    if "id" not in keys:
        chosen.append("ID_ASC")
    return chosen


def check_size(first: int | None, last: int | None) -> tuple[int, bool]:
    """`(rows, backwards)` from `first` and `last` (neither: the first 20)."""
    if first is not None and last is not None:
        raise BadRequest("give first or last, not both")
    size = first if first is not None else last
    if size is None:
        return DEFAULT_FIRST, False
    name = "first" if first is not None else "last"
    if not 0 <= size <= MAX_LIMIT:
        raise BadRequest(f"{name} must be between 0 and {MAX_LIMIT}, got {size}")
    return size, last is not None


async def fetch_connection(
    api: Exposed[Any],
    loader: IdLoader,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    where: object | None,
    operator_filter: object | None = None,
    order_by: Sequence[str] | None,
) -> Page:
    """One page of `api`'s rows the viewer may see, in the order asked for."""
    size, backwards = check_size(first, last)
    terms = order_of(api, order_by)
    by_term = sort_terms(api)
    order = [by_term[term] for term in terms]
    columns = [loader.table.c[name] for name, _ in order]
    given = filters(loader, given_filters(where))
    tree = where_tree(loader.table, operator_filter)
    after_key = None if after is None else cursors.decode("after", after, api.name, terms, columns)
    before_key = (
        None if before is None else cursors.decode("before", before, api.name, terms, columns)
    )
    rows = await loader.keyset_page(
        order,
        size + 1,
        after_key=after_key,
        before_key=before_key,
        backwards=backwards,
        filters=given,
        where=tree,
    )
    more = len(rows) > size
    rows = rows[1:] if backwards and more else rows[:size]
    names = [name for name, _ in order]
    made = [cursors.encode(api.name, terms, [getattr(row, n) for n in names]) for row in rows]
    return Page(
        rows=rows,
        cursors=made,
        has_next_page=more and not backwards,
        has_previous_page=more and backwards,
        filters=given,
        where=tree,
    )
