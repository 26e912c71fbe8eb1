"""Brute force: at most `max_failed_logins` password checks per email within the window.

Every attempt is recorded, and committed, BEFORE its password is checked; only then are
the email's other attempts in the window counted. Of any attempts running at once, the
one committed last sees all the others, so however many arrive together no more than
the limit are ever checked (counting first and recording after would let a burst of
concurrent guesses through). An attempt counts as failed until it succeeds; success
deletes the email's attempts. A refused attempt deletes its own row, so hammering a
locked email does not keep it locked. Unknown emails are counted like known ones: the
lock must not tell which emails have accounts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.auth_settings import AuthSettings
from loaders.statement_count import count_statement
from models import LoginFailure


def throttle_key(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class Attempt:
    """One recorded attempt: its row, and the email it counts against."""

    id: int
    email: str
    at: datetime


async def record_attempt(
    session: AsyncSession, email: str, now: datetime, settings: AuthSettings
) -> Attempt:
    """Prune the email's attempts older than the window, then record this one."""
    key, since = throttle_key(email), now - window(settings)
    count_statement()
    await session.execute(
        delete(LoginFailure).where(LoginFailure.email == key, LoginFailure.at <= since)
    )
    count_statement()
    row_id = await session.scalar(
        insert(LoginFailure).values(email=key, at=now, lastchange=now).returning(LoginFailure.id)
    )
    assert row_id is not None
    return Attempt(row_id, key, now)


async def retry_after(
    session: AsyncSession, attempt: Attempt, settings: AuthSettings
) -> int | None:
    """Seconds until `attempt` may be checked, or None when it may be checked now: the
    limit's worth of other attempts in the window locks the email until the oldest of
    them leaves it."""
    count_statement()
    blocking = await session.scalar(
        select(LoginFailure.at)
        .where(
            LoginFailure.email == attempt.email,
            LoginFailure.at > attempt.at - window(settings),
            LoginFailure.id != attempt.id,
        )
        .order_by(LoginFailure.at.desc(), LoginFailure.id.desc())
        .limit(1)
        .offset(settings.max_failed_logins - 1)
    )
    if blocking is None:
        return None
    seconds = (blocking + window(settings) - attempt.at).total_seconds()
    return max(1, math.ceil(seconds))


async def forget_attempt(session: AsyncSession, attempt: Attempt) -> None:
    """A refused attempt checked nothing: it does not count."""
    count_statement()
    await session.execute(delete(LoginFailure).where(LoginFailure.id == attempt.id))


async def clear_attempts(session: AsyncSession, email: str) -> None:
    """The right password was given: the email's count starts again."""
    count_statement()
    await session.execute(delete(LoginFailure).where(LoginFailure.email == throttle_key(email)))


def window(settings: AuthSettings) -> timedelta:
    return timedelta(seconds=settings.failed_login_window_seconds)
