"""Root query fields: one row by id, or a page of rows ordered by id."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import UNSET

from gql_server.context import Info
from gql_server.inputs import AddressFilter, OrderFilter, TransactionFilter, UserFilter
from gql_server.relations import root_lookup
from gql_server.types import Address, Order, Transaction, User
from gql_server.validation import BadRequest, InvalidInput, parse_id
from loaders import IdLoader

MAX_LIMIT = 100


async def fetch_one(loader: IdLoader, id: str) -> Any:
    try:
        return await loader.load(parse_id(id))
    except InvalidInput as invalid:
        raise BadRequest(f"id {invalid.message}") from None


async def fetch_page(loader: IdLoader, skip: int, limit: int, where: object | None) -> Any:
    given = {k: v for k, v in vars(where).items() if v is not UNSET} if where else {}
    return await fetch_filtered_page(loader, skip, limit, given)


async def fetch_filtered_page(
    loader: IdLoader, skip: int, limit: int, given: dict[str, Any]
) -> Any:
    """A page of rows; `given` maps column names to the values to match."""
    check_page(skip, limit)
    return await loader.page(skip, limit, **filters(loader, given))


def check_page(skip: int, limit: int) -> None:
    if not 0 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 0 and {MAX_LIMIT}, got {limit}")
    if skip < 0:
        raise BadRequest(f"skip must not be negative, got {skip}")


def filters(loader: IdLoader, given: dict[str, Any]) -> dict[str, Any]:
    """Equality filters the client gave; ids are parsed like everywhere else."""
    try:
        return {
            name: parse_id(value, name)
            if loader.table.c[name].foreign_keys and value is not None
            else value
            for name, value in given.items()
        }
    except InvalidInput as invalid:
        raise BadRequest(f"where.{invalid.field} {invalid.message}") from None


@strawberry.type
class Query:
    @strawberry.field(metadata=root_lookup("user_by_id", many=False))
    async def user(self, info: Info, id: strawberry.ID) -> User | None:
        return await fetch_one(info.context.loaders.user_by_id, id)

    @strawberry.field(metadata=root_lookup("user_by_id", many=True))
    async def users(
        self, info: Info, skip: int = 0, limit: int = 20, where: UserFilter | None = None
    ) -> list[User]:
        return await fetch_page(info.context.loaders.user_by_id, skip, limit, where)

    @strawberry.field(metadata=root_lookup("address_by_id", many=False))
    async def address(self, info: Info, id: strawberry.ID) -> Address | None:
        return await fetch_one(info.context.loaders.address_by_id, id)

    @strawberry.field(metadata=root_lookup("address_by_id", many=True))
    async def addresses(
        self, info: Info, skip: int = 0, limit: int = 20, where: AddressFilter | None = None
    ) -> list[Address]:
        return await fetch_page(info.context.loaders.address_by_id, skip, limit, where)

    @strawberry.field(metadata=root_lookup("order_by_id", many=False))
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        return await fetch_one(info.context.loaders.order_by_id, id)

    @strawberry.field(metadata=root_lookup("order_by_id", many=True))
    async def orders(
        self, info: Info, skip: int = 0, limit: int = 20, where: OrderFilter | None = None
    ) -> list[Order]:
        return await fetch_page(info.context.loaders.order_by_id, skip, limit, where)

    @strawberry.field(metadata=root_lookup("transaction_by_id", many=False))
    async def transaction(self, info: Info, id: strawberry.ID) -> Transaction | None:
        return await fetch_one(info.context.loaders.transaction_by_id, id)

    @strawberry.field(metadata=root_lookup("transaction_by_id", many=True))
    async def transactions(
        self, info: Info, skip: int = 0, limit: int = 20, where: TransactionFilter | None = None
    ) -> list[Transaction]:
        return await fetch_page(info.context.loaders.transaction_by_id, skip, limit, where)
