"""Every loader one request may use, reached by model or by relationship, built on first use.

`loaders.by_id(Order)` reads orders by id; `loaders.children(Order.transactions)`
reads each order's transactions. Both are keyed by the model class or the mapped
relationship itself, never by a name, so a type checker (and the first import)
catches a wrong one, and a new model needs no loader code at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy.orm import InstrumentedAttribute, RelationshipDirection, RelationshipProperty

from loaders.fkey_loader import FkeyLoader
from loaders.id_loader import AnyRow, IdLoader, SessionMaker
from loaders.level_loader import BatchObserver, LevelLoader
from loaders.reads import PooledReads, Reads
from loaders.scoping import VIEWER_ID, Scope, own_row
from models import Access, Base, User, Viewer
from models.access import Action

M = TypeVar("M", bound=Base)
C = TypeVar("C", bound=Base)
# What a loader reads: a model by id, or a one-to-many relationship by parent id.
LoaderKey = type[Base] | RelationshipProperty[Any]
# Columns to read, by table name (a table not named: every column); hashable, so a
# query plan computes it once and requests find their narrowed loaders by it.
Projection = tuple[tuple[str, tuple[str, ...]], ...]


def one_to_many(relation: InstrumentedAttribute[Any] | RelationshipProperty[Any]) -> Any:
    """The relationship behind `relation`, refused unless parents have many children."""
    prop = relation if isinstance(relation, RelationshipProperty) else relation.property
    if not (
        isinstance(prop, RelationshipProperty) and prop.direction is RelationshipDirection.ONETOMANY
    ):
        raise TypeError(f"{relation} is not a one-to-many relationship")
    return prop


class Loaders:
    """One request's loaders. A point query needs one of them, so none is built
    (with its cache and batch queue) before it is used."""

    def __init__(
        self,
        session_maker: SessionMaker,
        reads: Reads | None = None,
        projection: Projection = (),
        observers: tuple[BatchObserver, ...] = (),
        viewer: Viewer | None = None,
    ) -> None:
        self.session_maker = session_maker
        self.observers = observers
        self.viewer = viewer
        self.scope = Scope(viewer)
        if reads is not None:
            self.reads = reads
        self._columns = dict(projection)
        self._by_id: dict[type[Base], IdLoader] = {}
        self._children: dict[RelationshipProperty[Any], FkeyLoader] = {}
        self._narrowed: dict[Projection, Loaders] = {}

    @cached_property
    def reads(self) -> Reads:
        """Where every loader of the request reads: by default a connection per batch."""
        return PooledReads(self.session_maker.kw["bind"])

    def by_id(self, model: type[M]) -> IdLoader:
        """Rows of `model` by id."""
        loader = self._by_id.get(model)
        if loader is None:
            columns = self._columns.get(model.__tablename__)
            loader = self._by_id[model] = IdLoader(
                self.session_maker, model, self.reads, columns, self.observers, self.scope
            )
        return loader

    def children(
        self, relation: InstrumentedAttribute[list[C]] | RelationshipProperty[Any]
    ) -> FkeyLoader:
        """The rows each parent has through the one-to-many `relation` (`User.orders`)."""
        prop = one_to_many(relation)
        loader = self._children.get(prop)
        if loader is None:
            (foreign_key,) = prop.remote_side
            child = self.by_id(prop.mapper.class_)
            name = f"{prop.parent.class_.__name__}.{prop.key}"
            loader = self._children[prop] = FkeyLoader(child, foreign_key.key, name)
        return loader

    def level(self, key: LoaderKey) -> LevelLoader[Any, Any]:
        """The loader of `key`, for code that loads whole levels (the query planner)."""
        if isinstance(key, RelationshipProperty):
            return self.children(key)
        return self.by_id(key)

    async def viewer_row(self) -> AnyRow | None:
        """The viewer's own `users` row, read whatever the role may read of other users
        (a service sees itself), by `users.id = :viewer_id`: none once it is deleted."""
        viewer = self.viewer
        if viewer is None or not viewer.signed_in:
            return None
        loader = self.by_id(User)
        rows = await self.reads.fetch(own_row(loader.columns), {VIEWER_ID: viewer.user_id})
        row = rows[0] if rows else None
        if row is not None and self.may(User):
            loader.prime(viewer.user_id, row)  # later reads of it in this request are free
        return row

    @cached_property
    def unscoped(self) -> Loaders:
        """Loaders of this request that see every row, for checks that must not depend on
        who asks, and whose answer reveals no row (a unique value is taken or free). They
        share this request's reads and have caches of their own."""
        if self.viewer is None:
            return self  # the server's own loaders see every row already
        return Loaders(self.session_maker, self.reads, observers=self.observers)

    def narrowed(self, projection: Projection) -> Loaders:
        """Loaders of this request that read only the columns of `projection`
        (from `projection_of`).

        They have caches of their own (a row missing columns never reaches a reader
        of whole rows), share this request's reads, and are released with it.
        """
        narrowed = self._narrowed.get(projection)
        if narrowed is None:
            narrowed = self._narrowed[projection] = Loaders(
                self.session_maker, self.reads, projection, self.observers, self.viewer
            )
        return narrowed

    def may(self, model: type[Base], action: Action = "read") -> bool:
        """The viewer's role may `action` some rows of `model` (which: the statement says)."""
        return self.scope.access(model, action) is not Access.NONE

    def built(self) -> list[LevelLoader[Any, Any]]:
        """The loaders this request has used so far, narrowed and unscoped ones included."""
        built: list[LevelLoader[Any, Any]] = [*self._by_id.values(), *self._children.values()]
        for narrowed in self._narrowed.values():
            built.extend(narrowed.built())
        if "unscoped" in vars(self) and self.unscoped is not self:
            built.extend(self.unscoped.built())
        return built

    def check_writable(self) -> None:
        """Refuse a write before it starts through loaders that read only some columns:
        the rows it returns would be primed into caches of partial rows."""
        if self._columns:
            raise TypeError("loaders reading only some columns never write")

    def written(self, model: type[Base], id: int, row: AnyRow | None) -> None:
        """A write of row `id` of `model` committed (`row` None: deleted): later loads in
        this request see it, and lists it may have joined or left are read again."""
        self.by_id(model).written(id, row)
        for prop, loader in self._children.items():
            if prop.mapper.class_ is model:
                loader.clear_all()
        for narrowed in self._narrowed.values():  # a batch's queries share the request's
            narrowed.clear_all()
        if "unscoped" in vars(self) and self.unscoped is not self:
            self.unscoped.clear_all()

    def clear_all(self) -> None:
        """Forget everything cached in this request (after a write lost a race)."""
        for loader in self.built():
            loader.clear_all()

    async def release(self) -> None:
        """The request is over: drop its caches and give back its read connection."""
        self.clear_all()
        await self.reads.release()


def projection_of(needs: Mapping[LoaderKey, Iterable[str]]) -> Projection:
    """The columns to read per table for the columns `needs` names by loader key,
    with the foreign key a to-many loader groups its rows by (loaders add `id`)."""
    by_table: dict[str, set[str]] = defaultdict(set)
    for key, columns in needs.items():
        if isinstance(key, RelationshipProperty):
            (foreign_key,) = one_to_many(key).remote_side
            wanted = by_table[foreign_key.table.name]
            wanted.add(foreign_key.key)
        else:
            wanted = by_table[key.__tablename__]
        wanted.update(columns)
    return tuple(sorted((table, tuple(sorted(names))) for table, names in by_table.items()))


def create_loaders(
    session_maker: SessionMaker,
    reads: Reads | None = None,
    observers: tuple[BatchObserver, ...] = (),
    viewer: Viewer | None = None,
) -> Loaders:
    """New loaders, and so a new empty cache, for each request; never share them.

    With `RequestReads`, the caller must `await loaders.release()` when the request ends.
    `observers` are told of every batch (metrics, traces). Every read is scoped to
    `viewer` (`loaders/scoping.py`); None: the server's own reads, unscoped.
    """
    return Loaders(session_maker, reads, observers=observers, viewer=viewer)
