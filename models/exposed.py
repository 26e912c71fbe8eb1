"""How a model appears in the API: one declaration, next to the model.

The GraphQL type, its filter, create and update inputs, root fields, mutations,
result union and loaders are all derived from this declaration and from the
model's own columns and relationships (`gql_server/schema/`, `loaders/`), so a
new model is a table, its migration and one `Exposed(...)`.

Columns become fields in table order, `id` first and `lastchange` last; a column's
`doc` describes it in the create input; `write_only` columns are accepted by the
inputs and never returned; `hidden` columns are neither (the server's own, such as a
password hash).

`owner` says whose a row is (`models/access.py`): a column holding the owning user's
id, or a to-one relationship to a model that has an owner. `grants` says what each
role may do; operators may do everything unless it says otherwise.

`sortable` names the columns a client may order the model's connection by, besides
`id` and `lastchange` (which every connection sorts by).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, Table
from sqlalchemy.orm import InstrumentedAttribute, RelationshipProperty

from models.access import EVERYTHING, NOTHING, Access, Action, Grants
from models.base import Base
from models.enums import Role

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
    owner: InstrumentedAttribute[Any] | None = None
    grants: Mapping[Role, Grants] = field(default_factory=dict)
    hidden: tuple[InstrumentedAttribute[Any], ...] = ()
    sortable: tuple[InstrumentedAttribute[Any], ...] = ()

    def grants_of(self, role: Role) -> Grants:
        """What `role` may do with this model's rows."""
        default = EVERYTHING if role is Role.OPERATOR else NOTHING
        return self.grants.get(role, default)

    def access(self, role: Role | None, action: Action) -> Access:
        """`role`'s access for `action` (anonymous: none)."""
        return Access.NONE if role is None else self.grants_of(role).of(action)

    def owner_column(self) -> Column[Any] | None:
        """The column naming the owning user, when the owner is a column of this table."""
        if self.owner is None or isinstance(self.owner.property, RelationshipProperty):
            return None
        table: Table = self.model.__table__  # type: ignore[assignment]
        return table.c[self.owner.key]

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
        hidden = {attribute.key for attribute in (*self.write_only, *self.hidden)}
        middle = [c for c in self.columns() if c.key not in {"id", "lastchange", *hidden}]
        by_key = {column.key: column for column in self.columns()}
        return [by_key["id"], *middle, by_key["lastchange"]]

    def sort_columns(self) -> list[Column[Any]]:
        """The columns a connection may be ordered by: `id`, `sortable`, `lastchange`."""
        by_key = {column.key: column for column in self.columns()}
        middle = [by_key[attribute.key] for attribute in self.sortable]
        return [by_key["id"], *middle, by_key["lastchange"]]

    @property
    def connection(self) -> str:
        """The root field of a connection of rows (`ordersConnection`)."""
        return f"{self.many}_connection"

    def writable(self) -> list[Column[Any]]:
        """The columns a client may write: all but `id` and `lastchange`."""
        hidden = {"id", "lastchange", *(attribute.key for attribute in self.hidden)}
        return [c for c in self.columns() if c.key not in hidden]

    def is_write_only(self, column: Column[Any]) -> bool:
        return column.key in {attribute.key for attribute in self.write_only}

    def relationships(self) -> list[RelationshipProperty[Any]]:
        return [relation.property for relation in self.relations]  # type: ignore[misc]
