"""Operator filters as SQL: `{start: {gte: 1}, or: [{asset: {eq: DASH}}, ...]}` -> WHERE.

The tree is plain data, checked before it gets here (`gql_server/domain/where.py`):
a mapping of column names to `{operator: value}`, and `and`/`or` (lists of trees)
and `not` (a tree). Everything in one mapping must hold. Comparisons follow SQL: a
NULL matches no comparison (`ne` and `not` included), only `isNull`. `startsWith`
and `contains` are case-insensitive and match their text literally (`%` and `_` are
escaped). Values are bound, never rendered into the SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, and_, false, literal, not_, or_, true

from loaders.keyset import bound_value, sort_expression

Tree = Mapping[str, Any]
ESCAPE = "\\"


def where_condition(table: Table, tree: Tree, dialect: str) -> ColumnElement[bool]:
    """Rows of `table` that `tree` matches."""
    parts: list[ColumnElement[bool]] = []
    for key, value in tree.items():
        if key == "and":
            parts.append(and_(true(), *(where_condition(table, t, dialect) for t in value)))
        elif key == "or":
            parts.append(or_(false(), *(where_condition(table, t, dialect) for t in value)))
        elif key == "not":
            parts.append(not_(where_condition(table, value, dialect)))
        else:
            column = table.c[key]
            parts.extend(
                compare(column, operator, given, dialect) for operator, given in value.items()
            )
    return and_(true(), *parts)


def compare(column: Column[Any], operator: str, value: Any, dialect: str) -> ColumnElement[bool]:
    """`column <operator> value`; ordered comparisons as the keyset orders (`sort_expression`)."""
    if operator == "is_null":
        return column.is_(None) if value else column.is_not(None)
    if operator == "eq":
        return column == literal(value, column.type)
    if operator == "ne":
        return column != literal(value, column.type)
    if operator == "in":
        return column.in_([literal(v, column.type) for v in value])
    if operator == "not_in":
        return column.not_in([literal(v, column.type) for v in value])
    if operator == "starts_with":
        return column.ilike(f"{escaped(value)}%", escape=ESCAPE)
    if operator == "contains":
        return column.ilike(f"%{escaped(value)}%", escape=ESCAPE)
    key, bound = sort_expression(column, dialect), bound_value(column, dialect, value)
    if operator == "lt":
        return key < bound
    if operator == "lte":
        return key <= bound
    if operator == "gt":
        return key > bound
    if operator == "gte":
        return key >= bound
    raise ValueError(f"unknown operator {operator}")


def escaped(text: str) -> str:
    """`text` matched literally by LIKE: the escape character, `%` and `_` escaped."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
