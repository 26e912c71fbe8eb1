"""Persisted operations (Apollo protocol, version 1): registered in the database,
run by hash, and in allow-list mode the only operations that run."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from gql_server.cli import main
from tests.apps import another_instance
from tests.conftest import OPERATOR_EMAIL, GraphQLClient, made, operation

ROOT = Path(__file__).resolve().parents[2]

USERS = "{ users { email } }"
OPERATOR = {"email": OPERATOR_EMAIL}  # the suite's operator: the one user a test starts with
CREATE_USER = {"input": {"name": "Ada", "surname": "Lovelace", "email": "ada@example.com"}}


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(document)}}


async def post(http: httpx.AsyncClient, **body: Any) -> Any:
    response = await http.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_unknown_hash_answers_persisted_query_not_found(
    client: httpx.AsyncClient,
) -> None:
    body = await post(client, extensions=persisted(USERS))

    assert "data" not in body or body["data"] is None
    assert body["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]


async def test_a_hash_with_its_query_registers_it_for_every_instance(
    client: httpx.AsyncClient, gql: GraphQLClient, database_url: str
) -> None:
    # given
    await gql(operation("CreateUser"), CREATE_USER)
    first = await post(client, query=USERS, extensions=persisted(USERS))

    # when: the hash alone, here and on another instance sharing the database
    again = await post(client, extensions=persisted(USERS))
    async with another_instance(database_url) as other_instance:
        elsewhere = await post(other_instance, extensions=persisted(USERS))

    # then
    expected = {"data": {"users": [OPERATOR, {"email": "ada@example.com"}]}}
    assert first == again == elsewhere == expected


async def test_a_query_that_does_not_match_its_hash_is_refused_and_not_registered(
    client: httpx.AsyncClient,
) -> None:
    forged = {"persistedQuery": {"version": 1, "sha256Hash": sha256("{ __typename }")}}

    refused = await post(client, query=USERS, extensions=forged)
    later = await post(client, extensions=forged)

    assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert later["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_an_unsupported_version_is_refused(client: httpx.AsyncClient) -> None:
    extensions = {"persistedQuery": {"version": 2, "sha256Hash": sha256(USERS)}}

    body = await post(client, query=USERS, extensions=extensions)

    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_a_registered_query_runs_by_hash_over_get_but_a_mutation_does_not(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    create_user = operation("CreateUser")
    await post(client, query=USERS, extensions=persisted(USERS))
    await post(client, query=create_user, variables=CREATE_USER, extensions=persisted(create_user))

    query = await client.get("/graphql", params={"extensions": json.dumps(persisted(USERS))})
    mutation = await client.get(
        "/graphql",
        params={
            "extensions": json.dumps(persisted(create_user)),
            "variables": json.dumps(CREATE_USER),
        },
    )

    assert query.status_code == 200
    assert query.json() == {"data": {"users": [OPERATOR, {"email": "ada@example.com"}]}}
    assert mutation.status_code == 405
    assert (await gql(USERS))["users"] == [OPERATOR, {"email": "ada@example.com"}]


async def test_the_allow_list_runs_only_operations_registered_beforehand(
    client: httpx.AsyncClient,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with another_instance(database_url, operations_allowlist=True) as production:
        # given: nothing registered, nothing runs, and nothing registers over HTTP
        plain = await post(production, query=USERS)
        registering = await post(production, query=USERS, extensions=persisted(USERS))
        by_hash = await post(production, extensions=persisted(USERS))
        assert plain["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
        assert registering["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
        assert by_hash["errors"][0]["message"] == "PersistedQueryNotFound"

        # when: the deploy step registers the shared operation files
        files = [Path("clients/operations/UserPage.graphql")]
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.chdir(ROOT)
        await asyncio.to_thread(main, ["register-operations", *map(str, files)])

        # then: they run, by hash or in full; anything else still does not
        user_page = operation("UserPage")
        assert capsys.readouterr().out == f"{sha256(user_page)}  {files[0]}\n"
        by_hash = await post(production, extensions=persisted(user_page))
        in_full = await post(production, query=user_page)
        other = await post(production, query=USERS)
        assert by_hash == in_full
        assert made(in_full["data"]["users"]) == []
        assert other["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
