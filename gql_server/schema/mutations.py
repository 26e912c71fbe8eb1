"""Root mutation fields: `createX`, `updateX` and `deleteX` of every exposed model.

One generic resolver each: the domain validates and writes (`domain/writes.py`),
and every refusal comes back as a typed union member, never as an exception.
"""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Any

import strawberry
from strawberry import UNSET
from strawberry.tools import create_type
from strawberry.types.field import StrawberryField

from gql_server.domain import writes
from gql_server.domain.access import require_signed_in
from gql_server.domain.errors import (
    Forbidden,
    InvalidInput,
    RowInUse,
    RowNotFound,
    StaleWrite,
    WriteConflict,
    WriteRefused,
)
from gql_server.domain.validation import parse_id
from gql_server.observe.record import note_stale_write
from gql_server.schema.auth import AUTH_MUTATION_FIELDS
from gql_server.schema.classes import resolver
from gql_server.schema.context import Info
from gql_server.schema.inputs import INPUTS, TOKEN_FIELDS
from gql_server.schema.objects import OBJECT_TYPES, from_row
from gql_server.schema.results import (
    RESULTS,
    Deleted,
    DeleteResult,
    ForbiddenError,
    InUseError,
    NotFoundError,
    StaleDataError,
    ValidationError,
)
from models import EXPOSED, Base
from models.exposed import Exposed

REQUIRED = inspect.Parameter.empty


def given_values(data: object) -> dict[str, Any]:
    """The input's fields the client gave (left-out fields are UNSET), minus id and token."""
    return {
        name: value
        for name, value in vars(data).items()
        if value is not UNSET and name not in TOKEN_FIELDS
    }


def refusal(model: type[Base], refused: WriteRefused) -> Any:
    """What the client sees of a refused write."""
    name = model.__name__
    if isinstance(refused, InvalidInput):
        return ValidationError(field=refused.field, message=f"{refused.field} {refused.message}")
    if isinstance(refused, WriteConflict):
        return ValidationError(
            field="input", message="the input conflicts with a concurrent change; retry"
        )
    if isinstance(refused, RowNotFound):
        return NotFoundError(
            id=strawberry.ID(str(refused.id)), message=f"{name} {refused.id} does not exist"
        )
    if isinstance(refused, StaleWrite):
        note_stale_write(name)
        return StaleDataError(
            id=strawberry.ID(str(refused.id)),
            lastchange=refused.current,
            message=f"{name} {refused.id} has changed since you read it; "
            "re-read it and retry with its current lastchange",
        )
    if isinstance(refused, Forbidden):
        return ForbiddenError(message=refused.message)
    if isinstance(refused, RowInUse):
        return InUseError(
            id=strawberry.ID(str(refused.id)),
            message=f"{name} {refused.id} is still referenced by other rows; delete those first",
        )
    raise refused  # a refusal without a client-facing form is a bug: masked as unexpected


def mutations(api: Exposed[Any]) -> list[StrawberryField]:
    model, object_type, inputs = api.model, OBJECT_TYPES[api.model], INPUTS[api.model]

    async def create(*, info: Info, input: Any) -> Any:
        require_signed_in(info.context.loaders)
        try:
            row = await writes.create(info.context.loaders, model, given_values(input))
        except WriteRefused as refused:
            return refusal(model, refused)
        return from_row(object_type, row)

    async def update(*, info: Info, input: Any) -> Any:
        loaders, given = info.context.loaders, given_values(input)
        require_signed_in(loaders)
        try:
            row = await writes.update(loaders, model, input.id, input.lastchange, given)
        except WriteRefused as refused:
            return refusal(model, refused)
        return from_row(object_type, row)

    async def delete(*, info: Info, id: strawberry.ID, lastchange: datetime) -> Any:
        require_signed_in(info.context.loaders)
        try:
            row_id = parse_id(id)
        except InvalidInput:
            return NotFoundError(id=id, message=f"{model.__name__} {id!r} does not exist")
        try:
            await writes.delete(info.context.loaders, model, row_id, lastchange)
        except WriteRefused as refused:
            return refusal(model, refused)
        return Deleted(id=strawberry.ID(str(row_id)))

    result, name = RESULTS[model], api.singular
    deleting = {"id": (strawberry.ID, REQUIRED), "lastchange": (datetime, REQUIRED)}
    return [
        strawberry.mutation(
            resolver=resolver(
                f"create_{name}", create, {"input": (inputs.create, REQUIRED)}, result
            )
        ),
        strawberry.mutation(
            resolver=resolver(
                f"update_{name}", update, {"input": (inputs.update, REQUIRED)}, result
            )
        ),
        strawberry.mutation(resolver=resolver(f"delete_{name}", delete, deleting, DeleteResult)),
    ]


Mutation = create_type(
    "Mutation",
    [*(field for api in EXPOSED for field in mutations(api)), *AUTH_MUTATION_FIELDS],
)
