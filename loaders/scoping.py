"""Who may see which rows, as SQL: the part of each statement's WHERE that scopes it
to its viewer (`models/access.py` says who may do what).

Every read of the loaders and every compare-and-set write adds the condition for its
viewer's role to its own statement, so scoping costs no statement and no row ever
reaches Python before its owner is checked:
- own rows: `user_id = :viewer_id` (a row owned through a relationship, such as a
  transaction through its order: `order_id IN (SELECT id FROM orders WHERE ...)`);
- all rows: the viewer's `users` row still exists and still has the token's role
  (`EXISTS (...)`), so a deleted or demoted user's token stops working at once;
- none (and anonymous viewers): `false`.
Loaders with no viewer (`scope.key == SYSTEM`) are the server's own: seeding, the CLI.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    exists,
    false,
    select,
)
from sqlalchemy.orm import RelationshipProperty
from sqlalchemy.sql.visitors import cloned_traverse

from models import Access, Base, Role, User, Viewer, exposed_of, model_of
from models.access import Action

VIEWER_ID, VIEWER_ROLE = "viewer_id", "viewer_role"
SYSTEM, ANONYMOUS_KEY = "system", "anonymous"


class Scope:
    """One viewer's visibility: a hashable `key` (statements are cached per key) and the
    parameters its conditions bind."""

    def __init__(self, viewer: Viewer | None) -> None:
        self.viewer = viewer
        self.parameters: dict[str, Any]
        if viewer is None:
            self.key, self.parameters = SYSTEM, {}
        elif viewer.role is None:
            self.key, self.parameters = ANONYMOUS_KEY, {}
        else:
            self.key = viewer.role.value
            self.parameters = {VIEWER_ID: viewer.user_id, VIEWER_ROLE: viewer.role.name}

    def where(self, table: Table, action: Action = "read") -> ColumnElement[bool] | None:
        """The condition for `action` on rows of `table` (None: every row), unbound."""
        return condition(table, self.key, action)

    def bound(self, table: Table, action: Action = "read") -> ColumnElement[bool] | None:
        """`where` with this viewer's values in it, for statements built per call (writes)."""
        return self._bind(self.where(table, action))

    def insert_guard(self, table: Table) -> ColumnElement[bool] | None:
        """What must hold for this viewer to insert into `table`, bound: for a role that
        may create any row, that it is still the role of its `users` row. (Rows a role
        may only create for itself name their owner, checked before the insert.)"""
        if self.key in (SYSTEM, ANONYMOUS_KEY):
            return None
        if access_of(model_of(table), self.key, "create") is not Access.ALL:
            return None
        return self._bind(still_has_role())

    def _bind(self, found: ColumnElement[bool] | None) -> ColumnElement[bool] | None:
        if found is None:
            return None
        parameters = self.parameters

        def bind(parameter: BindParameter[Any]) -> None:
            if parameter.key in parameters:
                parameter.value = parameters[parameter.key]
                parameter.required = False

        bound: ColumnElement[bool] = cloned_traverse(found, {}, {"bindparam": bind})
        return bound

    def access(self, model: type[Base], action: Action = "read") -> Access:
        """How much of `model` this viewer may `action` (the server itself: all)."""
        return access_of(model, self.key, action)


@cache  # bounded: models x roles x actions
def access_of(model: type[Base], key: str, action: Action) -> Access:
    if key == SYSTEM:
        return Access.ALL
    if key == ANONYMOUS_KEY:
        return Access.NONE
    return exposed_of(model).access(Role(key), action)


def viewer_id() -> Any:
    return bindparam(VIEWER_ID, type_=Integer())


@cache  # bounded: tables x roles x actions
def condition(table: Table, key: str, action: Action) -> ColumnElement[bool] | None:
    if key == SYSTEM:
        return None
    model = model_of(table)
    try:
        exposed_of(model)
    except LookupError:
        return false()  # a table the API does not serve: nothing for a client
    access = access_of(model, key, action)
    if access is Access.NONE:
        return false()
    if access is Access.ALL:
        return still_has_role()
    return owned(table)


def still_has_role() -> ColumnElement[bool]:
    """The viewer's row exists and holds the role the token claims (an alias: inside a
    read of `users` a plain `users` would be correlated with the row being read)."""
    users: Table = User.__table__  # type: ignore[assignment]
    viewer = users.alias("viewer")
    return exists(
        select(viewer.c.id).where(
            viewer.c.id == viewer_id(),
            # the role's name, bound as plain text: no Enum processing per statement
            viewer.c.role == bindparam(VIEWER_ROLE, type_=String()),
        )
    )


def owned(table: Table) -> ColumnElement[bool]:
    """Rows of `table` the viewer owns, by the model's declared `owner`."""
    api = exposed_of(model_of(table))
    if api.owner is None:
        raise TypeError(f"{api.name} grants OWN access but declares no owner")
    prop = api.owner.property
    if not isinstance(prop, RelationshipProperty):
        return table.c[prop.key] == viewer_id()
    (local,) = prop.local_columns
    parent: Table = prop.mapper.local_table  # type: ignore[assignment]
    return local.in_(select(parent.c.id).where(owned(parent)))


@cache  # bounded: projections of the users table
def own_row(columns: tuple[str, ...]) -> Select[Any]:
    """The viewer's own `users` row (`Loaders.viewer_row`)."""
    users: Table = User.__table__  # type: ignore[assignment]
    return select(*(users.c[name] for name in columns)).where(users.c.id == viewer_id())
