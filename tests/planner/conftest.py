"""Fixtures of the planner tests: the plain app beside the planned one, and a varied wallet."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import httpx
import pytest
from starlette.applications import Starlette

from gql_server.http.app import create_app
from loaders import Loaders
from models import AssetType, OrderType
from tests.conftest import StatementCounter, bearer, listening, operator_token_of, suite_settings
from tests.factories import make_address, make_order, make_transaction, make_user
from tests.planner.both_apps import Both


@pytest.fixture(scope="session")
async def plain_app(database_url: str) -> AsyncIterator[Starlette]:
    application = create_app(suite_settings(database_url, planner=False))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def plain_client(
    plain_app: Starlette, operator_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in as the suite's operator, as `client` is (whose row `operator_token` made)."""
    transport = httpx.ASGITransport(app=plain_app)
    headers = bearer(operator_token_of(plain_app))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as http:
        yield http


@pytest.fixture
def plain_sql(plain_app: Starlette) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    with listening(plain_app.state.engine, "before_cursor_execute", counter):
        yield counter


@pytest.fixture
def both(
    client: httpx.AsyncClient,
    plain_client: httpx.AsyncClient,
    sql: StatementCounter,
    plain_sql: StatementCounter,
) -> Both:
    return Both(client, plain_client, sql, plain_sql)


@pytest.fixture
async def wallet(loaders: Loaders) -> Loaders:
    """Varied rows: nulls and values in every nullable column, every enum, binary, JSON."""
    for n in range(6):
        user = await make_user(loaders, email=f"user{n}@example.com")
        for k in range(n % 3):
            await make_address(
                loaders,
                user.id,
                network=["bitcoin", "litecoin"][k],
                is_default=k == 0,
                address_balance=Decimal(n) / 3 if n % 2 else Decimal(0),
                label=f"label {n}" if k else None,
                description="🚀 עברית \u200b" if n == 4 else None,
                account_number=str(n * 1000 + k),
            )
        for j in range(n % 4):
            order = await make_order(
                loaders,
                user.id,
                asset=list(AssetType)[(n + j) % 5],
                order_type=list(OrderType)[j % 4],
                expected_end=1_767_225_600.5 + j if j % 2 else None,
                memo=f"memo {n}-{j}" if j else None,
            )
            for t in range(j):
                await make_transaction(
                    loaders,
                    order.id,
                    confirmations=t,
                    pubkey=bytes([n, j, t]) if t else None,
                    meta={"n": n, "nested": {"t": t}} if t % 2 else None,
                    inputs="in" if t else None,
                )
    return loaders
