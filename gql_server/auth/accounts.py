"""What every sign-in flow shares: where it writes, how it finds the user, and the
session it opens.

Each flow is a few short transactions through the request's loaders (`in_transaction`:
the request's read connection goes back first, a dead connection is retried before
COMMIT), and states its refusals as `AuthRefused`, whose message is safe to show: it
never says whether an email has an account, and never repeats a password or a token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.auth import sessions
from gql_server.auth.tokens import AccessTokens, IssuedToken
from gql_server.auth_settings import AuthSettings
from gql_server.domain.store import in_transaction
from loaders import AnyRow, Loaders
from loaders.statement_count import count_statement
from models import User

T = TypeVar("T")
USERS: Table = User.__table__  # type: ignore[assignment]


class AuthRefused(Exception):
    """Credentials or a refresh token were not accepted; the message is for the client,
    the reason (`bad_credentials`, `throttled`, `refresh_refused`) for the metrics."""

    def __init__(self, message: str, reason: str = "bad_credentials") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class SignedIn:
    """A session: a short-lived access token, the refresh token that renews it, and whose."""

    access: IssuedToken
    refresh_token: str
    user: AnyRow


@dataclass(frozen=True)
class Identity:
    """The request's loaders (where flows read and write) and the app's access tokens."""

    loaders: Loaders
    tokens: AccessTokens

    @property
    def settings(self) -> AuthSettings:
        return self.tokens.settings

    async def transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        return await in_transaction(self.loaders, work)


async def user_by_email(session: AsyncSession, email: str) -> AnyRow | None:
    """The user signing in as `email`: stored as typed, else in lower case (how `signUp`
    stores it), so `Ada@Example.com` finds the account made as `ada@example.com`."""
    given = email.strip()
    count_statement()
    rows = (
        await session.execute(
            select(USERS).where(USERS.c.email.in_(sorted({given, given.lower()})))
        )
    ).all()
    return next((row for row in rows if row.email == given), rows[0] if rows else None)


async def user_by_id(session: AsyncSession, user_id: int) -> AnyRow | None:
    count_statement()
    return (await session.execute(select(USERS).where(USERS.c.id == user_id))).one_or_none()


async def open_session(
    session: AsyncSession,
    identity: Identity,
    user: AnyRow,
    now: datetime,
    family: str | None = None,
) -> SignedIn:
    """A refresh token in `family` (None: a new sign-in) and an access token with the
    role the user has now."""
    refresh_token = await sessions.start(session, user.id, now, identity.settings, family)
    return SignedIn(identity.tokens.issue(user.id, user.role), refresh_token, user)
