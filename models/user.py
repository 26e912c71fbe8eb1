"""Users of the exchange."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.exposed import Exposed

if TYPE_CHECKING:
    from models.address import Address
    from models.order import Order


class User(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)

    addresses: Mapped[list[Address]] = relationship(back_populates="user", lazy="raise")
    orders: Mapped[list[Order]] = relationship(back_populates="user", lazy="raise")


API = Exposed(User, filters=(User.email,), relations=(User.addresses, User.orders))
