"""Bad numbers are refused through HTTP on both backends: a typed `ValidationError` naming
the field, or a GraphQL coercion error; never rounded, never a 500, never a partial write.
Good ones, however large, round-trip exactly."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from tests.api.refusal_checks import (
    no_leak_in_logs,  # noqa: F401  autouse: no test here may log a leak
    post,
    refusal,
    state,
    user_with_address,
)
from tests.conftest import GraphQLClient, operation

BAD_BALANCES = [
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "1E+999999",
    "1E+9999999999",
    "1E-9999999999",
    "0.123456789",
    "1.000000001",
    "123456789012345678901",
    "-1",
    "-0.00000001",
    "12,5",
    " 1 ",
    "",
]


@pytest.mark.parametrize("balance", BAD_BALANCES)
async def test_bad_decimal_is_refused_never_rounded(
    client: httpx.AsyncClient, gql: GraphQLClient, balance: str
) -> None:
    _, address = await user_with_address(gql)
    before = await state(gql)
    body = await post(
        client,
        "UpdateAddress",
        {
            "input": {
                "id": address["id"],
                "lastchange": address["lastchange"],
                "addressBalance": balance,
            }
        },
    )
    assert refusal(body, "addressBalance")
    assert await state(gql) == before


@pytest.mark.parametrize(
    "balance", ["0", "0.00000001", "99999999999999999999.99999999", "12.5", "1E+2", "1.10"]
)
async def test_decimal_within_numeric_28_8_is_stored_exactly(
    gql: GraphQLClient, balance: str
) -> None:
    _, address = await user_with_address(gql)
    updated = await gql(
        operation("UpdateAddress"),
        {
            "input": {
                "id": address["id"],
                "lastchange": address["lastchange"],
                "addressBalance": balance,
            }
        },
    )
    stored = updated["result"]["addressBalance"]
    assert Decimal(stored) == Decimal(balance)
    assert stored == format(Decimal(balance).quantize(Decimal("1e-8")), "f")


@pytest.mark.parametrize("bad_id", ["abc", "-1", "0", "9223372036854775808", "1.5", " 1", "\u0661"])
async def test_id_that_is_not_a_positive_int8_is_refused(
    client: httpx.AsyncClient, gql: GraphQLClient, bad_id: str
) -> None:
    user, _ = await user_with_address(gql)
    before = await state(gql)
    update = await post(
        client,
        "UpdateUser",
        {"input": {"id": bad_id, "lastchange": user["lastchange"], "name": "X"}},
    )
    assert refusal(update, "id")
    create = await post(
        client,
        "CreateAddress",
        {"input": {"userId": bad_id, "address": "a", "network": "n"}},
    )
    assert refusal(create, "userId")
    read = await client.post("/graphql", json={"query": f'{{ user(id: "{bad_id}") {{ id }} }}'})
    assert read.status_code == 200
    assert "not a valid id" in read.json()["errors"][0]["message"]
    assert await state(gql) == before


@pytest.mark.parametrize("limit", [2**31, -(2**31) - 1, 10**20])
async def test_int_outside_32_bits_is_a_coercion_error(
    client: httpx.AsyncClient, limit: int
) -> None:
    inline = await client.post("/graphql", json={"query": f"{{ users(limit: {limit}) {{ id }} }}"})
    assert "32-bit signed integer" in inline.json()["errors"][0]["message"], inline.text
    variable = await client.post(
        "/graphql",
        json={"query": "query($n: Int!) { users(limit: $n) { id } }", "variables": {"n": limit}},
    )
    assert variable.status_code == 200
    assert "32-bit signed integer" in variable.json()["errors"][0]["message"]


async def test_confirmations_outside_32_bits_write_nothing(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    user, _ = await user_with_address(gql)
    order = await gql(operation("CreateOrder"), {"input": {"userId": user["id"], "start": 1.0}})
    for confirmations in (2**31, 2**15):
        body = await post(
            client,
            "CreateTransaction",
            {
                "input": {
                    "orderId": order["result"]["id"],
                    "tranxId": "ab" * 32,
                    "confirmations": confirmations,
                }
            },
        )
        assert refusal(body, "confirmations")
    assert await gql("{ transactions { id } }") == {"transactions": []}


async def test_json_meta_round_trips_exactly_even_beyond_64_bit_integers(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    user, _ = await user_with_address(gql)
    order = await gql(operation("CreateOrder"), {"input": {"userId": user["id"], "start": 1.0}})
    meta = {
        "big": 123456789012345678901234567890,
        "negative": -98765432109876543210,
        "edge": 18446744073709551616,
        "float": 1.5,
        "small": 7,
        "nested": [1, {"digits": "12345678901234567890123"}],
    }
    body = json.dumps(
        {
            "query": operation("CreateTransaction"),
            "variables": {
                "input": {"orderId": order["result"]["id"], "tranxId": "t1", "meta": meta}
            },
        }
    )
    created = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    transaction_id = created.json()["data"]["result"]["id"]
    query = f'{{ transaction(id: "{transaction_id}") {{ meta }} }}'
    # the second read of the same text comes through the planner's fast path
    reads = [await client.post("/graphql", json={"query": query}) for _ in range(2)]

    # parsed with the standard library: integers stay exact whatever their size
    assert json.loads(created.text)["data"]["result"]["meta"] == meta
    for read in reads:
        assert read.status_code == 200
        assert json.loads(read.text)["data"]["transaction"]["meta"] == meta
    assert reads[0].content == reads[1].content
