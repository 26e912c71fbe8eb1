"""`XWhere`: operator filters of a connection, derived from the model's columns.

Each readable column (but bytes and JSON) gets its type's operator input:
`{eq ne in notIn isNull}`, plus `lt lte gt gte` for ordered types and `startsWith
contains` for text (`StringOperators`). `and`, `or` and `not` nest whole `XWhere`s.
One operator input per scalar or enum, shared by every model.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from sqlalchemy import JSON, Column, LargeBinary
from strawberry import UNSET

from gql_server.schema.classes import Fields, add_field, new_class, new_input
from gql_server.schema.columns import column_type
from models.exposed import Exposed

NAMES: dict[Any, str] = {
    strawberry.ID: "ID",
    str: "String",
    int: "Int",
    float: "Float",
    bool: "Boolean",
    Decimal: "Decimal",
    datetime: "DateTime",
}
_made: dict[str, type] = {}


def unset(annotation: Any, name: str | None = None) -> tuple[Any, Any]:
    return annotation | None, strawberry.field(default=UNSET, name=name)


def operators_of(column: Column[Any]) -> type:
    """The operator input of `column`'s type, made once per type."""
    kind = column_type(column)
    is_enum = isinstance(kind, type) and issubclass(kind, enum.Enum)
    name = f"{kind.__name__ if is_enum else NAMES[kind]}Operators"
    if name in _made:
        return _made[name]
    fields: Fields = {
        "eq": unset(kind),
        "ne": unset(kind),
        "in_": unset(list[kind], "in"),  # type: ignore[valid-type]
        "not_in": unset(list[kind]),  # type: ignore[valid-type]
        "is_null": unset(bool),
    }
    if kind is not bool:
        fields.update({op: unset(kind) for op in ("lt", "lte", "gt", "gte")})
    if kind is str:
        fields.update({"starts_with": unset(str), "contains": unset(str)})
    _made[name] = new_input(name, fields)
    return _made[name]


def filterable(api: Exposed[Any]) -> list[Column[Any]]:
    return [c for c in api.readable() if not isinstance(c.type, JSON | LargeBinary)]


def where_input(api: Exposed[Any]) -> type:
    """`XWhere`: every column's operators, all of which must hold, and `and`/`or`/`not`."""
    fields: Fields = {column.key: unset(operators_of(column)) for column in filterable(api)}
    where = new_class(f"{api.name}Where", fields)
    add_field(where, "and_", *unset(list[where], "and"))  # type: ignore[valid-type]
    add_field(where, "or_", *unset(list[where], "or"))  # type: ignore[valid-type]
    add_field(where, "not_", *unset(where, "not"))
    return strawberry.input(where)
