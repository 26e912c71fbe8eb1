"""Writing through the API: every ValidationError a mutation returns, naming the field;
nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import Loaders
from models import Address, Order, Transaction, User
from tests.api.mutation_calls import mutate, row_count, token
from tests.conftest import GraphQLClient
from tests.factories import make_address, make_order, make_transaction, make_user

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
