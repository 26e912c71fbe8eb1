"""Root mutation fields: create, update and delete of each model, all one generic flow."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from gql_server import writes
from gql_server.context import Info
from gql_server.inputs import (
    CreateAddressInput,
    CreateOrderInput,
    CreateTransactionInput,
    CreateUserInput,
    UpdateAddressInput,
    UpdateOrderInput,
    UpdateTransactionInput,
    UpdateUserInput,
)
from gql_server.results import (
    AddressResult,
    DeleteResult,
    OrderResult,
    TransactionResult,
    UserResult,
)
from gql_server.types import Address, Order, Transaction, User


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_user(self, info: Info, input: CreateUserInput) -> UserResult:
        return await writes.create(info, models.User, User, input)

    @strawberry.mutation
    async def update_user(self, info: Info, input: UpdateUserInput) -> UserResult:
        return await writes.update(info, models.User, User, input)

    @strawberry.mutation
    async def delete_user(
        self, info: Info, id: strawberry.ID, lastchange: datetime
    ) -> DeleteResult:
        return await writes.delete(info, models.User, id, lastchange)

    @strawberry.mutation
    async def create_address(self, info: Info, input: CreateAddressInput) -> AddressResult:
        return await writes.create(info, models.Address, Address, input)

    @strawberry.mutation
    async def update_address(self, info: Info, input: UpdateAddressInput) -> AddressResult:
        return await writes.update(info, models.Address, Address, input)

    @strawberry.mutation
    async def delete_address(
        self, info: Info, id: strawberry.ID, lastchange: datetime
    ) -> DeleteResult:
        return await writes.delete(info, models.Address, id, lastchange)

    @strawberry.mutation
    async def create_order(self, info: Info, input: CreateOrderInput) -> OrderResult:
        return await writes.create(info, models.Order, Order, input)

    @strawberry.mutation
    async def update_order(self, info: Info, input: UpdateOrderInput) -> OrderResult:
        return await writes.update(info, models.Order, Order, input)

    @strawberry.mutation
    async def delete_order(
        self, info: Info, id: strawberry.ID, lastchange: datetime
    ) -> DeleteResult:
        return await writes.delete(info, models.Order, id, lastchange)

    @strawberry.mutation
    async def create_transaction(
        self, info: Info, input: CreateTransactionInput
    ) -> TransactionResult:
        return await writes.create(info, models.Transaction, Transaction, input)

    @strawberry.mutation
    async def update_transaction(
        self, info: Info, input: UpdateTransactionInput
    ) -> TransactionResult:
        return await writes.update(info, models.Transaction, Transaction, input)

    @strawberry.mutation
    async def delete_transaction(
        self, info: Info, id: strawberry.ID, lastchange: datetime
    ) -> DeleteResult:
        return await writes.delete(info, models.Transaction, id, lastchange)
