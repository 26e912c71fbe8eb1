"""Errors as data: the typed failures a mutation can return, and the result unions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from gql_server.schema.objects import OBJECT_TYPES
from models import Base


@strawberry.interface(name="Error", description="Something a client can switch on and show.")
class Error:
    message: str


@strawberry.type(description="The input broke a rule; `field` names the input field.")
class ValidationError(Error):
    field: str


@strawberry.type(description="No row with this id exists.")
class NotFoundError(Error):
    id: strawberry.ID


@strawberry.type(
    description="The row changed since it was read; `lastchange` is its current value."
)
class StaleDataError(Error):
    id: strawberry.ID
    lastchange: datetime


@strawberry.type(description="Other rows still reference this one; delete them first.")
class InUseError(Error):
    id: strawberry.ID


@strawberry.type(description="The viewer's role may not make this write.")
class ForbiddenError(Error):
    pass


@strawberry.type(description="The row was deleted.")
class Deleted:
    id: strawberry.ID


WriteError = ValidationError | NotFoundError | StaleDataError | ForbiddenError
DeleteResult = Annotated[
    Deleted | NotFoundError | StaleDataError | InUseError | ForbiddenError,
    strawberry.union("DeleteResult"),
]


def result_union(object_type: type) -> Any:
    """`<Type>Result`: the written row, or why it was not written."""
    name = f"{object_type.__name__}Result"
    return Annotated[object_type | WriteError, strawberry.union(name)]


RESULTS: dict[type[Base], Any] = {
    model: result_union(object_type) for model, object_type in OBJECT_TYPES.items()
}
