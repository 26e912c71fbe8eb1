"""Dead connections are replaced on failure: reads and uncommitted writes run once more,
a write whose COMMIT was cut is never repeated."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.domain.store import update_row
from loaders import Loaders, create_loaders
from loaders.reconnect import on_a_live_connection
from models import User
from tests.conftest import StatementCounter
from tests.factories import make_user


def lost_connection() -> DBAPIError:
    return DBAPIError("SELECT 1", None, OSError("connection reset"), connection_invalidated=True)


def failed_statement() -> DBAPIError:
    return DBAPIError("SELECT 1", None, ValueError("bad value"), connection_invalidated=False)


class Flaky:
    """Fails with `errors` in turn, then answers "ok"; counts its calls."""

    def __init__(self, *errors: DBAPIError) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


async def test_work_on_a_dead_connection_runs_once_more() -> None:
    attempt = Flaky(lost_connection())

    assert await on_a_live_connection(attempt) == "ok"
    assert attempt.calls == 2


async def test_a_connection_dead_twice_in_a_row_gives_up_with_the_error() -> None:
    attempt = Flaky(lost_connection(), lost_connection())

    with pytest.raises(DBAPIError):
        await on_a_live_connection(attempt)
    assert attempt.calls == 2


async def test_an_error_on_a_live_connection_is_not_retried() -> None:
    attempt = Flaky(failed_statement())

    with pytest.raises(DBAPIError):
        await on_a_live_connection(attempt)
    assert attempt.calls == 1


async def test_a_write_whose_commit_was_cut_is_not_repeated(
    loaders: Loaders, sql: StatementCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await make_user(loaders, name="Before")
    writer = create_loaders(loaders.session_maker)

    async def cut_commit(self: AsyncSession, *args: Any) -> None:
        await self.rollback()  # the database never saw the COMMIT
        raise lost_connection()

    monkeypatch.setattr(AsyncSession, "commit", cut_commit)
    sql.reset()
    with pytest.raises(DBAPIError):
        await update_row(writer, User, user.id, user.lastchange, {"name": "After"})
    monkeypatch.undo()

    updates = [s for s in sql.statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1  # the outcome is unknown to the caller: never sent twice
    stored = await create_loaders(loaders.session_maker).by_id(User).load(user.id)
    assert stored is not None and stored.name == "Before"
