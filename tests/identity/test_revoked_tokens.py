"""A token stops granting more than one's own rows as soon as its user row is deleted
or no longer holds the token's role: the role is checked inside each statement, so
every read sees nothing, and no write lands (update and delete find no row)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema
from sqlalchemy import delete, update
from starlette.applications import Starlette

from models import Role, User
from tests.factories import make_address, make_user
from tests.identity.reads import nothing, read_cells, root_of
from tests.identity.reads import observed as read_observed
from tests.identity.rules import grant
from tests.identity.world import World
from tests.identity.writes import States, target_of, variables, write_cells
from tests.identity.writes import observed as write_observed


async def deleted(world: World, user_id: int) -> None:
    async with world.system.session_maker.begin() as session:
        await session.execute(delete(User).where(User.id == user_id))


async def demoted(world: World, user_id: int) -> None:
    async with world.system.session_maker.begin() as session:
        await session.execute(update(User).where(User.id == user_id).values(role=Role.CUSTOMER))


CREATE_USER = (
    "mutation($input: CreateUserInput!) { r: createUser(input: $input) { ... on User { id } } }"
)
NEXT_USER = {"name": "Next", "surname": "User", "email": "next@next.example"}
Revoke = Callable[[World, int], Any]
CASES: dict[str, tuple[str, Revoke]] = {
    "deleted operator": ("operator", deleted),
    "deleted service": ("service", deleted),
    "demoted operator": ("operator", demoted),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_revoked_token_reads_nothing(
    http: httpx.AsyncClient, schema: GraphQLSchema, world: World, case: str
) -> None:
    name, revoke = CASES[case]
    viewer = world.viewers[name]
    assert viewer.role is not None and viewer.user_id is not None
    await revoke(world, viewer.user_id)
    failures: list[str] = []

    for cell in read_cells(schema, world):
        model, _ = root_of(cell.root)
        request = {"query": cell.query, "variables": cell.variables}
        response = await http.post("/graphql", json=request, headers=viewer.headers)
        if grant(viewer.role, model, "read") == "none":  # refused by the token's role, as ever
            want: dict[str, Any] = {"errors": [("FORBIDDEN", cell.root)], "value": None}
        else:
            want = {"errors": [], "value": nothing(cell.root)}
        got = read_observed(cell, response.json())
        if got != want:
            failures.append(f"{case} / {cell}: expected {want}, got {got}")

    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", list(CASES))
async def test_a_revoked_token_writes_nothing(
    http: httpx.AsyncClient, schema: GraphQLSchema, world: World, case: str
) -> None:
    name, revoke = CASES[case]
    viewer = world.viewers[name]
    assert viewer.role is not None and viewer.user_id is not None
    cells = write_cells(schema)
    targets = [await target_of(cell, world) for cell in cells]
    await revoke(world, viewer.user_id)
    states = await States(world).read_all()
    failures: list[str] = []

    for cell, row in zip(cells, targets, strict=True):
        before = states.before(cell, row)
        sent = variables(cell, world, row, before)
        request = {"query": cell.query, "variables": sent}
        response = await http.post("/graphql", json=request, headers=viewer.headers)
        got = write_observed(cell, response.json())
        after = await states.after(cell, row)
        if after != before:
            failures.append(f"{case} / {cell}: written ({before} -> {after}): {got}")
        if grant(viewer.role, cell.model, cell.action) == "none":
            if got["outcome"] != "ForbiddenError":
                failures.append(f"{case} / {cell}: expected ForbiddenError, got {got}")
        elif row is None:  # a create: refused one way or another
            if got["outcome"] == cell.model:
                failures.append(f"{case} / {cell}: created {response.text}")
        elif got != {"outcome": "NotFoundError", "id": str(row.id), "owner": None}:
            failures.append(f"{case} / {cell}: expected NotFoundError, got {got}")

    assert not failures, "\n".join(failures)


async def test_a_deleted_customers_token_sees_nothing_of_the_next_users_rows(
    app: Starlette, http: httpx.AsyncClient, world: World
) -> None:
    # given: a customer's token, then the customer's row deleted
    gone = await make_user(world.system)
    token = app.state.tokens.issue(gone.id, Role.CUSTOMER).token
    await deleted(world, gone.id)
    # when: the next user, made by an operator, has an address
    operator = world.viewers["operator"].headers
    made = await http.post(
        "/graphql",
        json={"query": CREATE_USER, "variables": {"input": NEXT_USER}},
        headers=operator,
    )
    newcomer = int(made.json()["data"]["r"]["id"])
    await make_address(world.system, newcomer, address="newcomer-address", network="n")
    # then: the old token reads none of it
    answer = await http.post(
        "/graphql",
        json={"query": "{ users { id } addresses { id address } }"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert answer.json() == {"data": {"users": [], "addresses": []}}, (gone.id, newcomer)
