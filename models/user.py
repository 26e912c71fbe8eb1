"""Users of the exchange."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.access import Access, Grants
from models.base import Base
from models.enums import Role
from models.exposed import Exposed

if TYPE_CHECKING:
    from models.address import Address
    from models.order import Order


class User(Base):
    __tablename__ = "users"
    # SQLite would give a deleted user's id to the next user, and with it whatever the
    # deleted user's tokens may read; AUTOINCREMENT never reuses one (PostgreSQL never does).
    __table_args__ = {"sqlite_autoincrement": True}

    name: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="role", native_enum=False, create_constraint=True, length=16),
        default=Role.CUSTOMER,
        server_default=Role.CUSTOMER.name,
        doc="What the user may do; only operators set it.",
    )
    # Argon2id (gql_server/auth/passwords.py); null: the user signs in elsewhere (OIDC).
    password_hash: Mapped[str | None] = mapped_column(String(256))

    addresses: Mapped[list[Address]] = relationship(back_populates="user", lazy="raise")
    orders: Mapped[list[Order]] = relationship(back_populates="user", lazy="raise")


API = Exposed(
    User,
    filters=(User.email,),
    relations=(User.addresses, User.orders),
    sortable=(User.surname, User.email),
    hidden=(User.password_hash,),
    owner=User.id,
    grants={Role.CUSTOMER: Grants(read=Access.OWN, update=Access.OWN, fixed=(User.role,))},
)
