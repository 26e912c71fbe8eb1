"""Reading through the API: by id, pages, filters, relationships, and N+1 freedom."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loaders import Loaders
from models import AssetType, OrderType
from tests.conftest import OPERATOR_ID, GraphQLClient, StatementCounter, made, operation
from tests.factories import make_address, make_order, make_transaction, make_user, make_wallet


async def test_a_user_is_read_by_id_with_its_fields(gql: GraphQLClient, loaders: Loaders) -> None:
    user = await make_user(loaders, name="Ada", surname="Lovelace", email="ada@example.com")

    data = await gql(
        "query($id: ID!) { user(id: $id) { id name surname email lastchange } }",
        {"id": str(user.id)},
    )

    assert data["user"] == {
        "id": str(user.id),
        "name": "Ada",
        "surname": "Lovelace",
        "email": "ada@example.com",
        "lastchange": user.lastchange.isoformat(timespec="microseconds"),
    }


async def test_lastchange_is_iso_8601_with_microseconds_and_offset(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)

    data = await gql("query($id: ID!) { user(id: $id) { lastchange } }", {"id": str(user.id)})

    assert data["user"]["lastchange"].endswith("+00:00")
    assert len(data["user"]["lastchange"].split(".")[1]) == len("123456+00:00")


async def test_a_missing_id_reads_as_null(gql: GraphQLClient) -> None:
    assert await gql('{ user(id: "424242") { id } order(id: "1") { id } }') == {
        "user": None,
        "order": None,
    }


@pytest.mark.parametrize("bad_id", ["abc", "-1", "0", "9223372036854775808", "1.5"])
async def test_an_id_that_is_not_a_positive_int8_is_a_clear_error(
    gql: GraphQLClient, bad_id: str
) -> None:
    body = await gql.raw("query($id: ID!) { user(id: $id) { id } }", {"id": bad_id})

    assert body["data"] == {"user": None}
    assert "not a valid id" in body["errors"][0]["message"]


async def test_lists_are_ordered_by_id_and_paged_with_skip_and_limit(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    users = [await make_user(loaders) for _ in range(7)]
    everyone = [OPERATOR_ID, *(u.id for u in users)]  # the suite's operator has the lowest id

    data = await gql("{ users(skip: 2, limit: 3) { id } }")

    assert [u["id"] for u in data["users"]] == [str(id) for id in everyone[2:5]]


async def test_the_default_page_is_twenty(gql: GraphQLClient, loaders: Loaders) -> None:
    for _ in range(21):
        await make_user(loaders)

    assert len((await gql("{ users { id } }"))["users"]) == 20


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("limit: 101", "limit must be between 0 and 100"),
        ("limit: -1", "limit must be between 0 and 100"),
        ("skip: -5", "skip must not be negative"),
    ],
)
async def test_page_arguments_out_of_range_are_refused_not_clamped(
    gql: GraphQLClient, arguments: str, message: str
) -> None:
    body = await gql.raw(f"{{ orders({arguments}) {{ id }} }}")

    assert body["data"] is None
    assert message in body["errors"][0]["message"]


async def test_filters_select_by_equality_on_each_model(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    alice, bob = await make_user(loaders, email="alice@example.com"), await make_user(loaders)
    btc = await make_address(loaders, alice.id, network="bitcoin", is_default=True)
    await make_address(loaders, alice.id, network="litecoin")
    await make_address(loaders, bob.id, network="bitcoin")
    dash = await make_order(loaders, bob.id, asset=AssetType.DASH, order_type=OrderType.CLOSED)
    await make_order(loaders, bob.id)
    tx = await make_transaction(loaders, dash.id, tranx_id="hash-1")
    await make_transaction(loaders, dash.id)

    data = await gql(
        """query($alice: ID!, $bob: ID!, $order: ID!) {
          users(where: {email: "alice@example.com"}) { id }
          addresses(where: {userId: $alice, network: "bitcoin", isDefault: true}) { id }
          orders(where: {userId: $bob, asset: DASH, orderType: CLOSED}) { id }
          transactions(where: {orderId: $order, tranxId: "hash-1"}) { id }
        }""",
        {"alice": str(alice.id), "bob": str(bob.id), "order": str(dash.id)},
    )

    assert data == {
        "users": [{"id": str(alice.id)}],
        "addresses": [{"id": str(btc.id)}],
        "orders": [{"id": str(dash.id)}],
        "transactions": [{"id": str(tx.id)}],
    }


async def test_relationships_resolve_in_both_directions(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)
    order = await make_order(loaders, user.id, memo="first")
    tx = await make_transaction(loaders, order.id, meta={"fee": "0.1"}, pubkey=b"\x00\xffkey")

    data = await gql(operation("GetOrder"), {"id": str(order.id)})
    reverse = await gql(
        "query($id: ID!) { transaction(id: $id) { pubkey meta order { id user { id } } } }",
        {"id": str(tx.id)},
    )

    assert data["order"]["user"] == {"id": str(user.id), "email": user.email}
    assert [t["id"] for t in data["order"]["transactions"]] == [str(tx.id)]
    assert reverse["transaction"] == {
        "pubkey": "AP9rZXk=",
        "meta": {"fee": "0.1"},
        "order": {"id": str(order.id), "user": {"id": str(user.id)}},
    }


async def test_money_reads_as_exact_fixed_point_text(gql: GraphQLClient, loaders: Loaders) -> None:
    user = await make_user(loaders)
    await make_address(loaders, user.id, network="a")
    await make_address(
        loaders, user.id, network="b", address_balance=Decimal("12345678901.12345678")
    )

    data = await gql("{ addresses { addressBalance } }")

    assert [a["addressBalance"] for a in data["addresses"]] == [
        "0.00000000",
        "12345678901.12345678",
    ]


@pytest.mark.parametrize("limit", [5, 50])
async def test_a_nested_page_costs_four_statements_whatever_its_size(
    gql: GraphQLClient, loaders: Loaders, sql: StatementCounter, limit: int
) -> None:
    await make_wallet(loaders, users=limit, addresses=2, orders=2, transactions=2)
    sql.reset()

    # the page: the suite's operator (who has no wallet), then the `limit` wallets
    data = await gql(operation("UserPage"), {"limit": limit + 1})

    users = made(data["users"])
    assert len(users) == limit
    assert sum(len(o["transactions"]) for u in users for o in u["orders"]) == limit * 4
    assert sql.count == 4  # the page, addresses, orders, transactions


async def test_repeated_parents_are_loaded_once_per_request(
    gql: GraphQLClient, loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders)
    for _ in range(5):
        order = await make_order(loaders, user.id)
        await make_transaction(loaders, order.id)
    sql.reset()

    data = await gql("{ transactions(limit: 100) { id order { id user { id email } } } }")

    assert {t["order"]["user"]["id"] for t in data["transactions"]} == {str(user.id)}
    assert sql.count == 3  # transactions, their orders, their users
