"""Optimistic concurrency under real contention: many PostgreSQL connections at once.

Clients are released together (one event, many pooled connections), so the
compare-and-set in `UPDATE ... WHERE id AND lastchange` is what decides.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from gql_server.database import create_session_maker
from gql_server.domain.errors import StaleWrite
from gql_server.domain.store import update_row
from gql_server.settings import DatabaseLimits
from loaders import Loaders, create_loaders
from models import Address, User
from tests.apps import Served, serving
from tests.conftest import operation, truncate
from tests.factories import make_address, make_user

pytestmark = pytest.mark.postgres_only
MAX_CLIENTS = 32
ROUNDS = 200


@pytest.fixture
async def served(postgres_url: str) -> AsyncIterator[Served]:
    pool = DatabaseLimits(pool_size=MAX_CLIENTS + 2, max_overflow=0)
    async with serving(postgres_url, database=pool) as app:
        yield app
        await truncate(app.app.state.engine)


@pytest.fixture
async def session_maker(postgres_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Loader-level clients: one pooled connection each, no pre-ping round trip."""
    engine = create_async_engine(
        postgres_url,
        pool_size=MAX_CLIENTS + 2,
        max_overflow=0,
        # Commits need not wait for the disk here: visibility and locking are unchanged.
        connect_args={"server_settings": {"synchronous_commit": "off"}},
    )
    yield create_session_maker(engine)
    await truncate(engine)
    await engine.dispose()


async def call(served: Served, name: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await served.post(operation(name), variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"]["result"])


async def released_together(*calls: Any) -> list[Any]:
    """Start every call, then let them all go at once."""
    start = asyncio.Event()

    async def when_released(coroutine: Any) -> Any:
        await start.wait()
        return await coroutine

    tasks = [asyncio.create_task(when_released(c)) for c in calls]
    await asyncio.sleep(0)
    start.set()
    return await asyncio.gather(*tasks)


async def new_address(served: Served, **values: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    loaders = create_loaders(served.app.state.session_maker)
    user = await make_user(loaders)
    address = await make_address(loaders, user.id, **values)
    return {"id": str(user.id)}, {
        "id": str(address.id),
        "lastchange": address.lastchange.isoformat(),
    }


async def test_exactly_one_of_k_clients_with_the_same_token_wins(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    setup = create_loaders(session_maker)
    address = await make_address(setup, (await make_user(setup)).id)
    token = address.lastchange
    for round_number in range(ROUNDS):
        clients = 2 + round_number % (MAX_CLIENTS - 1)
        outcomes = await released_together(
            *(
                outcome(create_loaders(session_maker), address.id, token, {"label": f"c{k}"})
                for k in range(clients)
            )
        )
        winners = [o for o in outcomes if not isinstance(o, StaleWrite)]
        assert len(winners) == 1, (round_number, outcomes)
        assert all(o.current == winners[0].lastchange for o in outcomes if o not in winners)
        token = winners[0].lastchange


async def outcome(loaders: Loaders, id: int, token: datetime, values: dict[str, Any]) -> Any:
    try:
        return await update_row(loaders, Address, id, token, values)
    except StaleWrite as stale:
        return stale


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


async def increment_until_done(
    session_maker: async_sessionmaker[AsyncSession], address_id: int, times: int
) -> int:
    """Read-modify-write `times` increments, each retried on a stale token."""
    acknowledged = 0
    while acknowledged < times:
        loaders = create_loaders(session_maker)  # a fresh request: nothing cached
        read = await loaders.by_id(Address).load(address_id)
        assert read is not None
        balance = read.address_balance + 1
        try:
            await update_row(
                loaders, Address, address_id, read.lastchange, {"address_balance": balance}
            )
        except StaleWrite:
            continue
        acknowledged += 1
    return acknowledged


async def test_no_lost_updates_with_retry_on_stale_data(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    setup = create_loaders(session_maker)
    address = await make_address(setup, (await make_user(setup)).id)
    acknowledged = await released_together(
        *(increment_until_done(session_maker, address.id, 200) for _ in range(8))
    )
    final = await create_loaders(session_maker).by_id(Address).load(address.id)
    assert final is not None
    assert final.address_balance == sum(acknowledged) == 1600


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


async def test_ten_thousand_back_to_back_updates_give_distinct_tokens(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    loaders = create_loaders(session_maker)
    user = await make_user(loaders)
    tokens = [user.lastchange]
    for n in range(10_000):
        row = await update_row(loaders, User, user.id, tokens[-1], {"name": f"n{n}"})
        tokens.append(row.lastchange)
    assert len(set(tokens)) == len(tokens) == 10_001
    assert tokens == sorted(tokens)


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
