"""Every loader one request may use, each built the first time the request asks for it."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from aiodataloader import DataLoader

from loaders.fkey_loader import FkeyLoader, create_fkey_loader
from loaders.id_loader import IdLoader, SessionMaker, create_id_loader
from loaders.reads import PooledReads, Reads
from models import Address, Base, Order, Transaction, User


class Loaders:
    """One request's loaders. A point query needs one of them, so none is built
    (with its cache and batch queue) before it is used."""

    def __init__(self, session_maker: SessionMaker, reads: Reads | None = None) -> None:
        self.session_maker = session_maker
        if reads is not None:
            self.reads = reads

    @cached_property
    def reads(self) -> Reads:
        """Where every loader of the request reads: by default a connection per batch."""
        return PooledReads(self.session_maker.kw["bind"])

    @cached_property
    def user_by_id(self) -> IdLoader:
        return create_id_loader(self.session_maker, User, self.reads)

    @cached_property
    def address_by_id(self) -> IdLoader:
        return create_id_loader(self.session_maker, Address, self.reads)

    @cached_property
    def order_by_id(self) -> IdLoader:
        return create_id_loader(self.session_maker, Order, self.reads)

    @cached_property
    def transaction_by_id(self) -> IdLoader:
        return create_id_loader(self.session_maker, Transaction, self.reads)

    @cached_property
    def addresses_by_user_id(self) -> FkeyLoader:
        return create_fkey_loader(
            self.session_maker, Address, Address.user_id, id_loader=self.address_by_id
        )

    @cached_property
    def orders_by_user_id(self) -> FkeyLoader:
        return create_fkey_loader(
            self.session_maker, Order, Order.user_id, id_loader=self.order_by_id
        )

    @cached_property
    def transactions_by_order_id(self) -> FkeyLoader:
        return create_fkey_loader(
            self.session_maker, Transaction, Transaction.order_id, id_loader=self.transaction_by_id
        )

    def built(self) -> list[DataLoader[Any, Any]]:
        """The loaders this request has used so far."""
        return [value for value in vars(self).values() if isinstance(value, DataLoader)]

    def clear_all(self) -> None:
        """Forget everything cached in this request (after a write lost a race)."""
        for loader in self.built():
            loader.clear_all()

    async def release(self) -> None:
        """The request is over: drop its caches and give back its read connection."""
        self.clear_all()
        await self.reads.release()

    def by_model(self, model: type[Base]) -> IdLoader:
        """The id loader of `model` (generic code follows foreign keys with it)."""
        return self.by_table(model.__tablename__)

    def by_table(self, table_name: str) -> IdLoader:
        name = ID_LOADERS.get(table_name)
        if name is None:
            raise LookupError(f"no id loader for table {table_name!r}; add one to Loaders")
        loader: IdLoader = getattr(self, name)
        return loader


ID_LOADERS = {
    User.__tablename__: "user_by_id",
    Address.__tablename__: "address_by_id",
    Order.__tablename__: "order_by_id",
    Transaction.__tablename__: "transaction_by_id",
}


def create_loaders(session_maker: SessionMaker, reads: Reads | None = None) -> Loaders:
    """New loaders, and so a new empty cache, for each request; never share them.

    With `RequestReads`, the caller must `await loaders.release()` when the request ends.
    """
    return Loaders(session_maker, reads)
