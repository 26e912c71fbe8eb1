"""Checks shared by the bad-value tests: a refusal on a field, nothing written, nothing
leaked (SQL, drivers, tracebacks or the account key) in a response or a log line."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import httpx
import pytest

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
