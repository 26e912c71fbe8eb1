"""Accounts and tokens from the command line, as an operator makes the first ones."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import jwt
import pytest

from gql_server.cli import main
from gql_server.http.app import create_app
from gql_server.settings import Settings
from tests.auth.conftest import PASSWORD, AuthClient


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite database the commands use (DATABASE_URL, as an operator sets it)."""
    path = tmp_path / "accounts.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    main(["migrate"])
    return path


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    main(list(argv))


@asynccontextmanager
async def serving(database: Path) -> AsyncIterator[AuthClient]:
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{database}"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield AuthClient(http)


async def test_an_operator_made_on_the_command_line_signs_in_with_its_token_and_password(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # when: an operator account is created, and a token issued for it
    create = ["create-user", "--email", "Ops@Example.com", "--role", "operator"]
    await asyncio.to_thread(run, monkeypatch, *create, stdin=PASSWORD + "\n")
    await asyncio.to_thread(run, monkeypatch, "issue-token", "--email", "ops@example.com")
    created, token = capsys.readouterr().out.splitlines()

    # then: the server knows both the token and the password
    assert created.startswith("created user ") and "<ops@example.com> (OPERATOR)" in created
    async with serving(database) as client:
        viewer = await client.viewer(token)
        assert (viewer["email"], viewer["role"]) == ("ops@example.com", "OPERATOR")
        assert (viewer["name"], viewer["surname"]) == ("Ops", "Operator")  # from the email as typed
        session = await client.log_in("ops@example.com", PASSWORD)
        assert session["__typename"] == "Session"


async def test_issue_token_takes_a_lifetime_and_the_role_of_the_row(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    create = ["create-user", "--email", "chain@example.com", "--role", "service"]
    names = ["--name", "Chain", "--surname", "Watcher"]
    await asyncio.to_thread(run, monkeypatch, *create, *names, stdin=PASSWORD + "\n")
    issue = ["issue-token", "--email", "chain@example.com", "--ttl", "60"]
    await asyncio.to_thread(run, monkeypatch, *issue)
    token = capsys.readouterr().out.splitlines()[-1]

    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 60
    assert claims["role"] == "SERVICE"


@pytest.mark.parametrize(
    ("argv", "stdin", "reason"),
    [
        (["--role", "customer"], "too short\n", "password must be between 12 and 256"),
        (["--role", "customer"], "", "password must be between 12 and 256"),
        (["--role", "operator"], PASSWORD + "\n", "email is already taken"),
    ],
)
async def test_create_user_stops_with_the_reason(
    database: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stdin: str,
    reason: str,
) -> None:
    first = ["create-user", "--email", "taken@example.com", "--role", "customer"]
    await asyncio.to_thread(run, monkeypatch, *first, stdin=PASSWORD + "\n")

    with pytest.raises(SystemExit, match=reason):
        await asyncio.to_thread(
            run, monkeypatch, "create-user", "--email", "taken@example.com", *argv, stdin=stdin
        )


async def test_issue_token_for_an_unknown_email_stops_with_the_reason(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit, match="no user has the email"):
        await asyncio.to_thread(run, monkeypatch, "issue-token", "--email", "who@example.com")
