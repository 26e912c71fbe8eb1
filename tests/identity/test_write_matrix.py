"""Every mutation, made by every role on customer A's rows and on B's: the exact result
of each cell, that a refused write wrote nothing (and an accepted one did), and not
one value of another customer's rows in what a customer gets back."""

from __future__ import annotations

import json

import httpx
import pytest
from graphql import GraphQLSchema

from tests.identity.test_read_matrix import VIEWERS, hidden_from
from tests.identity.world import World, leaks
from tests.identity.writes import (
    count,
    expected,
    observed,
    stored,
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
    assert len(cells) == 47  # see test_schema_coverage for what they cover
    targets = [await target_of(cell, world) for cell in cells]  # before the secrets are read
    secrets = await hidden_from(name, world)
    failures: list[str] = []

    for cell, row in zip(cells, targets, strict=True):
        sent = await variables(cell, world, row)
        before = await (
            count(world, cell.model) if row is None else stored(world, cell.model, row.id)
        )
        request = {"query": cell.query, "variables": sent}
        response = await http.post("/graphql", json=request, headers=viewer.headers)
        want = expected(cell, viewer, world, row, sent)
        got = observed(cell, response.json())
        if response.status_code != 200 or got != want:
            failures.append(f"{viewer} / {cell}: expected {want}, got {got}")
        written = want["outcome"] in (cell.model, "Deleted")
        if row is None:
            after = await count(world, cell.model)
            if after != before + written:
                failures.append(f"{viewer} / {cell}: {after - before} rows made")
        else:
            after = await stored(world, cell.model, row.id)
            if (after != before) != written:
                failures.append(f"{viewer} / {cell}: lastchange {before} -> {after}")
        leaked = leaks(secrets, json.dumps(request), response.text)
        if leaked:
            failures.append(f"{viewer} / {cell}: received {leaked}: {response.text}")

    assert not failures, "\n".join(failures)
