"""Bad values are refused through HTTP on both backends: a typed `ValidationError` naming
the field, or a GraphQL coercion error; never a 500, never a partial write, never a leak."""

from __future__ import annotations

import base64
import json
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from gql_server.database import create_engine
from tests.conftest import GraphQLClient, operation

ACCOUNT_KEY = b"very-secret-account-key-material"
LEAKS = [
    "select ",
    "insert ",
    "update addresses",
    "asyncpg",
    "aiosqlite",
    "sqlite3",
    "psycopg",
    "traceback",
    'file "',
    "[sql:",
    "parameters:",
    ACCOUNT_KEY.decode(),
    base64.b64encode(ACCOUNT_KEY).decode(),
]


def assert_no_leak(text: str) -> None:
    lowered = text.lower()
    leaked = [leak for leak in LEAKS if leak.lower() in lowered]
    assert not leaked, f"{leaked} in {text[:2000]}"


@pytest.fixture(autouse=True)
def no_leak_in_logs(caplog: pytest.LogCaptureFixture) -> Any:
    """Whatever a test does, nothing it logs may carry SQL, drivers, tracebacks or keys."""
    caplog.set_level(logging.DEBUG)
    yield
    assert_no_leak(caplog.text)


async def post(client: httpx.AsyncClient, name: str, variables: dict[str, Any]) -> Any:
    """Sent as ASCII JSON, so lone surrogates travel as `\\udXXX` escapes as clients send them."""
    body = json.dumps({"query": operation(name), "variables": variables})
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert_no_leak(response.text)
    return response.json()


async def state(gql: GraphQLClient) -> Any:
    """Everything a client can read: a refused write must leave it unchanged."""
    return await gql(
        "{ users { id name surname email lastchange } "
        "addresses { id address addressBalance label lastchange } }"
    )


async def user_with_address(gql: GraphQLClient) -> tuple[dict[str, Any], dict[str, Any]]:
    user = await gql(
        operation("CreateUser"),
        {"input": {"name": "Ada", "surname": "Lovelace", "email": "ada@example.com"}},
    )
    address = await gql(
        operation("CreateAddress"),
        {
            "input": {
                "userId": user["result"]["id"],
                "address": "bc1qada",
                "network": "bitcoin",
                "addressBalance": "1.50000000",
                "accountKey": base64.b64encode(ACCOUNT_KEY).decode(),
            }
        },
    )
    return user["result"], address["result"]


def refusal(body: Any, field: str) -> str:
    """The message of a refusal on `field`: a ValidationError, or a coercion error."""
    if body.get("errors"):
        assert body["data"] is None, body
        return str(body["errors"][0]["message"])
    result = body["data"]["result"]
    assert result["__typename"] == "ValidationError", result
    assert result["field"] == field, result
    return str(result["message"])


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


BAD_STRINGS = [
    pytest.param("Ada\u0000Lovelace", id="nul"),
    pytest.param("Ada\ud800", id="lone-high-surrogate"),
    pytest.param("\udfffAda", id="lone-low-surrogate"),
    pytest.param("x" * 101, id="over-length"),
    pytest.param("   ", id="blank"),
]


@pytest.mark.parametrize("name", BAD_STRINGS)
async def test_bad_string_is_refused(
    client: httpx.AsyncClient, gql: GraphQLClient, name: str
) -> None:
    user, _ = await user_with_address(gql)
    before = await state(gql)
    body = await post(
        client,
        "UpdateUser",
        {"input": {"id": user["id"], "lastchange": user["lastchange"], "name": name}},
    )
    assert refusal(body, "name")
    assert await state(gql) == before


async def test_bad_string_on_create_writes_nothing(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    body = await post(
        client,
        "CreateUser",
        {"input": {"name": "Ada", "surname": "Love\u0000lace", "email": "ada@example.com"}},
    )
    assert refusal(body, "surname")
    assert await state(gql) == {"users": [], "addresses": []}


@pytest.mark.parametrize(
    "name",
    [
        "👩🏽‍💻 Ada",
        "مرحبا بالعالم",
        "a\u200bb\u200cc\u200dd\ufeff",
        "e\u0301",
        "\U0001d518\U0001d52b",  # mathematical fraktur, outside the BMP
        "x" * 100,
        "🦀" * 100,
    ],
)
async def test_valid_unicode_round_trips_exactly(gql: GraphQLClient, name: str) -> None:
    user, _ = await user_with_address(gql)
    updated = await gql(
        operation("UpdateUser"),
        {"input": {"id": user["id"], "lastchange": user["lastchange"], "name": name}},
    )
    assert updated["result"]["name"] == name
    read = await gql("query($id: ID!) { user(id: $id) { name } }", {"id": user["id"]})
    assert read["user"]["name"] == name


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


async def test_account_key_is_never_returned(gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    _, address = await user_with_address(gql)
    response = await client.post(
        "/graphql",
        json={"query": f'{{ address(id: "{address["id"]}") {{ accountKey }} }}'},
    )
    assert "Cannot query field 'accountKey'" in response.json()["errors"][0]["message"]
    assert_no_leak(response.text)


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


async def test_the_sqlite_driver_logs_no_statement_even_at_debug(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    logging.getLogger("aiosqlite").setLevel(logging.NOTSET)  # as a fresh process has it
    caplog.set_level(logging.DEBUG)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'logged.db'}")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 'a-secret-value'"))
    finally:
        await engine.dispose()

    assert "a-secret-value" not in caplog.text
