"""SQL statements per request for the benchmark's workloads, through HTTP, on both backends.

A batch per level of the selection, never one per row: the counts are exact and
do not change with the page size.
"""

from __future__ import annotations

import pytest

from loaders import Loaders
from tests.conftest import GraphQLClient, StatementCounter, made
from tests.factories import make_order, make_user, make_wallet

POINT = """
query Point($id: ID!) { user(id: $id) { id name surname email } }
"""

NESTED = """
query Nested($limit: Int!) {
  users(limit: $limit) {
    id name surname email
    addresses { id address network addressBalance }
    orders { id orderType asset memo transactions { id tranxId confirmations meta } }
  }
}
"""

REVERSE = """
query Reverse($size: Int!, $secondSkip: Int!) {
  first: transactions(skip: 0, limit: $size) { ...Owner }
  second: transactions(skip: $secondSkip, limit: $size) { ...Owner }
}
fragment Owner on Transaction { id order { id asset user { id email } } }
"""

UPDATE_ORDER = """
mutation Write($input: UpdateOrderInput!) {
  result: updateOrder(input: $input) {
    __typename
    ... on Order { id memo lastchange }
    ... on StaleDataError { id lastchange }
  }
}
"""


async def test_a_user_by_id_costs_one_statement(
    gql: GraphQLClient, sql: StatementCounter, loaders: Loaders
) -> None:
    # given
    user = await make_user(loaders)
    sql.reset()
    # when
    data = await gql(POINT, {"id": str(user.id)})
    # then
    assert data["user"]["email"] == user.email
    assert sql.count == 1, sql.statements


@pytest.mark.parametrize("limit", [1, 2, 4])
async def test_nested_users_cost_one_statement_per_level_whatever_the_page_size(
    gql: GraphQLClient, sql: StatementCounter, loaders: Loaders, limit: int
) -> None:
    # given: 4 users, each with 2 addresses and 2 orders of 2 transactions
    await make_wallet(loaders, users=4)
    sql.reset()
    # when: a page of the suite's operator (who has no wallet), then `limit` wallets
    data = await gql(NESTED, {"limit": limit + 1})
    # then: users, addresses, orders, transactions
    users = made(data["users"])
    assert len(users) == limit
    assert all(len(u["addresses"]) == 2 and len(u["orders"]) == 2 for u in users)
    assert all(len(o["transactions"]) == 2 for u in users for o in u["orders"])
    assert sql.count == 4, sql.statements


@pytest.mark.parametrize("size", [3, 6])
async def test_two_pages_of_transactions_with_owners_cost_three_statements(
    gql: GraphQLClient, sql: StatementCounter, loaders: Loaders, size: int
) -> None:
    # given: 3 users, 2 orders each, 2 transactions per order (12 transactions)
    await make_wallet(loaders, users=3)
    sql.reset()
    # when
    data = await gql(REVERSE, {"size": size, "secondSkip": size})
    # then: transactions (both pages), orders, users; repeated keys are loaded once
    pages = data["first"] + data["second"]
    assert len(pages) == 2 * size
    assert len({t["id"] for t in pages}) == 2 * size
    assert len({t["order"]["id"] for t in pages}) == size
    assert sql.count == 3, sql.statements


async def test_a_fresh_update_costs_one_statement_and_a_stale_one_two(
    gql: GraphQLClient, sql: StatementCounter, loaders: Loaders
) -> None:
    # given
    user = await make_user(loaders)
    order = await make_order(loaders, user.id)
    token = order.lastchange.isoformat()
    sql.reset()
    # when: a write with the current token, then one with the token it replaced
    fresh = await gql(UPDATE_ORDER, {"input": {"id": str(order.id), "lastchange": token}})
    fresh_count = sql.count
    sql.reset()
    stale = await gql(UPDATE_ORDER, {"input": {"id": str(order.id), "lastchange": token}})
    # then: UPDATE ... RETURNING; a refused one adds the read that names the current token
    assert fresh["result"]["__typename"] == "Order"
    assert stale["result"] == {
        "__typename": "StaleDataError",
        "id": str(order.id),
        "lastchange": fresh["result"]["lastchange"],
    }
    assert fresh_count == 1
    assert sql.count == 2, sql.statements
