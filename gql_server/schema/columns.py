"""The GraphQL type of a column, read off the column itself.

Ids and foreign keys are `ID`; bytes are `Base64`, JSON columns `JSON`, enums
the domain enums (registered in `enums.py`); everything else is the column's own
Python type, which `SCALAR_MAP` or Strawberry maps to a scalar.
"""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import JSON as JSONColumn
from sqlalchemy import Column
from strawberry.scalars import JSON, Base64

from gql_server.schema import enums  # noqa: F401  (registers the enums before any use)

OVERRIDES: dict[type, object] = {bytes: Base64}


def column_type(column: Column[Any]) -> Any:
    """The column's value type in the schema, not null."""
    if column.primary_key or column.foreign_keys:
        return strawberry.ID
    if isinstance(column.type, JSONColumn):
        return JSON
    python_type: type = column.type.python_type
    return OVERRIDES.get(python_type, python_type)


def field_type(column: Column[Any]) -> Any:
    """The column's type in the schema, nullable when the column is."""
    kind = column_type(column)
    return kind | None if column.nullable else kind
