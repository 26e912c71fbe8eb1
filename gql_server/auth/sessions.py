"""Refresh tokens: random, opaque, stored only as their SHA-256, rotated on every use.

`rotate` exchanges a token for the next one of its family in ONE conditional
`UPDATE ... WHERE token_hash = :h AND rotated_at IS NULL AND revoked_at IS NULL AND
expires_at > :now RETURNING ...`: of two refreshes racing with the same token, the
database lets exactly one match. A token that matches nothing is read once more to say
why; one already rotated or revoked was presented twice, which only a thief or a
client that lost track can do, and that revokes its whole family (the OAuth 2.0
security BCP). Every function runs inside the caller's transaction.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.auth_settings import AuthSettings
from loaders.statement_count import count_statement
from models import UserSession

TOKEN_BYTES = 32


class Refused(enum.Enum):
    """Why a refresh token was not exchanged."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REUSED = "reused"


@dataclass(frozen=True)
class Rotated:
    user_id: int
    family: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start(
    session: AsyncSession,
    user_id: int,
    now: datetime,
    settings: AuthSettings,
    family: str | None = None,
) -> str:
    """A new refresh token for `user_id`, in `family` or in a new one (a new sign-in)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    count_statement()
    await session.execute(
        insert(UserSession).values(
            lastchange=now,
            user_id=user_id,
            family=family or str(uuid.uuid4()),
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.refresh_token_seconds),
        )
    )
    return token


async def rotate(session: AsyncSession, token: str, now: datetime) -> Rotated | Refused:
    """Mark `token` used and say whose it is, or why not (a replay revokes its family)."""
    hashed = token_hash(token)
    count_statement()
    used = (
        await session.execute(
            update(UserSession)
            .where(
                UserSession.token_hash == hashed,
                UserSession.rotated_at.is_(None),
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > now,
            )
            .values(rotated_at=now, lastchange=now)
            .returning(UserSession.user_id, UserSession.family)
        )
    ).one_or_none()
    if used is not None:
        return Rotated(used.user_id, used.family)
    count_statement()
    found = (
        await session.execute(
            select(UserSession.family, UserSession.rotated_at, UserSession.revoked_at).where(
                UserSession.token_hash == hashed
            )
        )
    ).one_or_none()
    if found is None:
        return Refused.UNKNOWN
    if found.rotated_at is None and found.revoked_at is None:
        return Refused.EXPIRED
    await revoke_family(session, found.family, now)
    return Refused.REUSED


async def family_of(session: AsyncSession, token: str) -> str | None:
    count_statement()
    family: str | None = await session.scalar(
        select(UserSession.family).where(UserSession.token_hash == token_hash(token))
    )
    return family


async def revoke_family(session: AsyncSession, family: str, now: datetime) -> None:
    count_statement()
    await session.execute(
        update(UserSession)
        .where(UserSession.family == family, UserSession.revoked_at.is_(None))
        .values(revoked_at=now, lastchange=now)
    )


async def revoke_all(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Every session of `user_id` ends (a changed password)."""
    count_statement()
    await session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now, lastchange=now)
    )
