"""Failed log-ins per email, counted in the database so every instance sees every attempt
(`gql_server/auth/throttle.py`). Rows older than the throttling window are pruned as new
ones are recorded; a successful log-in deletes its email's rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import utc_timestamp


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_email_at", "email", "at"),)

    # In lower case: `Ada@Example.com` and `ada@example.com` share one count.
    email: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(utc_timestamp())
