"""`mwallet-gql seed` creates the demo accounts the README publishes, and prints, on every
run, how to sign in with them: the printed `curl` line signs in, as printed. In production
the command refuses to run at all."""

from __future__ import annotations

import json
import shlex
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from gql_server.auth import demo
from gql_server.cli import main
from gql_server.domain.store import insert_row
from gql_server.seed import demo_accounts, how_to_sign_in, seed
from loaders import Loaders
from models import User
from tests.conftest import migrated_url, operation

URL = "http://127.0.0.1:8000/graphql"
SECRET = "a production secret of at least thirty-two bytes"


@pytest.fixture
async def http(app: Starlette, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no token of its own, on the database the test seeds."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def call(
    http: httpx.AsyncClient, name: str, variables: dict[str, Any], token: str | None = None
) -> Any:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    body = {"query": operation(name), "variables": variables}
    answer = (await http.post("/graphql", json=body, headers=headers)).json()
    assert "errors" not in answer, answer
    return answer["data"]


async def sign_in(http: httpx.AsyncClient, account: demo.DemoAccount) -> Any:
    found = await call(http, "LogIn", {"email": account.email, "password": account.password})
    assert found["result"]["__typename"] == "Session", found
    return found["result"]


def curl_body(printed: str) -> tuple[str, Any]:
    """The URL and the JSON body of the printed `curl` line, as a shell would pass them."""
    [line] = [line for line in printed.splitlines() if line.strip().startswith("curl ")]
    words = shlex.split(line)
    return words[2], json.loads(words[words.index("-d") + 1])


async def test_the_printed_curl_signs_in_as_the_customer_who_owns_the_demo_data(
    database_url: str, http: httpx.AsyncClient
) -> None:
    # given: a seeded database, and what the command prints for it
    assert await seed(database_url)
    accounts = await demo_accounts(database_url)
    printed = how_to_sign_in(accounts, URL, graphiql=True)
    assert accounts == [demo.CUSTOMER, demo.OPERATOR]
    for account in accounts:
        assert f"{account.email}" in printed and account.password in printed

    # when: the printed request is sent
    url, body = curl_body(printed)
    answer = (await http.post("/graphql", json=body)).json()

    # then: it opens a session, whose token reads the customer's own data only
    assert url == URL
    session = answer["data"]["logIn"]
    assert session["__typename"] == "Session", answer
    token = session["accessToken"]
    viewer = (await call(http, "Viewer", {}, token))["viewer"]
    assert (viewer["email"], viewer["role"]) == (demo.CUSTOMER.email, "CUSTOMER")
    [user] = (await call(http, "UserPage", {}, token))["users"]
    assert user["email"] == demo.CUSTOMER.email
    assert (len(user["addresses"]), len(user["orders"])) == (2, 2)


async def test_the_operator_signs_in_and_sees_every_user(
    database_url: str, http: httpx.AsyncClient
) -> None:
    assert await seed(database_url)

    session = await sign_in(http, demo.OPERATOR)

    assert session["user"]["email"] == demo.OPERATOR.email
    viewer = (await call(http, "Viewer", {}, session["accessToken"]))["viewer"]
    assert viewer["role"] == "OPERATOR"
    users = (await call(http, "UserPage", {}, session["accessToken"]))["users"]
    assert len(users) == 6


async def test_an_account_whose_password_changed_is_no_longer_printed(
    database_url: str, http: httpx.AsyncClient
) -> None:
    # given: the customer changed the published password
    assert await seed(database_url)
    session = await sign_in(http, demo.CUSTOMER)
    change = {"currentPassword": demo.CUSTOMER.password, "newPassword": "only ada knows this"}
    changed = await call(http, "ChangePassword", change, session["accessToken"])
    assert changed["result"]["__typename"] == "Session"

    # when: the command runs again
    accounts = await demo_accounts(database_url)
    printed = how_to_sign_in(accounts, URL, graphiql=True)

    # then: only the operator is offered, and GraphiQL is not said to open as the customer
    assert accounts == [demo.OPERATOR]
    assert demo.CUSTOMER.email not in printed
    assert "GraphiQL" not in printed


async def test_a_database_seeded_otherwise_prints_no_credentials(
    database_url: str, loaders: Loaders
) -> None:
    # given: someone's own data, without the demo accounts
    await insert_row(loaders, User, {"name": "Eve", "surname": "E", "email": "eve@example.com"})

    # when: the command runs on it
    seeded = await seed(database_url)
    printed = how_to_sign_in(await demo_accounts(database_url), URL, graphiql=True)

    # then: nothing is written and no password printed; it says how to get an account
    assert not seeded
    assert "demo-" not in printed and "curl" not in printed
    assert "signUp" in printed


def test_the_command_prints_how_to_sign_in_on_every_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_url("sqlite", tmp_path))
    monkeypatch.setenv("MWALLET_HOST", "0.0.0.0")
    monkeypatch.setenv("MWALLET_PORT", "9000")

    main(["seed"])
    first = capsys.readouterr().out
    main(["seed"])
    second = capsys.readouterr().out

    assert first.startswith("seeded demo data\n")
    assert second.startswith("database not empty: left as it is\n")
    for printed in (first, second):
        assert "demo-customer-pass" in printed and "demo-operator-pass" in printed
        assert curl_body(printed)[0] == "http://127.0.0.1:9000/graphql"


def test_the_command_refuses_production_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: a migrated, empty database, served in production
    monkeypatch.setenv("DATABASE_URL", migrated_url("sqlite", tmp_path))
    monkeypatch.setenv("MWALLET_PRODUCTION", "on")
    monkeypatch.setenv("MWALLET_JWT_SECRET", SECRET)

    # when: seeding is asked for
    with pytest.raises(SystemExit) as refused:
        main(["seed"])

    # then: refused, saying why, with nothing printed and nothing written
    assert "refused in production" in str(refused.value.code)
    assert capsys.readouterr().out == ""
    monkeypatch.delenv("MWALLET_PRODUCTION")
    main(["seed"])
    assert capsys.readouterr().out.startswith("seeded demo data\n")
