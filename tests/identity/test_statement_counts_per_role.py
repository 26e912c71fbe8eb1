"""Scoping costs no statement: a customer's reads take exactly as many statements as an
operator's, the same as before identity (tests/planner/test_planner_statements.py:
the nested page in 4; tests/loaders/test_statement_counts.py: a point lookup in 1),
on the planned path and on the fast path."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import StatementCounter
from tests.identity.world import World
from tests.planner.both_apps import DOCUMENTS

ORDER_WITH_TRANSACTIONS = "query Order($id: ID!) { order(id: $id) { id transactions { id } } }"


def reads(world: World, viewer: str) -> dict[str, tuple[str, dict[str, Any], int]]:
    """Name -> (document, variables, statements): the W2 page, a point lookup, one level."""
    own = world.viewers[viewer].user_id if viewer.startswith("customer") else None
    user = str(own or world.customers["A"])
    order = str(world.first("Order", "A").id)
    return {
        "W2 nested page": (DOCUMENTS["w2_nested"], {"limit": 50}, 4),
        "W1 point lookup": (DOCUMENTS["w1_point"], {"id": user}, 1),
        "order and its transactions": (ORDER_WITH_TRANSACTIONS, {"id": order}, 2),
    }


@pytest.mark.parametrize("viewer", ["operator", "customer A"])
async def test_a_customer_costs_the_statements_an_operator_does(
    http: httpx.AsyncClient, world: World, sql: StatementCounter, viewer: str
) -> None:
    headers = world.viewers[viewer].headers
    for name, (document, variables, statements) in reads(world, viewer).items():
        for path in ("planned", "fast path"):
            sql.reset()
            response = await http.post(
                "/graphql", json={"query": document, "variables": variables}, headers=headers
            )
            body = response.json()
            assert "errors" not in body, (name, body)
            assert sql.count == statements, (viewer, name, path, sql.statements)
        if name == "W2 nested page":  # every user for the operator, only itself for A
            users = {u["id"]: u for u in body["data"]["users"]}
            everyone = {str(r.id) for r in world.of("User")}
            assert set(users) == (everyone if viewer == "operator" else {user_id(world, "A")})
            for tag in ("A", "B") if viewer == "operator" else ("A",):
                tree = users[user_id(world, tag)]
                assert len(tree["addresses"]) == len(tree["orders"]) == 2, tree
                assert [len(o["transactions"]) for o in tree["orders"]] == [2, 2], tree


def user_id(world: World, tag: str) -> str:
    return str(world.customers[tag])
