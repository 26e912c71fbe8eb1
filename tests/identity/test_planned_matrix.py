"""The read matrix through the planned path: for every cell and every role, the
planner-on app (asked twice: the second request is served by the fast path) and the
planner-off app send the same bytes; what the planner may serve, it serves."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from graphql import GraphQLSchema
from starlette.applications import Starlette

from gql_server.observe.record import RequestRecord
from models import Role
from tests.identity.reads import expected, read_cells
from tests.identity.rules import CONNECTIONS
from tests.identity.world import VIEWERS, World


@pytest.fixture
def paths(app: Starlette) -> Iterator[list[str]]:
    """The read path each request to the planned app took ("planned", "fast_path",
    "normal"), as its request record says."""
    taken: list[str] = []

    def sink(record: RequestRecord) -> None:
        taken.append(record.path_taken)

    sinks = app.state.observability.sinks
    sinks.append(sink)
    yield taken
    sinks.remove(sink)


async def test_planned_and_plain_paths_answer_every_cell_alike(
    http: httpx.AsyncClient,
    plain_http: httpx.AsyncClient,
    schema: GraphQLSchema,
    world: World,
    paths: list[str],
) -> None:
    failures: list[str] = []
    cells = [(world.viewers[name], cell) for name in VIEWERS for cell in read_cells(schema, world)]

    for viewer, cell in cells:
        request = {"query": cell.query, "variables": cell.variables}
        plain = await plain_http.post("/graphql", json=request, headers=viewer.headers)
        paths.clear()
        planned = await http.post("/graphql", json=request, headers=viewer.headers)
        again = await http.post("/graphql", json=request, headers=viewer.headers)
        if not planned.status_code == plain.status_code == again.status_code == 200:
            failures.append(f"{viewer} / {cell}: status {planned.status_code} {again.status_code}")
        if not planned.content == plain.content == again.content:
            failures.append(
                f"{viewer} / {cell}: bodies differ\n  planned: {planned.text}\n"
                f"  fast path: {again.text}\n  plain: {plain.text}"
            )
        # A refusal is reported field by field, and connections are not planned;
        # anything else is served by the plan. (The first is the fast path too when an
        # earlier request vetted the document.)
        if expected(cell, viewer, world)["errors"] or cell.root in CONNECTIONS:
            served = paths == ["normal", "normal"]
        else:
            served = paths in (["planned", "fast_path"], ["fast_path", "fast_path"])
        if not served:
            failures.append(f"{viewer} / {cell}: read paths {paths}")

    assert not failures, "\n".join(failures)


async def test_one_token_is_accepted_by_both_apps_of_a_database(
    app: Starlette, plain_app: Starlette, http: httpx.AsyncClient, plain_http: httpx.AsyncClient
) -> None:
    query = {"query": "{ users { id } }"}
    for issuer in (app, plain_app):
        token = issuer.state.tokens.issue(12345, Role.CUSTOMER).token
        headers = {"Authorization": f"Bearer {token}"}

        answers = [
            await h.post("/graphql", json=query, headers=headers) for h in (http, plain_http)
        ]

        assert [a.status_code for a in answers] == [200, 200]
        assert [a.json() for a in answers] == [{"data": {"users": []}}] * 2
