"""Rows for tests, written through the loaders (the same path the API writes through)."""

from __future__ import annotations

import itertools
from typing import Any

from gql_server.domain.store import insert_row
from loaders import AnyRow, Loaders
from models import Address, Order, Transaction, User

_serial = itertools.count(1)


async def make_user(loaders: Loaders, **values: Any) -> AnyRow:
    n = next(_serial)
    row = {"name": f"Name{n}", "surname": f"Surname{n}", "email": f"user{n}@example.com"}
    return await insert_row(loaders, User, {**row, **values})


async def make_address(loaders: Loaders, user_id: int, **values: Any) -> AnyRow:
    n = next(_serial)
    row = {"user_id": user_id, "address": f"bc1q{n:08d}", "network": "bitcoin"}
    return await insert_row(loaders, Address, {**row, **values})


async def make_order(loaders: Loaders, user_id: int, **values: Any) -> AnyRow:
    row = {"user_id": user_id, "start": 1_767_225_600.0}
    return await insert_row(loaders, Order, {**row, **values})


async def make_transaction(loaders: Loaders, order_id: int, **values: Any) -> AnyRow:
    n = next(_serial)
    row = {"order_id": order_id, "tranx_id": f"{n:064x}", "tranx_ref": f"ref-{n}"}
    return await insert_row(loaders, Transaction, {**row, **values})


async def make_wallet(
    loaders: Loaders, users: int, addresses: int = 2, orders: int = 2, transactions: int = 2
) -> list[AnyRow]:
    """`users` users, each with addresses and orders, each order with transactions."""
    made = []
    for _ in range(users):
        user = await make_user(loaders)
        for k in range(addresses):
            await make_address(loaders, user.id, network=f"net{k}")
        for _ in range(orders):
            order = await make_order(loaders, user.id)
            for _ in range(transactions):
                await make_transaction(loaders, order.id)
        made.append(user)
    return made
