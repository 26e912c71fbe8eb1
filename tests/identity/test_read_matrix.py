"""Every root field and relation field, read by every role, aimed at customer A's rows
and at B's: the exact outcome of each cell, and not one value of another customer's
rows in what a customer (or an anonymous client) gets back."""

from __future__ import annotations

import json

import httpx
from graphql import GraphQLSchema

from tests.identity.leaks import hidden_from, leaks
from tests.identity.reads import MISSING_ID, expected, observed, read_cells
from tests.identity.world import VIEWERS, World


async def test_each_role_reads_exactly_what_its_rules_grant(
    http: httpx.AsyncClient, schema: GraphQLSchema, world: World
) -> None:
    """Every viewer in one test: reads change nothing, so one world serves them all."""
    cells = read_cells(schema, world)
    assert len(cells) == 44  # 8 lookups, 12 pages, 12 connections, 12 relations
    failures: list[str] = []

    for name in VIEWERS:
        viewer = world.viewers[name]
        secrets = await hidden_from(world, name)
        if secrets:  # every id of the other customer's rows is among them
            ids = {str(r.id) for r in world.rows if r.owner in world.customers.values()}
            assert ids & secrets
        for cell in cells:
            request = {"query": cell.query, "variables": cell.variables}
            response = await http.post("/graphql", json=request, headers=viewer.headers)
            want = expected(cell, viewer, world)
            got = observed(cell, response.json())
            if response.status_code != 200 or got != want:
                failures.append(f"{viewer} / {cell}: expected {want}, got {got}")
            if want == {"errors": [], "value": None}:  # hidden: exactly as a missing row
                missing = {**request, "variables": {**cell.variables, "id": MISSING_ID}}
                absent = await http.post("/graphql", json=missing, headers=viewer.headers)
                if absent.content != response.content:
                    failures.append(
                        f"{viewer} / {cell}: another's row is not answered as a missing one: "
                        f"{response.text} != {absent.text}"
                    )
            leaked = leaks(secrets, json.dumps(request), response.text)
            if leaked:
                failures.append(f"{viewer} / {cell}: received {leaked}: {response.text}")

    assert not failures, "\n".join(failures)


async def test_an_anonymous_client_may_ask_for_typename(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ __typename }"})

    assert response.json() == {"data": {"__typename": "Query"}}
