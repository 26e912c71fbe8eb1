"""Scoping is part of each statement: no statement reads orders or transactions for a
customer without the customer's id in its WHERE, an operator's statements check the
operator's `users` row, and a scoped loader answers another's row as missing in the
same one statement."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from loaders import create_loaders
from models import Order, Role, Transaction, User, Viewer
from tests.conftest import StatementCounter, listening
from tests.identity.world import World

NESTED = {"query": "{ orders(limit: 100) { id transactions { id } } }"}
PARAMETER = r"(\?|\$\d+)(?:::\w+)?"  # SQLite's qmark, asyncpg's $n (with its cast)
OWNER = re.compile(rf"orders\.user_id = {PARAMETER}")
ROLE_CHECK = re.compile(rf"viewer\.id = {PARAMETER} AND viewer\.role = {PARAMETER}")
OWNED_TRANSACTIONS = "transactions.order_id IN (SELECT orders.id FROM orders WHERE orders.user_id"


def value_of(statement: str, parameters: Any, match: re.Match[str], group: int) -> Any:
    """The value bound to the placeholder `match` found at `group`."""
    placeholder = match.group(group)
    if placeholder == "?":
        return parameters[statement[: match.start(group)].count("?")]
    return parameters[int(placeholder[1:]) - 1]


Path = tuple[str, httpx.AsyncClient, AsyncEngine]


@pytest.fixture
def paths(
    app: Starlette, plain_app: Starlette, http: httpx.AsyncClient, plain_http: httpx.AsyncClient
) -> list[Path]:
    """Field by field, then planned, then the fast path (the document is vetted by then)."""
    planned: AsyncEngine = app.state.engine
    return [
        ("plain", plain_http, plain_app.state.engine),
        ("planned", http, planned),
        ("fast path", http, planned),
    ]


async def statements_of(
    viewer: str, world: World, paths: list[Path]
) -> dict[str, StatementCounter]:
    """The statements of the nested read on each path."""
    headers = world.viewers[viewer].headers
    seen: dict[str, StatementCounter] = {}
    for path, client, engine in paths:
        seen[path] = counter = StatementCounter()
        with listening(engine, "before_cursor_execute", counter):
            response = await client.post("/graphql", json=NESTED, headers=headers)
        assert response.status_code == 200 and "errors" not in response.json(), response.text
    return seen


async def test_every_statement_of_a_customers_read_is_bound_to_the_customer(
    world: World, paths: list[Path]
) -> None:
    seen = await statements_of("customer A", world, paths)
    customer = world.customers["A"]

    for path, counter in seen.items():
        assert counter.count == 2, (path, counter.statements)  # orders, their transactions
        for raw, parameters in zip(counter.statements, counter.parameters, strict=True):
            statement = " ".join(raw.split())
            owners = [value_of(raw, parameters, m, 1) for m in OWNER.finditer(raw)]
            # every read of orders, the subquery of transactions' owners included
            assert len(owners) == statement.count("FROM orders") >= 1, (path, statement)
            assert owners == [customer] * len(owners), (path, statement, parameters)
            if "FROM transactions" in statement:
                assert OWNED_TRANSACTIONS in statement, (path, statement)


async def test_every_statement_of_an_operators_read_checks_the_operators_row(
    world: World, paths: list[Path]
) -> None:
    seen = await statements_of("operator", world, paths)
    operator = world.viewers["operator"].user_id

    for path, counter in seen.items():
        assert counter.count == 2, (path, counter.statements)
        for raw, parameters in zip(counter.statements, counter.parameters, strict=True):
            checks = [
                (value_of(raw, parameters, m, 1), value_of(raw, parameters, m, 2))
                for m in ROLE_CHECK.finditer(raw)
            ]
            assert checks == [(operator, "OPERATOR")], (path, raw, parameters)


async def test_a_customers_loaders_answer_anothers_rows_as_missing_in_one_statement(
    session_maker: async_sessionmaker[AsyncSession], world: World, sql: StatementCounter
) -> None:
    mine, theirs = world.customers["A"], world.customers["B"]
    a_order, b_order = world.first("Order", "A").id, world.first("Order", "B").id
    a_tx, b_tx = world.first("Transaction", "A").id, world.first("Transaction", "B").id
    reads = {
        "orders by id": (lambda ls: ls.by_id(Order).load_all([a_order, b_order])),
        "transactions by id": (lambda ls: ls.by_id(Transaction).load_all([a_tx, b_tx])),
        "users by id": (lambda ls: ls.by_id(User).load_all([mine, theirs])),
        "orders of users": (lambda ls: ls.children(User.orders).load_all([mine, theirs])),
    }

    for name, read in reads.items():
        loaders = create_loaders(session_maker, viewer=Viewer(mine, Role.CUSTOMER))
        sql.reset()
        found = await read(loaders)
        assert sql.count == 1, (name, sql.statements)
        first, second = found
        if isinstance(first, list):  # children: A's orders, and none of B's
            assert [r.user_id for r in first] == [mine, mine], name
            assert second == [], name
        else:
            assert first is not None and second is None, (name, found)
