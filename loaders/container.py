"""Every loader one request may use, each built the first time the request asks for it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from aiodataloader import DataLoader

from loaders.fkey_loader import FkeyLoader, create_fkey_loader
from loaders.id_loader import IdLoader, SessionMaker, create_id_loader
from loaders.reads import PooledReads, Reads
from models import Address, Base, Order, Transaction, User

# Columns to read, by table name (a table not named: every column); hashable, so a
# query plan computes it once and requests find their narrowed loaders by it.
Projection = tuple[tuple[str, tuple[str, ...]], ...]


class Loaders:
    """One request's loaders. A point query needs one of them, so none is built
    (with its cache and batch queue) before it is used."""

    def __init__(
        self,
        session_maker: SessionMaker,
        reads: Reads | None = None,
        projection: Projection = (),
    ) -> None:
        self.session_maker = session_maker
        if reads is not None:
            self.reads = reads
        self._columns = dict(projection)
        self._narrowed: dict[Projection, Loaders] = {}

    @cached_property
    def reads(self) -> Reads:
        """Where every loader of the request reads: by default a connection per batch."""
        return PooledReads(self.session_maker.kw["bind"])

    @cached_property
    def user_by_id(self) -> IdLoader:
        return self._id_loader(User)

    @cached_property
    def address_by_id(self) -> IdLoader:
        return self._id_loader(Address)

    @cached_property
    def order_by_id(self) -> IdLoader:
        return self._id_loader(Order)

    @cached_property
    def transaction_by_id(self) -> IdLoader:
        return self._id_loader(Transaction)

    @cached_property
    def addresses_by_user_id(self) -> FkeyLoader:
        return self._fkey_loader("addresses_by_user_id")

    @cached_property
    def orders_by_user_id(self) -> FkeyLoader:
        return self._fkey_loader("orders_by_user_id")

    @cached_property
    def transactions_by_order_id(self) -> FkeyLoader:
        return self._fkey_loader("transactions_by_order_id")

    def _id_loader(self, model: type[Base]) -> IdLoader:
        columns = self._columns.get(model.__tablename__)
        return create_id_loader(self.session_maker, model, self.reads, columns)

    def _fkey_loader(self, name: str) -> FkeyLoader:
        model, foreign_key = LOADED[name]
        assert foreign_key is not None, f"{name} is not a to-many loader"
        column = getattr(model, foreign_key)
        return create_fkey_loader(self.session_maker, model, column, id_loader=self.by_model(model))

    def narrowed(self, projection: Projection) -> Loaders:
        """Loaders of this request that read only the columns of `projection`
        (from `projection_of`).

        They have caches of their own (a row missing columns never reaches a reader
        of whole rows), share this request's reads, and are released with it.
        """
        narrowed = self._narrowed.get(projection)
        if narrowed is None:
            narrowed = self._narrowed[projection] = Loaders(
                self.session_maker, self.reads, projection
            )
        return narrowed

    def built(self) -> list[DataLoader[Any, Any]]:
        """The loaders this request has used so far, narrowed ones included."""
        built = [value for value in vars(self).values() if isinstance(value, DataLoader)]
        for narrowed in self._narrowed.values():
            built.extend(narrowed.built())
        return built

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


# Loader name -> (the model it reads, the foreign key it groups rows by, if any).
LOADED: dict[str, tuple[type[Base], str | None]] = {
    "user_by_id": (User, None),
    "address_by_id": (Address, None),
    "order_by_id": (Order, None),
    "transaction_by_id": (Transaction, None),
    "addresses_by_user_id": (Address, "user_id"),
    "orders_by_user_id": (Order, "user_id"),
    "transactions_by_order_id": (Transaction, "order_id"),
}


def projection_of(needs: Mapping[str, Iterable[str]]) -> Projection:
    """The columns to read per table for the columns `needs` names by loader name,
    with the foreign key a to-many loader groups its rows by (loaders add `id`)."""
    by_table: dict[str, set[str]] = defaultdict(set)
    for name, columns in needs.items():
        if name not in LOADED:
            raise LookupError(f"no loader named {name!r}; add it to LOADED")
        model, foreign_key = LOADED[name]
        wanted = by_table[model.__tablename__]
        wanted.update(columns)
        if foreign_key is not None:
            wanted.add(foreign_key)
    return tuple(sorted((table, tuple(sorted(names))) for table, names in by_table.items()))


ID_LOADERS = {model.__tablename__: name for name, (model, key) in LOADED.items() if key is None}


def create_loaders(session_maker: SessionMaker, reads: Reads | None = None) -> Loaders:
    """New loaders, and so a new empty cache, for each request; never share them.

    With `RequestReads`, the caller must `await loaders.release()` when the request ends.
    """
    return Loaders(session_maker, reads)
