"""GraphQL documents registered under their SHA-256 (persisted operations).

Kept in the database, not in process memory, so every instance of the server
knows every registered operation.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class PersistedOperation(Base):
    __tablename__ = "persisted_operations"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    document: Mapped[str] = mapped_column(Text)
