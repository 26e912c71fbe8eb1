"""Buy and sell orders placed by users."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.access import OWN_ROWS, Access, Grants
from models.base import Base
from models.enums import AssetType, OrderType, Role
from models.exposed import Exposed

if TYPE_CHECKING:
    from models.transaction import Transaction
    from models.user import User


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(
            "expected_end IS NULL OR expected_end >= start", name="expected_end_after_start"
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    order_type: Mapped[OrderType] = mapped_column(
        Enum(OrderType, name="order_type", native_enum=False, create_constraint=True, length=16),
        default=OrderType.OPEN,
        server_default=OrderType.OPEN.name,
    )
    asset: Mapped[AssetType] = mapped_column(
        Enum(AssetType, name="asset_type", native_enum=False, create_constraint=True, length=16),
        default=AssetType.BITCOIN,
        server_default=AssetType.BITCOIN.name,
    )
    start: Mapped[float] = mapped_column(Float)
    expected_end: Mapped[float | None] = mapped_column(Float)
    memo: Mapped[str | None] = mapped_column(String(128))

    user: Mapped[User] = relationship(back_populates="orders", lazy="raise")
    transactions: Mapped[list[Transaction]] = relationship(back_populates="order", lazy="raise")


API = Exposed(
    Order,
    filters=(Order.user_id, Order.order_type, Order.asset),
    relations=(Order.user, Order.transactions),
    sortable=(Order.start, Order.expected_end, Order.asset, Order.order_type),
    owner=Order.user_id,
    grants={Role.CUSTOMER: OWN_ROWS, Role.SERVICE: Grants(read=Access.ALL)},
)
