"""GraphQL object types. Their sources are loader rows, read by attribute.

Only relationship fields (declared with `relation`) await; plain columns
resolve synchronously. Secrets such as `account_key` have no field here, so no
query can ever return them.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

import strawberry
from strawberry.scalars import JSON, Base64

from gql_server.enums import AssetType, OrderType
from gql_server.relations import relation
from loaders import AnyRow

T = TypeVar("T")


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

    addresses: list[Address] = relation("addresses_by_user_id", key="id")
    orders: list[Order] = relation("orders_by_user_id", key="id")


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

    user: User = relation("user_by_id", key="user_id")


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

    user: User = relation("user_by_id", key="user_id")
    transactions: list[Transaction] = relation("transactions_by_order_id", key="id")


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

    order: Order = relation("order_by_id", key="order_id")
