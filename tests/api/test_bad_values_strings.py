"""Bad strings are refused through HTTP on both backends: a typed `ValidationError` naming
the field, never a 500, never a partial write. Valid Unicode round-trips exactly."""

from __future__ import annotations

import httpx
import pytest

from tests.api.refusal_checks import (
    no_leak_in_logs,  # noqa: F401  autouse: no test here may log a leak
    post,
    refusal,
    state,
    user_with_address,
)
from tests.conftest import GraphQLClient, made, operation

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
    after = await state(gql)
    assert (made(after["users"]), after["addresses"]) == ([], [])


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
