"""What the planner does not serve falls back to field-by-field execution and says so;
what it has vetted, the fast path serves without Strawberry executing it again."""

from __future__ import annotations

import gc
import logging
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import Row
from starlette.applications import Starlette
from starlette.routing import Route

from gql_server.planner import extension
from loaders import Loaders
from tests.planner.both_apps import DOCUMENTS, PLANNER_LOG, Both


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("{ __schema { queryType { name } } }", "__schema is not a field of ours"),
        (
            'mutation { deleteUser(id: "1", lastchange: "2026-01-01T00:00:00+00:00") '
            "{ __typename } }",
            "mutation operations are not planned",
        ),
        ("{ users(limit: 500) { id } }", "limit must be between 0 and 100"),
        ('{ user(id: "abc") { id } }', "not a valid id"),
        (  # a connection beside a planned root: the whole document runs field by field
            "{ users(limit: 5) { id orders { id } } ordersConnection(first: 3, orderBy: "
            "[EXPECTED_END_DESC]) { edges { cursor node { id user { email } } } "
            "pageInfo { hasNextPage endCursor } totalCount } order(id: 1) { id } }",
            "root field ordersConnection is not a planned lookup",
        ),
        (
            "{ transactionsConnection(last: 2) { nodes { id order { id } } } "
            "transactions(limit: 3) { id } }",
            "root field transactionsConnection is not a planned lookup",
        ),
    ],
)
async def test_what_the_planner_does_not_serve_falls_back_and_says_so(
    both: Both, wallet: Loaders, caplog: pytest.LogCaptureFixture, query: str, reason: str
) -> None:
    with caplog.at_level(logging.DEBUG, logger=PLANNER_LOG):
        await both.same(query)

    assert any(reason in r.getMessage() for r in caplog.records if r.name == PLANNER_LOG)


async def test_an_unplannable_document_is_compiled_once_and_then_known(
    both: Both, wallet: Loaders, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[object] = []
    real = extension.compile_plan

    def counting(*args: Any) -> Any:
        compiled.append(args)
        return real(*args)

    monkeypatch.setattr(extension, "compile_plan", counting)
    query = "{ __schema { queryType { name } } } "  # a text of its own: not cached yet

    with caplog.at_level(logging.DEBUG, logger=PLANNER_LOG):
        for _ in range(3):
            await both.same(query)

    assert len(compiled) == 1
    fell_back = [r for r in caplog.records if "__schema is not a field of ours" in r.getMessage()]
    assert len(fell_back) == 6  # two planned requests per round: said every time, answered


async def test_a_null_in_a_non_null_position_falls_back_to_the_executors_error(
    both: Both, wallet: Loaders, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the users table answers nothing, so Address.user (non-null) meets a null
    from loaders.id_loader import IdLoader

    original = IdLoader.load_batch

    async def users_vanish(self: IdLoader, keys: list[int]) -> list[Any]:
        if self.table.name == "users":
            return [None] * len(keys)
        return await original(self, keys)

    monkeypatch.setattr(IdLoader, "load_batch", users_vanish)

    with caplog.at_level(logging.DEBUG, logger=PLANNER_LOG):
        body = await both.same("{ addresses { id user { id } } }", fewer_statements=False)

    assert body["errors"][0]["message"] == "Unexpected error."  # masked: an internal fault
    assert body["errors"][0]["path"] == ["addresses", 0, "user"]
    assert any("null relation" in r.getMessage() for r in caplog.records if r.name == PLANNER_LOG)


def graphql_view(app: Starlette) -> Any:
    return next(
        route.endpoint
        for route in app.routes
        if isinstance(route, Route) and route.path == "/graphql"
    )


async def test_a_repeated_query_is_served_without_strawberry_executing_it(
    app: Starlette,
    client: httpx.AsyncClient,
    wallet: Loaders,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a document text no earlier test has sent, and a count of Strawberry's executions
    query = f"{DOCUMENTS['w1_point']}\n# {uuid.uuid4()}"
    schema = graphql_view(app).schema
    executions: list[object] = []
    execute = schema.execute

    async def counted(*args: Any, **kwargs: Any) -> Any:
        executions.append(args)
        return await execute(*args, **kwargs)

    monkeypatch.setattr(schema, "execute", counted)

    # when: it is sent again and again with different variables
    answers = [
        (await client.post("/graphql", json={"query": query, "variables": {"id": id}})).json()
        for id in ("2", "3", "4")
    ]

    negotiated = await client.post(
        "/graphql",
        json={"query": query, "variables": {"id": "5"}},
        headers={"accept": "application/graphql-response+json"},
    )

    # then: Strawberry executed it once; the fast path answered the rest, each for its id,
    # in the media type each client asked for
    assert len(executions) == 1
    assert [a["data"]["user"]["id"] for a in answers] == ["2", "3", "4"]
    assert negotiated.headers["content-type"] == "application/graphql-response+json"
    assert negotiated.json()["data"]["user"]["id"] == "5"


async def test_a_vetted_query_with_variables_that_do_not_coerce_gets_the_normal_error(
    both: Both, wallet: Loaders
) -> None:
    query = "query($limit: Int!) { users(limit: $limit) { id } }"
    await both.same(query, {"limit": 2})

    body = await both.same(query, {"limit": "two"})

    assert "Int cannot represent non-integer value" in body["errors"][0]["message"]


async def test_the_fast_path_leaves_no_rows_for_the_garbage_collector(
    client: httpx.AsyncClient, wallet: Loaders
) -> None:
    # given: a document the normal path has vetted
    query = f"{DOCUMENTS['w2_nested']}\n# {uuid.uuid4()}"
    await client.post("/graphql", json={"query": query, "variables": {"limit": 5}})
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        # when: the fast path serves it
        served = await client.post("/graphql", json={"query": query, "variables": {"limit": 5}})
        gc.collect()
        rows_in_cycles = [found for found in gc.garbage if isinstance(found, Row)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()

    # then: its rows were freed by reference counting, none wait in cycles for the collector
    assert len(served.json()["data"]["users"]) == 5
    assert rows_in_cycles == []
