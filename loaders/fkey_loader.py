"""To-many children by parent id: all parents asked for in one tick, ONE statement."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from loaders.id_loader import KEYS, AnyRow, IdLoader, column_of, rows_by_ids
from loaders.level_loader import LevelLoader


class FkeyLoader(LevelLoader[int, list[AnyRow]]):
    """Children of each parent, ordered by id (`[]` for a parent with none).

    Children are primed into their id loader, so a later `load(child_id)` costs
    nothing. A write of a child clears this cache (`Loaders.written`), since the
    write may have added, moved or removed a child.
    """

    def __init__(self, children: IdLoader, foreign_key: str, name: str = "") -> None:
        super().__init__(name, children.observers)
        self.children = children
        self.column = children.table.c[foreign_key]
        # The children are the id loader's rows: the same columns, primed into it.
        self.parent_of = column_of(children.columns, foreign_key)
        self.statement = rows_by_ids(
            children.table, self.column, children.dialect, children.columns, children.scope.key
        )

    async def load_batch(self, keys: list[int]) -> list[list[AnyRow]]:
        """Load the children of every parent asked for in this tick with one statement."""
        rows = await self.children.fetch(self.statement, {KEYS: keys})
        by_parent: dict[Any, list[AnyRow]] = defaultdict(list)
        parent_of = self.parent_of
        for row in self.children.prime_rows(rows):
            by_parent[parent_of(row)].append(row)
        return [by_parent.get(key, []) for key in keys]
