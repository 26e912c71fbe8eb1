"""Keyset pages: the rows after (or before) a cursor in a total order, in one statement.

An order is a list of `(column, descending)` ending with the primary key, so no two
rows ever compare equal and a cursor (the sort-key values of one row) names one
position however rows are inserted or deleted around it. "After the cursor" is the
expanded form `(a > :a) OR (a = :a AND b < :b) OR ...`, which mixes directions.

NULLs sort last in both directions, on both dialects (`NULLS LAST` is explicit in
the `ORDER BY`), and the conditions agree with that: after a value come the greater
(or smaller) values and then the NULLs; after a NULL only other NULLs, by the later
keys. A page read backwards reverses every key (`DESC NULLS FIRST` for `ASC NULLS
LAST`) and is reversed back by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Float,
    Select,
    String,
    Table,
    and_,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
)

from models.types import Money

SortKey = tuple[str, bool]  # (column, descending)


def sort_expression(column: Column[Any], dialect: str) -> ColumnElement[Any]:
    """What the database compares for `column`: money is exact text on SQLite, so it is
    compared as a number there (values equal as floats are then told apart by later keys)."""
    if dialect == "sqlite" and isinstance(column.type, Money):
        return cast(column, Float)
    return column


def bound_value(column: Column[Any], dialect: str, value: Any) -> ColumnElement[Any]:
    """A cursor's value, bound as `column` binds it and compared as `sort_expression`."""
    if dialect == "sqlite" and isinstance(column.type, Money):
        return cast(literal(str(value), String()), Float)
    return literal(value, column.type)


def past(
    table: Table, order: Sequence[SortKey], values: Sequence[Any], dialect: str, forward: bool
) -> ColumnElement[bool]:
    """Rows strictly after (`forward`) or before the row whose sort key is `values`, in
    `order`, NULLs last: after a NULL come only NULLs, before it every value."""
    alternatives: list[ColumnElement[bool]] = []
    equal: list[ColumnElement[bool]] = []
    for (name, descending), value in zip(order, values, strict=True):
        column = table.c[name]
        key = sort_expression(column, dialect)
        if value is None:
            nulls_first_or_none = key.is_not(None) if column.nullable else true()
            beyond: ColumnElement[bool] = false() if forward else nulls_first_or_none
            same: ColumnElement[bool] = key.is_(None)
        else:
            bound = bound_value(column, dialect, value)
            beyond = key > bound if forward != descending else key < bound
            if forward and column.nullable:
                beyond = or_(beyond, key.is_(None))  # a NULL compares as neither: it comes last
            same = key == bound
        alternatives.append(and_(*equal, beyond) if equal else beyond)
        equal.append(same)
    return or_(*alternatives)


def keyset_statement(
    table: Table,
    columns: Sequence[str],
    order: Sequence[SortKey],
    conditions: Sequence[ColumnElement[bool]],
    limit: int,
    dialect: str,
    backwards: bool,
) -> Select[Any]:
    """`SELECT columns WHERE conditions ORDER BY order LIMIT limit`, every key reversed
    when reading `backwards` (the caller reverses the rows back)."""
    ordering = []
    for name, descending in order:
        key = sort_expression(table.c[name], dialect)
        if descending != backwards:
            ordering.append(key.desc().nulls_first() if backwards else key.desc().nulls_last())
        else:
            ordering.append(key.asc().nulls_first() if backwards else key.asc().nulls_last())
    selected = (table.c[name] for name in columns)
    return select(*selected).where(*conditions).order_by(*ordering).limit(limit)


def count_statement(table: Table, conditions: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """How many rows match `conditions`."""
    return select(func.count()).select_from(table).where(*conditions)
