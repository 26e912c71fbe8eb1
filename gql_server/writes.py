"""The one generic create/update/delete flow behind every mutation.

Each mutation validates, then makes exactly one write through the loaders, in
one transaction, before any field of its result resolves. Refusals come back
as typed union members, never as exceptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

import strawberry
from strawberry import UNSET

from gql_server.context import Info
from gql_server.results import Deleted, InUseError, NotFoundError, StaleDataError, ValidationError
from gql_server.rules import Scope, check_references, check_rules, needs_current_row
from gql_server.types import from_row
from gql_server.validation import InvalidInput, check_columns, parse_id
from loaders import AnyRow, ConstraintViolated, RowInUse, RowNotFound, StaleWrite
from models import Base

T = TypeVar("T")
TOKEN_FIELDS = frozenset({"id", "lastchange"})


def given_values(data: object) -> dict[str, Any]:
    """The input's fields the client gave (left-out fields are UNSET), minus id and token."""
    return {
        name: value
        for name, value in vars(data).items()
        if value is not UNSET and name not in TOKEN_FIELDS
    }


async def create(info: Info, model: type[Base], graphql_type: type[T], data: object) -> Any:
    scope = Scope(info.context.loaders, own_id=None)
    given = given_values(data)
    try:
        values = await validated(model, given, {}, scope, creating=True)
        row = await scope.loaders.by_model(model).insert(values)
    except InvalidInput as invalid:
        return validation_error(invalid)
    except ConstraintViolated:
        return await explain_conflict(model, given, {}, scope, creating=True)
    return from_row(graphql_type, row)


async def update(info: Info, model: type[Base], graphql_type: type[T], data: Any) -> Any:
    try:
        id = parse_id(data.id)
    except InvalidInput as invalid:
        return validation_error(invalid)
    scope = Scope(info.context.loaders, own_id=id)
    given = given_values(data)
    current: Mapping[str, Any] = {}
    try:
        if needs_current_row(model, given):
            current = await current_row(model, id, data.lastchange, scope)
        values = await validated(model, given, current, scope, creating=False)
        row = await scope.loaders.by_model(model).update(id, data.lastchange, values)
    except InvalidInput as invalid:
        return validation_error(invalid)
    except RowNotFound as missing:
        return not_found(model, missing.id)
    except StaleWrite as stale:
        return stale_data(model, stale)
    except ConstraintViolated:
        return await explain_conflict(model, given, current, scope, creating=False)
    return from_row(graphql_type, row)


async def delete(info: Info, model: type[Base], id: str, lastchange: datetime) -> Any:
    try:
        row_id = parse_id(id)
    except InvalidInput:
        return NotFoundError(
            id=strawberry.ID(id), message=f"{model.__name__} {id!r} does not exist"
        )
    try:
        await info.context.loaders.by_model(model).delete(row_id, lastchange)
    except RowNotFound:
        return not_found(model, row_id)
    except StaleWrite as stale:
        return stale_data(model, stale)
    except RowInUse:
        return InUseError(
            id=strawberry.ID(str(row_id)),
            message=f"{model.__name__} {row_id} is still referenced by other rows; "
            "delete those first",
        )
    return Deleted(id=strawberry.ID(str(row_id)))


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
    row: AnyRow | None = await scope.loaders.by_model(model).load(id)
    if row is None:
        raise RowNotFound(id)
    if row.lastchange != lastchange:
        raise StaleWrite(id, row.lastchange)
    return dict(row._mapping)


async def explain_conflict(
    model: type[Base],
    given: Mapping[str, Any],
    current: Mapping[str, Any],
    scope: Scope,
    *,
    creating: bool,
) -> ValidationError:
    """The database refused a write that passed the checks: a concurrent write won a
    unique or foreign-key race. Checking again, past the cache, names the field that lost."""
    scope.loaders.clear_all()
    try:
        await validated(model, given, current, scope, creating=creating)
    except InvalidInput as invalid:
        return validation_error(invalid)
    return ValidationError(
        field="input", message="the input conflicts with a concurrent change; retry"
    )


def validation_error(invalid: InvalidInput) -> ValidationError:
    return ValidationError(field=invalid.field, message=f"{invalid.field} {invalid.message}")


def not_found(model: type[Base], id: int) -> NotFoundError:
    return NotFoundError(id=strawberry.ID(str(id)), message=f"{model.__name__} {id} does not exist")


def stale_data(model: type[Base], stale: StaleWrite) -> StaleDataError:
    return StaleDataError(
        id=strawberry.ID(str(stale.id)),
        lastchange=stale.current,
        message=f"{model.__name__} {stale.id} has changed since you read it; "
        "re-read it and retry with its current lastchange",
    )
