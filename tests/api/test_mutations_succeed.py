"""Writing through the API: every mutation's success and every typed error it returns."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import AnyRow, Loaders
from models import Address, Base, Order, Transaction, User
from tests.conftest import GraphQLClient, operation
from tests.factories import make_address, make_order, make_transaction, make_user


async def row_count(engine: AsyncEngine, model: type[Base]) -> int:
    async with engine.connect() as connection:
        return len((await connection.execute(select(model.__table__))).all())


async def mutate(gql: GraphQLClient, name: str, **variables: Any) -> dict[str, Any]:
    data = await gql(operation(name), variables)
    result: dict[str, Any] = data["result"]
    return result


def token(row: AnyRow) -> str:
    return row.lastchange.isoformat(timespec="microseconds")


# --- success ---------------------------------------------------------------------------


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


# --- ValidationError: nothing is written ------------------------------------------------

CREATE_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("CreateUser", "email", {"email": "not-an-email"}),
    ("CreateUser", "name", {"name": "x" * 101}),
    ("CreateUser", "surname", {"surname": "   "}),
    ("CreateUser", "name", {"name": "nul\u0000byte"}),
    ("CreateAddress", "userId", {"userId": "999999"}),
    ("CreateAddress", "userId", {"userId": "abc"}),
    ("CreateAddress", "addressBalance", {"addressBalance": "-0.01"}),
    ("CreateAddress", "addressBalance", {"addressBalance": "0.000000001"}),
    ("CreateAddress", "addressBalance", {"addressBalance": "123456789012345678901"}),
    ("CreateAddress", "network", {"network": "n" * 33}),
    ("CreateAddress", "accountKey", {"accountKey": "not base64!"}),
    ("CreateOrder", "expectedEnd", {"start": 100.0, "expectedEnd": 99.0}),
    ("CreateOrder", "memo", {"memo": "m" * 129}),
    ("CreateTransaction", "confirmations", {"confirmations": -1}),
    ("CreateTransaction", "confirmations", {"confirmations": 40000}),
    ("CreateTransaction", "meta", {"meta": [1, 2, 3]}),
    ("CreateTransaction", "pubkey", {"pubkey": "%%%"}),
    ("CreateTransaction", "tranxId", {"tranxId": "h" * 257}),
]


async def valid_input(name: str, loaders: Loaders) -> dict[str, Any]:
    user = await make_user(loaders, email="owner@example.com")
    order = await make_order(loaders, user.id)
    inputs: dict[str, dict[str, Any]] = {
        "CreateUser": {"name": "Ada", "surname": "Lovelace", "email": "ada@example.com"},
        "CreateAddress": {"userId": str(user.id), "address": "bc1q", "network": "bitcoin"},
        "CreateOrder": {"userId": str(user.id), "start": 1.0},
        "CreateTransaction": {"orderId": str(order.id), "tranxId": "ab" * 32},
    }
    return inputs[name]


@pytest.mark.parametrize(("name", "field", "bad"), CREATE_CASES)
async def test_invalid_create_input_is_a_validation_error_naming_the_field(
    gql: GraphQLClient,
    loaders: Loaders,
    engine: AsyncEngine,
    name: str,
    field: str,
    bad: dict[str, Any],
) -> None:
    good = await valid_input(name, loaders)
    model = {
        "CreateUser": User,
        "CreateAddress": Address,
        "CreateOrder": Order,
        "CreateTransaction": Transaction,
    }[name]
    before = await row_count(engine, model)

    result = await mutate(gql, name, input={**good, **bad})

    assert result["__typename"] == "ValidationError"
    assert result["field"] == field
    assert result["message"].startswith(field)
    assert await row_count(engine, model) == before


async def test_a_taken_email_is_a_validation_error(gql: GraphQLClient, loaders: Loaders) -> None:
    await make_user(loaders, email="taken@example.com")

    result = await mutate(
        gql, "CreateUser", input={"name": "A", "surname": "B", "email": "taken@example.com"}
    )

    assert (result["__typename"], result["field"]) == ("ValidationError", "email")
    assert "already taken" in result["message"]


async def test_a_taken_transaction_reference_is_a_validation_error(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    order = await make_order(loaders, (await make_user(loaders)).id)
    await make_transaction(loaders, order.id, tranx_ref="ref-1")

    result = await mutate(
        gql,
        "CreateTransaction",
        input={"orderId": str(order.id), "tranxId": "x", "tranxRef": "ref-1"},
    )

    assert (result["__typename"], result["field"]) == ("ValidationError", "tranxRef")


async def test_a_second_default_address_on_one_network_is_refused(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)
    await make_address(loaders, user.id, network="bitcoin", is_default=True)
    other = await make_address(loaders, user.id, network="bitcoin")

    created = await mutate(
        gql,
        "CreateAddress",
        input={"userId": str(user.id), "address": "x", "network": "bitcoin", "isDefault": True},
    )
    updated = await mutate(
        gql,
        "UpdateAddress",
        input={"id": str(other.id), "lastchange": token(other), "isDefault": True},
    )
    elsewhere = await mutate(
        gql,
        "CreateAddress",
        input={"userId": str(user.id), "address": "x", "network": "litecoin", "isDefault": True},
    )

    assert (created["__typename"], created["field"]) == ("ValidationError", "isDefault")
    assert (updated["__typename"], updated["field"]) == ("ValidationError", "isDefault")
    assert elsewhere["__typename"] == "Address"


async def test_an_update_checks_rules_against_the_stored_row(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    order = await make_order(
        loaders, (await make_user(loaders)).id, start=100.0, expected_end=200.0
    )

    result = await mutate(
        gql,
        "UpdateOrder",
        input={"id": str(order.id), "lastchange": token(order), "expectedEnd": 50.0},
    )

    assert (result["__typename"], result["field"]) == ("ValidationError", "expectedEnd")
    [stored] = await loaders.by_id(Order).filter_by(id=order.id)
    assert stored.expected_end == 200.0


async def test_null_for_a_required_field_in_an_update_is_refused(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)

    result = await mutate(
        gql, "UpdateUser", input={"id": str(user.id), "lastchange": token(user), "name": None}
    )

    assert (result["__typename"], result["field"]) == ("ValidationError", "name")


async def test_an_update_naming_a_missing_parent_is_refused(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    order = await make_order(loaders, (await make_user(loaders)).id)

    result = await mutate(
        gql,
        "UpdateOrder",
        input={"id": str(order.id), "lastchange": token(order), "userId": "987654"},
    )

    assert (result["__typename"], result["field"]) == ("ValidationError", "userId")


# --- NotFoundError, StaleDataError, InUseError -------------------------------------------


async def test_updating_a_missing_row_is_not_found(gql: GraphQLClient, loaders: Loaders) -> None:
    user = await make_user(loaders)

    result = await mutate(
        gql, "UpdateUser", input={"id": str(user.id + 99), "lastchange": token(user), "name": "x"}
    )

    assert result == {
        "__typename": "NotFoundError",
        "id": str(user.id + 99),
        "message": f"User {user.id + 99} does not exist",
    }


async def test_deleting_a_missing_row_is_not_found(gql: GraphQLClient, loaders: Loaders) -> None:
    user = await make_user(loaders)

    result = await mutate(gql, "DeleteOrder", id="424242", lastchange=token(user))

    assert (result["__typename"], result["id"]) == ("NotFoundError", "424242")


async def test_a_stale_update_is_refused_with_the_current_token_and_writes_nothing(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders, name="Original")
    first = await mutate(
        gql, "UpdateUser", input={"id": str(user.id), "lastchange": token(user), "name": "First"}
    )

    second = await mutate(
        gql, "UpdateUser", input={"id": str(user.id), "lastchange": token(user), "name": "Second"}
    )

    assert second["__typename"] == "StaleDataError"
    assert (second["id"], second["lastchange"]) == (str(user.id), first["lastchange"])
    assert "re-read" in second["message"]
    [stored] = await loaders.by_id(User).filter_by(id=user.id)
    assert stored.name == "First"


async def test_a_stale_delete_is_refused_and_keeps_the_row(
    gql: GraphQLClient, loaders: Loaders, engine: AsyncEngine
) -> None:
    user = await make_user(loaders)
    await mutate(
        gql, "UpdateUser", input={"id": str(user.id), "lastchange": token(user), "name": "New"}
    )

    result = await mutate(gql, "DeleteUser", id=str(user.id), lastchange=token(user))

    assert result["__typename"] == "StaleDataError"
    assert await row_count(engine, User) == 1


@pytest.mark.parametrize("child", ["address", "order"])
async def test_deleting_a_user_that_still_has_children_is_in_use(
    gql: GraphQLClient, loaders: Loaders, engine: AsyncEngine, child: str
) -> None:
    user = await make_user(loaders)
    if child == "address":
        await make_address(loaders, user.id)
    else:
        await make_order(loaders, user.id)

    result = await mutate(gql, "DeleteUser", id=str(user.id), lastchange=token(user))

    assert (result["__typename"], result["id"]) == ("InUseError", str(user.id))
    assert await row_count(engine, User) == 1


async def test_deleting_an_order_with_transactions_is_in_use(
    gql: GraphQLClient, loaders: Loaders, engine: AsyncEngine
) -> None:
    order = await make_order(loaders, (await make_user(loaders)).id)
    await make_transaction(loaders, order.id)

    result = await mutate(gql, "DeleteOrder", id=str(order.id), lastchange=token(order))

    assert result["__typename"] == "InUseError"
    assert await row_count(engine, Order) == 1


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
