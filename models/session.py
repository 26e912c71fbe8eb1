"""Refresh sessions: one row per refresh token ever issued, kept only as its SHA-256.

Tokens of one sign-in share a `family`: refreshing marks the presented row `rotated_at`
and adds the next one to the family, so a token presented twice is recognised as stolen
and the whole family is revoked (the OAuth 2.0 security BCP's reuse detection,
`gql_server/auth/sessions.py`). Not exposed: no client ever reads these rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId
from models.types import utc_timestamp


class UserSession(Base):
    __tablename__ = "sessions"

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Every token since one sign-in: revoked together.
    family: Mapped[str] = mapped_column(String(36), index=True)
    # Hex SHA-256 of the token: a copy of the table signs nobody in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(utc_timestamp())
    expires_at: Mapped[datetime] = mapped_column(utc_timestamp())
    # Exchanged for the next token of the family; presenting it again is a replay.
    rotated_at: Mapped[datetime | None] = mapped_column(utc_timestamp())
    # Signed out, replayed or the password changed: no token of the family is accepted.
    revoked_at: Mapped[datetime | None] = mapped_column(utc_timestamp())
