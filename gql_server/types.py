"""GraphQL object types. Their sources are loader rows, read by attribute.

Only relationship fields await; plain columns resolve synchronously. Secrets
such as `account_key` have no field here, so no query can ever return them.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import strawberry
from strawberry.scalars import JSON, Base64

from gql_server.context import Info
from loaders import AnyRow, FkeyLoader, IdLoader
from models import AssetType, OrderType

strawberry.enum(OrderType, description="Lifecycle state of an order.")
strawberry.enum(AssetType, description="Asset an order trades.")

T = TypeVar("T")


async def rows_of(loader: IdLoader | FkeyLoader, key: str | int) -> Any:
    """What `loader` holds for `key`: rows stand in for the GraphQL types."""
    return await loader.load(int(key))


def from_row(graphql_type: type[T], row: AnyRow) -> T:
    """An instance of `graphql_type` from a row (where a union needs a real instance).

    Resolver fields (`init=False`) are not columns: they resolve from the instance later.
    """
    columns = [f.name for f in fields(graphql_type) if f.init]  # type: ignore[arg-type]
    return graphql_type(**{name: getattr(row, name) for name in columns})


@strawberry.type(name="User")
class User:
    id: strawberry.ID
    name: str
    surname: str
    email: str
    lastchange: datetime

    @strawberry.field
    async def addresses(self, info: Info) -> list[Address]:
        return await rows_of(info.context.loaders.addresses_by_user_id, self.id)

    @strawberry.field
    async def orders(self, info: Info) -> list[Order]:
        return await rows_of(info.context.loaders.orders_by_user_id, self.id)


@strawberry.type(name="Address")
class Address:
    id: strawberry.ID
    user_id: strawberry.ID
    address: str
    network: str
    is_default: bool
    address_balance: Decimal
    label: str | None
    description: str | None
    account_number: str | None
    lastchange: datetime

    @strawberry.field
    async def user(self, info: Info) -> User:
        return await rows_of(info.context.loaders.user_by_id, self.user_id)


@strawberry.type(name="Order")
class Order:
    id: strawberry.ID
    user_id: strawberry.ID
    order_type: OrderType
    asset: AssetType
    start: float
    expected_end: float | None
    memo: str | None
    lastchange: datetime

    @strawberry.field
    async def user(self, info: Info) -> User:
        return await rows_of(info.context.loaders.user_by_id, self.user_id)

    @strawberry.field
    async def transactions(self, info: Info) -> list[Transaction]:
        return await rows_of(info.context.loaders.transactions_by_order_id, self.id)


@strawberry.type(name="Transaction")
class Transaction:
    id: strawberry.ID
    order_id: strawberry.ID
    tranx_ref: str
    tranx_id: str
    inputs: str | None
    outputs: str | None
    confirmations: int
    pubkey: Base64 | None
    meta: JSON | None
    lastchange: datetime

    @strawberry.field
    async def order(self, info: Info) -> Order:
        return await rows_of(info.context.loaders.order_by_id, self.order_id)
