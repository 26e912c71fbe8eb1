"""Errors as data: the typed failures a mutation can return, and the result unions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gql_server.types import Address, Order, Transaction, User


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


@strawberry.type(description="The row was deleted.")
class Deleted:
    id: strawberry.ID


WriteError = ValidationError | NotFoundError | StaleDataError

UserResult = Annotated[User | WriteError, strawberry.union("UserResult")]
AddressResult = Annotated[Address | WriteError, strawberry.union("AddressResult")]
OrderResult = Annotated[Order | WriteError, strawberry.union("OrderResult")]
TransactionResult = Annotated[Transaction | WriteError, strawberry.union("TransactionResult")]
DeleteResult = Annotated[
    Deleted | NotFoundError | StaleDataError | InUseError, strawberry.union("DeleteResult")
]
