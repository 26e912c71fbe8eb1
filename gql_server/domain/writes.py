"""The one generic create/update/delete flow behind every mutation.

Each write is authorized (`access.py`), validated, then makes exactly one write (`store.py`) in one
transaction. Refusals are raised as `WriteRefused`; the schema turns each into a
typed union member.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from gql_server.domain.access import authorize_write
from gql_server.domain.errors import (
    ConstraintViolated,
    InvalidInput,
    RowNotFound,
    StaleWrite,
    WriteConflict,
)
from gql_server.domain.rules import Scope, check_references, check_rules, needs_current_row
from gql_server.domain.store import delete_row, insert_row, update_row
from gql_server.domain.validation import check_columns, parse_id
from loaders import AnyRow, Loaders
from models import Base


async def create(loaders: Loaders, model: type[Base], given: Mapping[str, Any]) -> AnyRow:
    given = authorize_write(loaders, model, "create", given)
    check = partial(validated, model, given, {}, Scope(loaders, own_id=None), creating=True)
    try:
        return await insert_row(loaders, model, await check())
    except ConstraintViolated:
        raise await explain_conflict(loaders, check) from None


async def update(
    loaders: Loaders, model: type[Base], id: object, lastchange: datetime, given: Mapping[str, Any]
) -> AnyRow:
    given = authorize_write(loaders, model, "update", given)
    row_id = parse_id(id)
    scope = Scope(loaders, own_id=row_id)
    current: Mapping[str, Any] = {}
    if needs_current_row(model, given):
        current = await current_row(model, row_id, lastchange, scope)
    check = partial(validated, model, given, current, scope, creating=False)
    try:
        return await update_row(loaders, model, row_id, lastchange, await check())
    except ConstraintViolated:
        raise await explain_conflict(loaders, check) from None


async def delete(loaders: Loaders, model: type[Base], id: int, lastchange: datetime) -> None:
    authorize_write(loaders, model, "delete", {})
    await delete_row(loaders, model, id, lastchange)


async def validated(
    model: type[Base],
    given: Mapping[str, Any],
    current: Mapping[str, Any],
    scope: Scope,
    *,
    creating: bool,
) -> dict[str, Any]:
    values = check_columns(model.__table__, given, creating=creating)  # type: ignore[arg-type]
    await check_references(model, values, scope)
    await check_rules(model, values, {**current, **values}, scope)
    return values


async def current_row(
    model: type[Base], id: int, lastchange: datetime, scope: Scope
) -> Mapping[str, Any]:
    """The row an update starts from; it must still hold the client's token."""
    row: AnyRow | None = await scope.loaders.by_id(model).load(id)
    if row is None:
        raise RowNotFound(id)
    if row.lastchange != lastchange:
        raise StaleWrite(id, row.lastchange)
    return dict(row._mapping)


async def explain_conflict(
    loaders: Loaders, check: Callable[[], Awaitable[object]]
) -> InvalidInput | WriteConflict:
    """The database refused a write that passed `check`: a concurrent write won a unique
    or foreign-key race. Checking again, past the cache, names the field that lost."""
    loaders.clear_all()
    try:
        await check()
    except InvalidInput as invalid:
        return invalid
    return WriteConflict()
