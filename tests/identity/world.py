"""Two customers with full trees, a service and an operator, and a token for each.

Customer A's rows have ids 11001.., B's 22001.. (given explicitly, so ids the API
assigns to new rows never collide with them), and every value of a row carries its
owner's name and id: B's values cannot turn up in A's responses by coincidence.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette

from loaders import Loaders, create_loaders
from models import Address, Base, Order, Role, Transaction, User
from tests.factories import make_address, make_order, make_transaction, make_user

CUSTOMERS = {"A": "ayla", "B": "boris"}
BASE = {"A": 11000, "B": 22000}
OFFSET = {"User": 0, "Address": 100, "Order": 200, "Transaction": 300}
VIEWERS = ["anonymous", "customer A", "customer B", "service", "operator"]
SERVICE_ID = 33001
# Not the suite's operator (id 0): the API refuses 0 as an id, so that one cannot
# leave out the owner of a row it creates (the owner would be itself).
OPERATOR_ID = 44001
TABLES: dict[str, type[Base]] = {
    "User": User,
    "Address": Address,
    "Order": Order,
    "Transaction": Transaction,
}


@dataclass(frozen=True)
class Row:
    model: str
    id: int
    owner: int  # the owning user's id
    parent: int | None  # user_id of an address or order, order_id of a transaction
    email: str | None = None


@dataclass(frozen=True)
class Actor:
    name: str  # "customer A", "service", ...
    role: str | None  # None: anonymous
    user_id: int | None
    headers: dict[str, str] = field(compare=False, hash=False)

    def __str__(self) -> str:
        return self.name


@dataclass
class World:
    system: Loaders
    customers: dict[str, int]  # "A" -> user id
    viewers: dict[str, Actor]
    rows: list[Row] = field(default_factory=list)
    serials: dict[tuple[str, str], Iterator[int]] = field(default_factory=dict)

    def of(self, model: str, owner: int | None = None) -> list[Row]:
        return [r for r in self.rows if r.model == model and owner in (None, r.owner)]

    def first(self, model: str, tag: str) -> Row:
        return self.of(model, self.customers[tag])[0]

    def other(self, user_id: int) -> int:
        """The other customer's id."""
        a, b = self.customers["A"], self.customers["B"]
        return b if user_id == a else a

    async def add(self, model: str, tag: str, order: int | None = None) -> Row:
        """A new row of `model` owned by customer `tag` (a transaction: on `order`, by
        default the customer's first)."""
        user = self.customers[tag]
        serial = self.serials.setdefault((tag, model), itertools.count(1))
        id = BASE[tag] + OFFSET[model] + next(serial)
        name = CUSTOMERS[tag]
        if model == "User":
            made = await make_user(
                self.system,
                id=id,
                name=f"{name.title()}name{id}",
                surname=f"{name.title()}surname{id}",
                email=f"{name}{id}@{name}.example",
            )
            row = Row(model, id, id, None, made.email)
        elif model == "Address":
            await make_address(self.system, user, **address_values(name, id))
            row = Row(model, id, user, user)
        elif model == "Order":
            await make_order(self.system, user, **order_values(name, id))
            row = Row(model, id, user, user)
        else:
            order = order or self.first("Order", tag).id
            await make_transaction(self.system, order, **transaction_values(name, id))
            row = Row(model, id, user, order)
        self.rows.append(row)
        return row


def address_values(name: str, id: int) -> dict[str, Any]:
    return {
        "id": id,
        "address": f"{name}addr{id}",
        "network": f"{name}net{id}",
        "address_balance": Decimal(f"{id}.125"),
        "label": f"{name}label{id}",
        "description": f"{name} described {id}",
        "account_number": f"{name}acct{id}",
        "account_key": f"{name}key{id}".encode(),
    }


def order_values(name: str, id: int) -> dict[str, Any]:
    start = id * 100 + 0.5
    return {"id": id, "start": start, "expected_end": start + 1, "memo": f"{name}memo{id}"}


def transaction_values(name: str, id: int) -> dict[str, Any]:
    return {
        "id": id,
        "tranx_id": f"{name}hash{id}",
        "tranx_ref": f"{name}ref{id}",
        "inputs": f"{name}in{id}",
        "outputs": f"{name}out{id}",
        "confirmations": id,
        "pubkey": f"{name}pub{id}".encode(),
        "meta": {"note": f"{name}meta{id}"},
    }


async def build_world(app: Starlette) -> World:
    """An operator, a service, and customers A and B, each with 2
    addresses and 2 orders of 2 transactions; a bearer token for each of them."""
    tokens = app.state.tokens
    system = create_loaders(app.state.session_maker)
    await make_user(system, id=OPERATOR_ID, role=Role.OPERATOR, email="boss@operator.example")
    await make_user(system, id=SERVICE_ID, role=Role.SERVICE, email="watcher@service.example")
    customers = {tag: BASE[tag] + 1 for tag in CUSTOMERS}
    world = World(system, customers, {})
    for tag in CUSTOMERS:
        await world.add("User", tag)
        for _ in range(2):
            await world.add("Address", tag)
        for _ in range(2):
            order = await world.add("Order", tag)
            for _ in range(2):
                await world.add("Transaction", tag, order.id)
    world.rows.append(Row("User", OPERATOR_ID, OPERATOR_ID, None, "boss@operator.example"))
    world.rows.append(Row("User", SERVICE_ID, SERVICE_ID, None, "watcher@service.example"))

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def customer(tag: str) -> Actor:
        token = tokens.issue(customers[tag], Role.CUSTOMER).token
        return Actor(f"customer {tag}", "CUSTOMER", customers[tag], bearer(token))

    world.viewers = {
        "anonymous": Actor("anonymous", None, None, {}),
        "customer A": customer("A"),
        "customer B": customer("B"),
        "service": Actor(
            "service", "SERVICE", SERVICE_ID, bearer(tokens.issue(SERVICE_ID, Role.SERVICE).token)
        ),
        "operator": Actor(
            "operator",
            "OPERATOR",
            OPERATOR_ID,
            bearer(tokens.issue(OPERATOR_ID, Role.OPERATOR).token),
        ),
    }
    return world
