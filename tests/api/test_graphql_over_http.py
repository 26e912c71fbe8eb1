"""GraphQL over HTTP: GET for queries only, and the status codes of the
specification for clients that accept `application/graphql-response+json`."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import OPERATOR_EMAIL, GraphQLClient, operation

GRAPHQL_RESPONSE = "application/graphql-response+json"
CREATE_USER = {"input": {"name": "Ada", "surname": "Lovelace", "email": "ada@example.com"}}
USERS = "{ users { email } }"
OPERATOR = {"email": OPERATOR_EMAIL}  # the suite's operator: the one user a test starts with
BROKEN = {
    "parse error": "{ users { email }",
    "validation error": "{ users { nope } }",
    "variable that does not coerce": "query ($id: ID!) { order(id: $id) { id } }",
}


async def test_get_runs_a_query(client: httpx.AsyncClient, gql: GraphQLClient) -> None:
    await gql(operation("CreateUser"), CREATE_USER)

    response = await client.get("/graphql", params={"query": USERS})

    assert response.status_code == 200
    assert response.json() == {"data": {"users": [OPERATOR, {"email": "ada@example.com"}]}}


async def test_a_mutation_over_get_is_refused_with_405_and_not_run(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": operation("CreateUser"),
            "variables": '{"input": {"name": "Ada", '
            '"surname": "Lovelace", "email": "ada@example.com"}}',
        },
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert await gql(USERS) == {"users": [OPERATOR]}


async def test_graphql_response_media_type_is_answered_when_accepted(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": USERS}, headers={"Accept": GRAPHQL_RESPONSE}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json() == {"data": {"users": [OPERATOR]}}


@pytest.mark.parametrize("query", BROKEN.values(), ids=BROKEN.keys())
async def test_a_request_error_is_400_without_data_for_graphql_response(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": {"id": {"not": "an id"}}},
        headers={"Accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"},
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body
    assert body["errors"]


@pytest.mark.parametrize("query", BROKEN.values(), ids=BROKEN.keys())
async def test_a_request_error_stays_200_for_classic_json(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": {"id": {"not": "an id"}}},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["errors"]


async def test_a_field_error_is_200_with_data_for_graphql_response(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": '{ order(id: "abc") { id } }'},
        headers={"Accept": GRAPHQL_RESPONSE},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"order": None}
    assert body["errors"][0]["path"] == ["order"]
