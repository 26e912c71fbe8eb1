"""`lastchange` is compared exactly: anything but the current instant is stale or invalid."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient, operation


async def new_user(gql: GraphQLClient) -> dict[str, Any]:
    created = await gql(
        operation("CreateUser"),
        {"input": {"name": "Ada", "surname": "Lovelace", "email": "ada@example.com"}},
    )
    return dict(created["result"])


async def rename(client: httpx.AsyncClient, user: dict[str, Any], token: str) -> Any:
    response = await client.post(
        "/graphql",
        json={
            "query": operation("UpdateUser"),
            "variables": {"input": {"id": user["id"], "lastchange": token, "name": "Grace"}},
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


async def current_name(gql: GraphQLClient, user: dict[str, Any]) -> str:
    read = await gql("query($id: ID!) { user(id: $id) { name } }", {"id": user["id"]})
    return str(read["user"]["name"])


@pytest.mark.parametrize(
    ("make_token", "expected"),
    [
        pytest.param(lambda t: t.replace("+00:00", ""), "has no UTC offset", id="naive"),
        pytest.param(lambda t: "yesterday", "cannot represent", id="garbage"),
        pytest.param(lambda t: "", "cannot represent", id="empty"),
    ],
)
async def test_invalid_lastchange_is_a_coercion_error(
    client: httpx.AsyncClient, gql: GraphQLClient, make_token: Any, expected: str
) -> None:
    user = await new_user(gql)
    body = await rename(client, user, make_token(user["lastchange"]))
    assert body["data"] is None
    assert expected in body["errors"][0]["message"]
    assert await current_name(gql, user) == "Ada"


async def test_millisecond_truncated_lastchange_is_stale_never_a_match(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    user = await new_user(gql)
    exact = datetime.fromisoformat(user["lastchange"])
    truncated = exact.replace(microsecond=exact.microsecond // 1000 * 1000)
    if truncated == exact:  # the clock landed on a whole millisecond: move off it
        truncated = exact - timedelta(microseconds=1)
    body = await rename(client, user, truncated.isoformat(timespec="milliseconds"))
    result = body["data"]["result"]
    assert result["__typename"] == "StaleDataError"
    assert result["lastchange"] == user["lastchange"]
    assert await current_name(gql, user) == "Ada"


async def test_same_instant_with_another_utc_offset_matches(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    user = await new_user(gql)
    elsewhere = timezone(timedelta(hours=-5, minutes=-30))
    token = datetime.fromisoformat(user["lastchange"]).astimezone(elsewhere).isoformat()
    assert token.endswith("-05:30")
    body = await rename(client, user, token)
    assert body["data"]["result"]["__typename"] == "User"
    assert await current_name(gql, user) == "Grace"
