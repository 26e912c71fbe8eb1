"""A request's loader caches are emptied once its operation has run, so its rows are
freed by reference counting instead of waiting for the garbage collector."""

from __future__ import annotations

import gc
import json
import weakref

from starlette.applications import Starlette

from gql_server.context import Context
from gql_server.schema import schema
from loaders import Loaders, create_loaders
from tests.apps import post_in_process
from tests.factories import make_wallet

NESTED = "{ users(limit: 5) { id orders { id transactions { id } } } }"


async def test_the_loaders_hold_no_rows_after_the_operation(loaders: Loaders) -> None:
    # given
    await make_wallet(loaders, users=2)
    request = create_loaders(loaders.user_by_id.session_maker)
    # when
    result = await schema.execute(NESTED, context_value=Context(request=None, loaders=request))
    # then: the answer is complete, and nothing is left cached
    assert result.errors is None
    assert result.data is not None
    assert len(result.data["users"]) == 2
    assert all(len(o["transactions"]) == 2 for u in result.data["users"] for o in u["orders"])
    cached = [loader._cache for loader in request.built()]
    assert len(cached) == 5  # users, orders, transactions by id; orders, transactions by parent
    assert cached == [{}] * len(cached)


async def test_a_requests_loaders_are_freed_as_soon_as_it_lets_go_of_them(
    loaders: Loaders,
) -> None:
    """Without the collector: no reference cycle among them (pages, children that
    listen for writes). Under load the collector found such cycles only once they had
    reached its oldest generation, and the server grew meanwhile."""
    await make_wallet(loaders, users=2)
    request = create_loaders(loaders.user_by_id.session_maker)
    result = await schema.execute(NESTED, context_value=Context(request=None, loaders=request))
    assert result.errors is None
    built = [weakref.ref(loader) for loader in request.built()]
    assert len(built) == 5
    gc.disable()
    try:
        del request, result

        assert [reference() for reference in built] == [None] * 5
    finally:
        gc.enable()


async def test_a_request_on_the_planned_fast_path_leaves_nothing_to_the_collector(
    app: Starlette, loaders: Loaders
) -> None:
    await make_wallet(loaders, users=2)
    body = json.dumps({"query": NESTED}).encode()
    first = await post_in_process(app, body)  # planned, and vetted for the fast path
    gc.collect()
    gc.disable()
    try:
        answers = [await post_in_process(app, body) for _ in range(3)]

        assert gc.collect() == 0
    finally:
        gc.enable()
    assert answers == [first] * 3
    status, answer = first
    assert status == 200
    assert len(json.loads(answer)["data"]["users"]) == 2
