"""Blockchain addresses a user holds, at most one default per network."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.access import OWN_ROWS
from models.base import Base
from models.enums import Role
from models.exposed import Exposed
from models.types import Money

if TYPE_CHECKING:
    from models.user import User


class Address(Base):
    __tablename__ = "addresses"
    __table_args__ = (
        CheckConstraint("address_balance >= 0", name="address_balance_not_negative"),
        Index(
            "uq_addresses_one_default_per_network",
            "user_id",
            "network",
            unique=True,
            postgresql_where=text("is_default"),
            sqlite_where=text("is_default"),
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    address: Mapped[str] = mapped_column(String(64))
    network: Mapped[str] = mapped_column(String(32))
    is_default: Mapped[bool] = mapped_column(default=False, server_default=false())
    address_balance: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), server_default="0"
    )
    label: Mapped[str | None] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(Text)
    account_number: Mapped[str | None] = mapped_column(String(64))
    # Write-only secret: no GraphQL type has a field for it.
    account_key: Mapped[bytes | None] = mapped_column(LargeBinary)

    user: Mapped[User] = relationship(back_populates="addresses", lazy="raise")


API = Exposed(
    Address,
    plural="addresses",
    filters=(Address.user_id, Address.network, Address.is_default),
    relations=(Address.user,),
    sortable=(Address.address_balance, Address.network),
    write_only=(Address.account_key,),
    owner=Address.user_id,
    grants={Role.CUSTOMER: OWN_ROWS},
)
