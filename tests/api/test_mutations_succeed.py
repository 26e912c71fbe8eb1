"""Writing through the API: every mutation's success, and what a later read sees."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import Loaders
from models import Address, Order, Transaction, User
from tests.api.mutation_calls import mutate, row_count, token
from tests.conftest import GraphQLClient
from tests.factories import make_address, make_order, make_transaction, make_user


async def test_create_user_returns_the_stored_user(gql: GraphQLClient, engine: AsyncEngine) -> None:
    result = await mutate(
        gql, "CreateUser", input={"name": "Ada", "surname": "Lovelace", "email": "ada@example.com"}
    )

    assert result["__typename"] == "User"
    assert (result["name"], result["surname"], result["email"]) == (
        "Ada",
        "Lovelace",
        "ada@example.com",
    )
    assert result["lastchange"].endswith("+00:00")
    assert await row_count(engine, User) == 1


async def test_create_address_applies_defaults_and_keeps_the_key_write_only(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)
    secret = base64.b64encode(b"very secret key").decode()

    result = await mutate(
        gql,
        "CreateAddress",
        input={
            "userId": str(user.id),
            "address": "bc1qxyz",
            "network": "bitcoin",
            "accountKey": secret,
        },
    )

    assert result["__typename"] == "Address"
    assert (result["isDefault"], result["addressBalance"]) == (False, "0.00000000")
    assert secret not in str(result)
    [stored] = await loaders.by_id(Address).filter_by(id=int(result["id"]))
    assert stored.account_key == b"very secret key"


async def test_create_order_and_transaction_with_server_defaults(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)

    order = await mutate(gql, "CreateOrder", input={"userId": str(user.id), "start": 100.5})
    tx = await mutate(
        gql,
        "CreateTransaction",
        input={
            "orderId": order["id"],
            "tranxId": "ab" * 32,
            "pubkey": "AQID",
            "meta": {"fee": "0.1", "hops": [1, 2]},
        },
    )

    assert (order["orderType"], order["asset"], order["start"]) == ("OPEN", "BITCOIN", 100.5)
    assert tx["__typename"] == "Transaction"
    assert tx["tranxRef"].startswith("tx-")
    assert (tx["confirmations"], tx["pubkey"], tx["meta"]) == (
        0,
        "AQID",
        {"fee": "0.1", "hops": [1, 2]},
    )


async def test_update_changes_given_fields_keeps_left_out_ones_and_clears_explicit_nulls(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)
    address = await make_address(loaders, user.id, label="cold", description="vault")

    result = await mutate(
        gql,
        "UpdateAddress",
        input={
            "id": str(address.id),
            "lastchange": token(address),
            "label": None,
            "addressBalance": "1.5",
        },
    )

    assert result["__typename"] == "Address"
    assert (result["label"], result["description"], result["addressBalance"]) == (
        None,
        "vault",
        "1.50000000",
    )
    assert result["lastchange"] > token(address)


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("UpdateUser", {"email": "new@example.com"}),
        ("UpdateOrder", {"memo": "changed", "asset": "NAIRA"}),
        ("UpdateTransaction", {"confirmations": 6, "meta": {"block": 1}}),
    ],
)
async def test_each_model_updates_with_its_current_token(
    gql: GraphQLClient, loaders: Loaders, name: str, changes: dict[str, Any]
) -> None:
    user = await make_user(loaders)
    order = await make_order(loaders, user.id)
    tx = await make_transaction(loaders, order.id)
    row = {"UpdateUser": user, "UpdateOrder": order, "UpdateTransaction": tx}[name]

    result = await mutate(gql, name, input={"id": str(row.id), "lastchange": token(row), **changes})

    assert {key: result[key] for key in changes} == changes


async def test_delete_removes_rows_children_first(
    gql: GraphQLClient, loaders: Loaders, engine: AsyncEngine
) -> None:
    user = await make_user(loaders)
    address = await make_address(loaders, user.id)
    order = await make_order(loaders, user.id)
    tx = await make_transaction(loaders, order.id)

    results = [
        await mutate(gql, name, id=str(row.id), lastchange=token(row))
        for name, row in [
            ("DeleteTransaction", tx),
            ("DeleteOrder", order),
            ("DeleteAddress", address),
            ("DeleteUser", user),
        ]
    ]

    assert [r["__typename"] for r in results] == ["Deleted"] * 4
    assert [r["id"] for r in results] == [str(tx.id), str(order.id), str(address.id), str(user.id)]
    for model in (User, Address, Order, Transaction):
        assert await row_count(engine, model) == 0


async def test_a_later_read_in_the_same_request_sees_the_write(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)
    await make_address(loaders, user.id, network="a")

    data = await gql(
        """mutation($input: CreateAddressInput!) {
          created: createAddress(input: $input) {
            ... on Address { user { addresses { network } } }
          }
        }""",
        {"input": {"userId": str(user.id), "address": "x", "network": "b"}},
    )

    assert data["created"]["user"]["addresses"] == [{"network": "a"}, {"network": "b"}]
