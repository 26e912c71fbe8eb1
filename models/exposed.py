"""How a model appears in the API: one declaration, next to the model.

The GraphQL type, its filter, create and update inputs, root fields, mutations,
result union and loaders are all derived from this declaration and from the
model's own columns and relationships (`gql_server/schema/`, `loaders/`), so a
new model is a table, its migration and one `Exposed(...)`.

Columns become fields in table order, `id` first and `lastchange` last; a column's
`doc` describes it in the create input; `write_only` columns are accepted by the
inputs and never returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, Table
from sqlalchemy.orm import InstrumentedAttribute, RelationshipProperty

from models.base import Base

M = TypeVar("M", bound=Base)
WRITE_ONLY_DESCRIPTION = "Write-only: stored, never returned."


@dataclass(frozen=True)
class Exposed(Generic[M]):
    """`model` in the API: root fields `<name>(id)` and `<plural>(skip, limit, where)`,
    `create/update/delete<Model>` mutations, and the relationships in `relations`
    as fields (to-one or to-many, as the relationship says)."""

    model: type[M]
    filters: tuple[InstrumentedAttribute[Any], ...] = ()
    relations: tuple[InstrumentedAttribute[Any], ...] = ()
    write_only: tuple[InstrumentedAttribute[Any], ...] = ()
    plural: str | None = None

    @property
    def name(self) -> str:
        """The GraphQL type name: the model's class name."""
        return self.model.__name__

    @property
    def singular(self) -> str:
        """The root field of one row, in snake case (`order`)."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.name).lower()

    @property
    def many(self) -> str:
        """The root field of a page of rows (`orders`)."""
        return self.plural or f"{self.singular}s"

    def columns(self) -> list[Column[Any]]:
        """Every column, as the table declares them."""
        table: Table = self.model.__table__  # type: ignore[assignment]
        return list(table.columns)

    def readable(self) -> list[Column[Any]]:
        """The columns a client may read: `id`, the others in table order, `lastchange`."""
        hidden = {attribute.key for attribute in self.write_only}
        middle = [c for c in self.columns() if c.key not in {"id", "lastchange", *hidden}]
        by_key = {column.key: column for column in self.columns()}
        return [by_key["id"], *middle, by_key["lastchange"]]

    def writable(self) -> list[Column[Any]]:
        """The columns a client may write: all but `id` and `lastchange`."""
        return [c for c in self.columns() if c.key not in {"id", "lastchange"}]

    def is_write_only(self, column: Column[Any]) -> bool:
        return column.key in {attribute.key for attribute in self.write_only}

    def relationships(self) -> list[RelationshipProperty[Any]]:
        return [relation.property for relation in self.relations]  # type: ignore[misc]
