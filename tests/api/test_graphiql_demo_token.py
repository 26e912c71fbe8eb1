"""Outside production, the GraphiQL page carries an access token for the demo customer,
minted when it is rendered; with no such account (or its published password changed)
it carries none; and the code that mints it refuses production outright."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from gql_server.auth import demo
from gql_server.auth.passwords import hash_password
from gql_server.domain.store import insert_row
from gql_server.http import graphiql
from gql_server.seed import person
from loaders import AnyRow, Loaders
from models import Role, User, Viewer
from tests.conftest import operation

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
TOKEN = re.compile(r'<div id="graphiql" data-access-token="([^"]+)">')


@pytest.fixture
async def http(app: Starlette, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """A browser's client: no Authorization header of its own."""
    if not graphiql.assets_built():
        pytest.fail("GraphiQL's files are missing: `make test` builds them (make graphiql-assets)")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def add(loaders: Loaders, account: demo.DemoAccount) -> AnyRow:
    """The account's user as `mwallet-gql seed` writes it."""
    return await insert_row(
        loaders, User, await person(account.name, account.surname, account.email)
    )


async def page_token(http: httpx.AsyncClient) -> str | None:
    page = await http.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    found = TOKEN.search(page.text)
    return None if found is None else found.group(1)


async def test_the_page_carries_a_token_that_verifies_for_the_demo_customer(
    http: httpx.AsyncClient, app: Starlette, loaders: Loaders
) -> None:
    # given: the demo customer, as seeded
    customer = await add(loaders, demo.CUSTOMER)

    # when: a browser asks for the page
    token = await page_token(http)

    # then: it carries a token of ours for the demo customer, of the usual lifetime
    assert token is not None
    assert app.state.tokens.viewer(token) == Viewer(user_id=customer.id, role=Role.CUSTOMER)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == app.state.tokens.settings.access_token_seconds

    # and the token answers as that customer
    answer = await http.post(
        "/graphql",
        json={"query": operation("Viewer")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.json()["data"]["viewer"]["email"] == demo.CUSTOMER.email


async def test_each_render_mints_a_new_token(http: httpx.AsyncClient, loaders: Loaders) -> None:
    await add(loaders, demo.CUSTOMER)

    first, second = await page_token(http), await page_token(http)

    assert first is not None and second is not None and first != second


async def test_without_the_demo_customer_the_page_carries_no_token(
    http: httpx.AsyncClient, loaders: Loaders
) -> None:
    # given: only the operator (the page never opens as anyone but the customer)
    await add(loaders, demo.OPERATOR)

    assert await page_token(http) is None


async def test_a_demo_customer_whose_password_changed_gets_no_token(
    http: httpx.AsyncClient, loaders: Loaders, engine: AsyncEngine
) -> None:
    # given: the demo customer's password is no longer the published one
    customer = await add(loaders, demo.CUSTOMER)
    other = await hash_password("a password nobody published")
    async with engine.begin() as connection:
        await connection.execute(
            update(User).where(User.id == customer.id).values(password_hash=other)
        )

    assert await page_token(http) is None


async def test_the_token_code_refuses_production_even_with_the_demo_customer(
    app: Starlette, loaders: Loaders
) -> None:
    await add(loaders, demo.CUSTOMER)

    with pytest.raises(demo.DemoRefusedInProduction):
        await demo.demo_access_token(app.state.session_maker, app.state.tokens, production=True)
