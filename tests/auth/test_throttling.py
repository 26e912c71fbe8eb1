"""Password guessing is bounded per email, in the database every instance shares."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from models import LoginFailure
from tests.auth.conftest import PASSWORD, AuthClient, refused

WRONG = "not the password at all"


async def test_the_sixth_attempt_within_the_window_is_refused_even_with_the_password(
    anonymous: AuthClient,
) -> None:
    await anonymous.sign_up("ada@example.com")
    for _ in range(5):
        refused(await anonymous.log_in("ada@example.com", WRONG), "wrong email or password")

    sixth = await anonymous.log_in("ada@example.com", PASSWORD)

    refused(sixth, "too many attempts; retry after")
    seconds = int(re.search(r"retry after (\d+) s", sixth["message"]).group(1))  # type: ignore[union-attr]
    assert 14 * 60 < seconds <= 15 * 60


async def test_the_lock_is_per_email_and_counts_unknown_emails_alike(
    anonymous: AuthClient,
) -> None:
    await anonymous.sign_up("ada@example.com")
    for _ in range(5):
        await anonymous.log_in("nobody@example.com", WRONG)

    refused(await anonymous.log_in("NOBODY@example.com", WRONG), "too many attempts")
    assert (await anonymous.log_in("ada@example.com"))["__typename"] == "Session"


async def test_a_successful_log_in_starts_the_count_again(anonymous: AuthClient) -> None:
    await anonymous.sign_up("ada@example.com")
    for _ in range(4):
        await anonymous.log_in("ada@example.com", WRONG)

    assert (await anonymous.log_in("ada@example.com"))["__typename"] == "Session"

    for _ in range(4):
        refused(await anonymous.log_in("ada@example.com", WRONG), "wrong email or password")
    assert (await anonymous.log_in("ada@example.com"))["__typename"] == "Session"


async def test_a_burst_of_concurrent_guesses_gets_no_more_checks_than_the_limit(
    anonymous: AuthClient,
) -> None:
    await anonymous.sign_up("ada@example.com")

    results = await asyncio.gather(*(anonymous.log_in("ada@example.com", WRONG) for _ in range(12)))

    checked = [r for r in results if r["message"] == "wrong email or password"]
    locked = [r for r in results if r["message"].startswith("too many attempts")]
    assert 1 <= len(checked) <= 5
    assert len(checked) + len(locked) == 12


async def test_refused_attempts_are_not_counted(anonymous: AuthClient, engine: AsyncEngine) -> None:
    for _ in range(8):
        await anonymous.log_in("nobody@example.com", WRONG)

    assert await failures(engine) == {"nobody@example.com": 5}


async def test_attempts_older_than_the_window_do_not_count_and_are_pruned(
    anonymous: AuthClient, engine: AsyncEngine
) -> None:
    # given: five failures 16 minutes ago, for two emails
    await anonymous.sign_up("ada@example.com")
    old = datetime.now(UTC) - timedelta(minutes=16)
    async with engine.begin() as connection:
        for email in ("ada@example.com", "nobody@example.com"):
            rows = [{"email": email, "at": old, "lastchange": old}] * 5
            await connection.execute(insert(LoginFailure), rows)

    # when
    session = await anonymous.log_in("ada@example.com")

    # then: not locked; that email's rows are gone, the other's wait for its next attempt
    assert session["__typename"] == "Session"
    assert await failures(engine) == {"nobody@example.com": 5}


async def failures(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        counted = select(LoginFailure.email, func.count()).group_by(LoginFailure.email)
        return {email: count for email, count in (await connection.execute(counted)).all()}


async def test_changing_the_password_is_throttled_like_a_log_in(anonymous: AuthClient) -> None:
    session = await anonymous.session("ada@example.com")
    for _ in range(5):
        await anonymous.change_password(session["accessToken"], WRONG, "a new long passphrase")

    refused(await anonymous.log_in("ada@example.com"), "too many attempts")
    refused(
        await anonymous.change_password(session["accessToken"], PASSWORD, "a new long passphrase"),
        "too many attempts",
    )
