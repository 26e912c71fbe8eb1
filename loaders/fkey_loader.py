"""To-many children by parent id: all parents asked for in one tick, ONE statement."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from loaders.id_loader import KEYS, AnyRow, IdLoader, SessionMaker, column_of, rows_by_ids
from loaders.level_loader import LevelLoader
from models import Base


class FkeyLoader(LevelLoader[int, list[AnyRow]]):
    """Children of each parent, ordered by id (`[]` for a parent with none).

    Children are primed into their id loader, so a later `load(child_id)`
    costs nothing. Any write through that id loader drops this cache, since
    the write may have added, moved or removed a child.
    """

    def __init__(
        self,
        session_maker: SessionMaker,
        model: type[Base],
        foreign_key: InstrumentedAttribute[int],
        id_loader: IdLoader,
    ) -> None:
        super().__init__()
        table = model.__table__
        self.session_maker = session_maker
        self.column = table.c[foreign_key.key]
        self.id_loader = id_loader
        # The children are the id loader's rows: the same columns, primed into it.
        self.parent_of = column_of(id_loader.columns, self.column.key)
        self.statement = rows_by_ids(table, self.column, id_loader.dialect, id_loader.columns)
        id_loader.on_write(self.clear_all)

    async def batch_load_fn(self, keys: list[int]) -> list[list[AnyRow]]:
        """Load the children of every parent asked for in this tick with one statement."""
        rows = await self.id_loader.fetch(self.statement, {KEYS: keys})
        by_parent: dict[Any, list[AnyRow]] = defaultdict(list)
        parent_of = self.parent_of
        for row in self.id_loader.prime_rows(rows):
            by_parent[parent_of(row)].append(row)
        return [by_parent.get(key, []) for key in keys]


def create_fkey_loader(
    session_maker: SessionMaker,
    model: type[Base],
    foreign_key: InstrumentedAttribute[int],
    *,
    id_loader: IdLoader,
) -> FkeyLoader:
    """A fresh to-many loader for one request, priming children into `id_loader`."""
    return FkeyLoader(session_maker, model, foreign_key, id_loader)
