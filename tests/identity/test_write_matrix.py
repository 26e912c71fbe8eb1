"""Every mutation, made by every role on customer A's rows and on B's: the exact result
of each cell, that a refused write wrote nothing (and an accepted one did), and not
one value of another customer's rows in what a customer gets back."""

from __future__ import annotations

import json

import httpx
import pytest
from graphql import GraphQLSchema

from tests.identity.leaks import hidden_from, leaks
from tests.identity.world import VIEWERS, World
from tests.identity.writes import (
    States,
    expected,
    observed,
    target_of,
    variables,
    write_cells,
)


@pytest.mark.parametrize("name", VIEWERS)
async def test_each_role_writes_exactly_what_its_rules_grant(
    http: httpx.AsyncClient, schema: GraphQLSchema, world: World, name: str
) -> None:
    viewer = world.viewers[name]
    cells = write_cells(schema)
    assert len(cells) == 48  # see test_schema_coverage for what they cover
    targets = [await target_of(cell, world) for cell in cells]  # before the secrets are read
    secrets = await hidden_from(world, name)
    states = await States(world).read_all()
    failures: list[str] = []

    for cell, row in zip(cells, targets, strict=True):
        before = states.before(cell, row)
        sent = variables(cell, world, row, before)
        request = {"query": cell.query, "variables": sent}
        response = await http.post("/graphql", json=request, headers=viewer.headers)
        want = expected(cell, viewer, world, row, sent)
        got = observed(cell, response.json())
        if response.status_code != 200 or got != want:
            failures.append(f"{viewer} / {cell}: expected {want}, got {got}")
        written = want["outcome"] in (cell.model, "Deleted")
        after = await states.after(cell, row)
        if row is None and after != before + written:
            failures.append(f"{viewer} / {cell}: {after - before} rows made")
        if row is not None and (after != before) != written:
            failures.append(f"{viewer} / {cell}: lastchange {before} -> {after}")
        leaked = leaks(secrets, json.dumps(request), response.text)
        if leaked:
            failures.append(f"{viewer} / {cell}: received {leaked}: {response.text}")

    assert not failures, "\n".join(failures)
