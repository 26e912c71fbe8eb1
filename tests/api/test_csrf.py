"""Mutations run only from POST `application/json`: the content types a browser may send
cross-site without a preflight (and GET) are refused, and no row changes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient, StatementCounter, made, operation

CREATE: dict[str, Any] = {
    "query": operation("CreateUser"),
    "variables": {"input": {"name": "Eve", "surname": "Forger", "email": "eve@example.com"}},
}
BODY = json.dumps(CREATE)

CROSS_SITE = [
    pytest.param({"content": BODY, "headers": {"content-type": "text/plain"}}, id="text-plain"),
    pytest.param(
        {"content": BODY, "headers": {"content-type": "text/plain; charset=application/json"}},
        id="text-plain-with-json-parameter",
    ),
    pytest.param({"data": {"query": CREATE["query"]}}, id="form-urlencoded"),
    pytest.param(
        {"data": {"operations": BODY, "map": "{}"}, "files": {"f": ("f", b"x")}}, id="multipart"
    ),
]


@pytest.mark.parametrize("request_kwargs", CROSS_SITE)
async def test_mutation_from_a_cross_site_content_type_is_refused(
    client: httpx.AsyncClient, sql: StatementCounter, gql: GraphQLClient, request_kwargs: dict
) -> None:
    response = await client.post("/graphql", **request_kwargs)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["message"]
    assert sql.count == 0
    assert made((await gql("{ users { id } }"))["users"]) == []


async def test_mutation_over_get_is_refused(
    client: httpx.AsyncClient, sql: StatementCounter, gql: GraphQLClient
) -> None:
    params = {"query": CREATE["query"], "variables": json.dumps(CREATE["variables"])}
    response = await client.get("/graphql", params=params)
    assert response.status_code in {400, 405}, response.text
    assert "mutation" in response.json()["errors"][0]["message"].lower()
    assert sql.count == 0
    assert made((await gql("{ users { id } }"))["users"]) == []


async def test_mutation_over_post_json_is_served(gql: GraphQLClient) -> None:
    created = await gql(CREATE["query"], CREATE["variables"])
    assert created["result"]["email"] == "eve@example.com"
