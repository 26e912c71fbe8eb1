"""Every loader one request needs, built together in the request's context getter."""

from __future__ import annotations

from dataclasses import dataclass, fields

from loaders.fkey_loader import FkeyLoader, create_fkey_loader
from loaders.id_loader import IdLoader, SessionMaker, create_id_loader
from models import Address, Base, Order, Transaction, User


@dataclass(frozen=True)
class Loaders:
    user_by_id: IdLoader
    address_by_id: IdLoader
    order_by_id: IdLoader
    transaction_by_id: IdLoader
    addresses_by_user_id: FkeyLoader
    orders_by_user_id: FkeyLoader
    transactions_by_order_id: FkeyLoader

    def clear_all(self) -> None:
        """Forget everything cached in this request (after a write lost a race)."""
        for field in fields(self):
            getattr(self, field.name).clear_all()

    def by_model(self, model: type[Base]) -> IdLoader:
        """The id loader of `model` (generic code follows foreign keys with it)."""
        return self.by_table(model.__tablename__)

    def by_table(self, table_name: str) -> IdLoader:
        for field in fields(self):
            loader = getattr(self, field.name)
            if isinstance(loader, IdLoader) and loader.table.name == table_name:
                return loader
        raise LookupError(f"no id loader for table {table_name!r}; add one to Loaders")


def create_loaders(session_maker: SessionMaker) -> Loaders:
    """New loaders, and so a new empty cache, for each request; never share them."""
    users = create_id_loader(session_maker, User)
    addresses = create_id_loader(session_maker, Address)
    orders = create_id_loader(session_maker, Order)
    transactions = create_id_loader(session_maker, Transaction)
    return Loaders(
        user_by_id=users,
        address_by_id=addresses,
        order_by_id=orders,
        transaction_by_id=transactions,
        addresses_by_user_id=create_fkey_loader(
            session_maker, Address, Address.user_id, id_loader=addresses
        ),
        orders_by_user_id=create_fkey_loader(session_maker, Order, Order.user_id, id_loader=orders),
        transactions_by_order_id=create_fkey_loader(
            session_maker, Transaction, Transaction.order_id, id_loader=transactions
        ),
    )
