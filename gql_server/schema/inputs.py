"""Input types of each exposed model: its filter (equality), create and update inputs.

Python names are the column names; Strawberry camel-cases them for the schema.
Create inputs list required columns first, then those with a default (a
callable default is a nullable argument: null asks the server for one), each in
table order. In update inputs a field left out is unchanged (`UNSET`) and an
explicit null clears a nullable column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from sqlalchemy import Column
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from strawberry import UNSET

from gql_server.schema.classes import Fields, new_input
from gql_server.schema.columns import column_type, field_type
from models import EXPOSED, Base
from models.exposed import WRITE_ONLY_DESCRIPTION, Exposed

TOKEN_FIELDS = ("id", "lastchange")
OWNER_DESCRIPTION = "The owning user; left out: the signed-in user."


@dataclass(frozen=True)
class Inputs:
    filter: type | None
    create: type
    update: type


def description(api: Exposed[Any], column: Column[Any], *, creating: bool) -> str | None:
    if api.is_write_only(column):
        return WRITE_ONLY_DESCRIPTION
    return column.doc if creating else None


def create_input(api: Exposed[Any]) -> type:
    required: Fields = {}
    optional: Fields = {}
    owner = api.owner_column()
    for column in api.writable():
        kind, text = column_type(column), description(api, column, creating=True)
        if column is owner:
            text = OWNER_DESCRIPTION
            optional[column.key] = (kind | None, strawberry.field(default=None, description=text))
        elif isinstance(column.default, ScalarElementColumnDefault):
            optional[column.key] = (
                kind,
                strawberry.field(default=column.default.arg, description=text),
            )
        elif column.default is not None or column.nullable:
            optional[column.key] = (kind | None, strawberry.field(default=None, description=text))
        else:
            required[column.key] = (kind, strawberry.field(description=text))
    return new_input(f"Create{api.name}Input", {**required, **optional})


def update_input(api: Exposed[Any]) -> type:
    table = api.model.__table__
    fields: Fields = {
        "id": (strawberry.ID, strawberry.field()),
        "lastchange": (field_type(table.c.lastchange), strawberry.field()),
    }
    for column in api.writable():
        fields[column.key] = (
            column_type(column) | None,
            strawberry.field(default=UNSET, description=description(api, column, creating=False)),
        )
    return new_input(f"Update{api.name}Input", fields)


def filter_input(api: Exposed[Any]) -> type | None:
    if not api.filters:
        return None
    table = api.model.__table__
    fields = {
        attribute.key: (column_type(table.c[attribute.key]) | None, strawberry.field(default=UNSET))
        for attribute in api.filters
    }
    return new_input(f"{api.name}Filter", fields)


INPUTS: dict[type[Base], Inputs] = {
    api.model: Inputs(filter_input(api), create_input(api), update_input(api)) for api in EXPOSED
}
