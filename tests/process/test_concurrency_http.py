"""Optimistic concurrency under real contention over HTTP: many PostgreSQL connections at once.

Clients are released together (one event, many pooled connections), so the
compare-and-set in `UPDATE ... WHERE id AND lastchange` is what decides; every loser
gets a typed error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gql_server.settings import DatabaseLimits
from loaders import create_loaders
from models import Address
from tests.apps import Served, serving
from tests.conftest import operation, truncate
from tests.factories import make_address, make_user
from tests.process.contention import MAX_CLIENTS, released_together

pytestmark = pytest.mark.postgres_only


@pytest.fixture
async def served(postgres_url: str) -> AsyncIterator[Served]:
    pool = DatabaseLimits(pool_size=MAX_CLIENTS + 2, max_overflow=0)
    async with serving(postgres_url, database=pool) as app:
        yield app
        await truncate(app.app.state.engine)


async def call(served: Served, name: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await served.post(operation(name), variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"]["result"])


async def new_address(served: Served, **values: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    loaders = create_loaders(served.app.state.session_maker)
    user = await make_user(loaders)
    address = await make_address(loaders, user.id, **values)
    return {"id": str(user.id)}, {
        "id": str(address.id),
        "lastchange": address.lastchange.isoformat(),
    }


async def test_every_loser_of_a_race_over_http_gets_stale_data_error(served: Served) -> None:
    _, address = await new_address(served)
    token = address["lastchange"]
    for round_number in range(5):
        clients = MAX_CLIENTS
        results = await released_together(
            *(
                call(
                    served,
                    "UpdateAddress",
                    {"input": {"id": address["id"], "lastchange": token, "label": f"c{k}"}},
                )
                for k in range(clients)
            )
        )
        kinds = Counter(result["__typename"] for result in results)
        assert kinds == {"Address": 1, "StaleDataError": clients - 1}, (round_number, kinds)
        winner = next(result for result in results if result["__typename"] == "Address")
        assert all(
            result["lastchange"] == winner["lastchange"]
            for result in results
            if result["__typename"] == "StaleDataError"
        )
        token = winner["lastchange"]


async def test_delete_racing_update_with_the_same_token_has_one_winner(served: Served) -> None:
    for _ in range(50):
        _, address = await new_address(served)
        deleted, updated = await released_together(
            call(served, "DeleteAddress", address),
            call(
                served,
                "UpdateAddress",
                {"input": {**address, "label": "racing"}},
            ),
        )
        outcome = {deleted["__typename"], updated["__typename"]}
        assert outcome in (
            {"Deleted", "NotFoundError"},
            {"Deleted", "StaleDataError"},
            {"Address", "StaleDataError"},
        ), (deleted, updated)
        if deleted["__typename"] == "Deleted":
            again = await call(served, "UpdateAddress", {"input": {**address, "label": "late"}})
            assert again["__typename"] == "NotFoundError"


async def test_two_updates_of_one_row_in_one_request_give_distinct_tokens(
    served: Served,
) -> None:
    user, _ = await new_address(served)
    read = await served.post("query($id: ID!) { user(id: $id) { lastchange } }", user)
    token = read.json()["data"]["user"]["lastchange"]
    document = """
        mutation($id: ID!, $token: DateTime!) {
          first: updateUser(input: {id: $id, lastchange: $token, name: "One"}) {
            __typename ... on User { lastchange }
          }
          second: updateUser(input: {id: $id, lastchange: $token, name: "Two"}) {
            __typename ... on StaleDataError { lastchange }
          }
        }
    """
    body = (await served.post(document, {"id": user["id"], "token": token})).json()["data"]
    assert body["first"]["__typename"] == "User"
    assert body["second"] == {
        "__typename": "StaleDataError",
        "lastchange": body["first"]["lastchange"],
    }
    assert len({token, body["first"]["lastchange"]}) == 2


async def test_concurrent_make_default_never_leaves_two_defaults(served: Served) -> None:
    loaders = create_loaders(served.app.state.session_maker)
    for round_number in range(50):
        user = await make_user(loaders)
        pair = [await make_address(loaders, user.id, network="bitcoin") for _ in range(2)]
        results = await released_together(
            *(
                call(
                    served,
                    "UpdateAddress",
                    {
                        "input": {
                            "id": str(a.id),
                            "lastchange": a.lastchange.isoformat(),
                            "isDefault": True,
                        }
                    },
                )
                for a in pair
            )
        )
        kinds = sorted(result["__typename"] for result in results)
        assert kinds == ["Address", "ValidationError"], (round_number, results)
        refused = next(r for r in results if r["__typename"] == "ValidationError")
        assert refused["field"] == "isDefault"
        defaults = (
            await create_loaders(served.app.state.session_maker)
            .by_id(Address)
            .filter_by(user_id=user.id, network="bitcoin", is_default=True)
        )
        assert len(defaults) == 1
