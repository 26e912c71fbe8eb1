"""A request's loader caches are emptied once it has ended, so its rows are freed by
reference counting instead of waiting for the garbage collector."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any

import pytest
from starlette.applications import Starlette

from gql_server.http import request_loaders
from gql_server.schema.build import schema
from gql_server.schema.context import Context
from loaders import Loaders, create_loaders
from tests.apps import post_in_process
from tests.conftest import made
from tests.factories import make_wallet

NESTED = "{ users(limit: 5) { id orders { id transactions { id } } } }"


async def test_the_loaders_hold_no_rows_once_the_request_has_ended(
    app: Starlette, loaders: Loaders, operator_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the loaders the app makes for the request, seen from outside
    await make_wallet(loaders, users=2)
    created: list[Loaders] = []

    def recording(*args: Any, **kwargs: Any) -> Loaders:
        created.append(create_loaders(*args, **kwargs))
        return created[-1]

    monkeypatch.setattr(request_loaders, "create_loaders", recording)
    # when
    body = json.dumps({"query": NESTED}).encode()
    status, answer = await post_in_process(app, body, token=operator_token)
    # then: the answer is complete, and nothing is left cached
    assert status == 200
    users = made(json.loads(answer)["data"]["users"])
    assert len(users) == 2
    assert all(len(o["transactions"]) == 2 for u in users for o in u["orders"])
    (request,) = created
    built = request.built()
    assert len(built) == 5  # users, orders, transactions by id; orders, transactions by parent
    assert [(loader.futures, loader._primed) for loader in built] == [({}, {})] * 5


async def test_a_requests_loaders_are_freed_as_soon_as_it_lets_go_of_them(
    loaders: Loaders,
) -> None:
    """Without the collector: no reference cycle among them (pages, children that
    listen for writes). Under load the collector found such cycles only once they had
    reached its oldest generation, and the server grew meanwhile."""
    await make_wallet(loaders, users=2)
    request = create_loaders(loaders.session_maker)
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
    app: Starlette, loaders: Loaders, operator_token: str
) -> None:
    await make_wallet(loaders, users=2)
    body = json.dumps({"query": NESTED}).encode()
    first = await post_in_process(app, body, token=operator_token)  # planned, and vetted
    gc.collect()
    gc.disable()
    try:
        answers = [await post_in_process(app, body, token=operator_token) for _ in range(3)]

        assert gc.collect() == 0
    finally:
        gc.enable()
    assert answers == [first] * 3
    status, answer = first
    assert status == 200
    assert len(made(json.loads(answer)["data"]["users"])) == 2
