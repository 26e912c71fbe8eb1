"""Blockchain transactions that settle an order."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

if TYPE_CHECKING:
    from models.order import Order


def new_tranx_ref() -> str:
    """A unique reference for a transaction whose creator gave none."""
    return f"tx-{secrets.token_hex(16)}"


class Transaction(Base):
    __tablename__ = "transactions"
    __table_args__ = (CheckConstraint("confirmations >= 0", name="confirmations_not_negative"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    tranx_ref: Mapped[str] = mapped_column(String(256), unique=True, default=new_tranx_ref)
    tranx_id: Mapped[str] = mapped_column(String(256))
    inputs: Mapped[str | None] = mapped_column(Text)
    outputs: Mapped[str | None] = mapped_column(Text)
    confirmations: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    pubkey: Mapped[bytes | None] = mapped_column(LargeBinary)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    order: Mapped[Order] = relationship(back_populates="transactions", lazy="raise")
