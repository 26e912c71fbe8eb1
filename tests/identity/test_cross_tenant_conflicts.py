"""A customer's write that collides with a row it may not see (a unique value another
user holds) is refused on the field that collides, as anyone else's would be."""

from __future__ import annotations

import httpx

from tests.identity.world import World

UPDATE_EMAIL = """
mutation Email($input: UpdateUserInput!) {
  updateUser(input: $input) {
    __typename
    ... on ValidationError { field message }
    ... on Error { message }
  }
}
"""
LASTCHANGE = "query Me($id: ID!) { user(id: $id) { lastchange } }"


async def test_taking_another_users_email_is_refused_on_the_email_field(
    http: httpx.AsyncClient, world: World
) -> None:
    taken = world.first("User", "B").email
    answers = {}
    for name in ("operator", "customer A"):
        viewer, me = world.viewers[name], str(world.customers["A"])
        read = await http.post(
            "/graphql", json={"query": LASTCHANGE, "variables": {"id": me}}, headers=viewer.headers
        )
        token = read.json()["data"]["user"]["lastchange"]
        sent = {"input": {"id": me, "lastchange": token, "email": taken}}
        response = await http.post(
            "/graphql", json={"query": UPDATE_EMAIL, "variables": sent}, headers=viewer.headers
        )
        answers[name] = response.json()["data"]["updateUser"]

    assert answers["operator"]["field"] == "email", answers  # what anyone is told
    assert answers["customer A"]["__typename"] == "ValidationError", answers
    assert answers["customer A"]["field"] == "email", answers  # not "retry": it never passes
