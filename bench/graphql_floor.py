"""The GraphQL floor: our Strawberry schema executing a workload over rows already in memory.

No database, no HTTP: the loaders are replaced by in-memory DataLoaders that hand
out the same SQLAlchemy rows the real loaders would (a customer's: only its own).
What our server spends above this floor is what its loaders, sessions and HTTP layer
cost.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections import defaultdict
from typing import Any

from aiodataloader import DataLoader
from sqlalchemy import select

from gql_server.database import create_engine
from gql_server.schema.build import create_schema
from gql_server.schema.context import Context
from gql_server.settings import Settings
from loaders import AnyRow, Loaders
from loaders.container import one_to_many
from models import Address, Base, Order, Transaction, User

RUNS = 30

# The floor is Strawberry's own execution, field by field: the planned path is ours.
FIELD_BY_FIELD = create_schema(Settings(planner=False))


class RowsById(DataLoader[int, AnyRow | None]):
    def __init__(self, rows: list[AnyRow], by_id: dict[int, AnyRow]) -> None:
        super().__init__()
        self.rows = rows
        self.by_id = by_id

    async def batch_load_fn(self, keys: list[int]) -> list[AnyRow | None]:
        return [self.by_id.get(key) for key in keys]

    async def page(self, skip: int, limit: int, **filters: Any) -> list[AnyRow]:
        assert not filters, "the workloads page without filters"
        return self.rows[skip : skip + limit]


class RowsByParent(DataLoader[int, list[AnyRow]]):
    def __init__(self, by_parent: dict[int, list[AnyRow]]) -> None:
        super().__init__()
        self.by_parent = by_parent

    async def batch_load_fn(self, keys: list[int]) -> list[list[AnyRow]]:
        return [self.by_parent.get(key, []) for key in keys]


class InMemoryLoaders(Loaders):
    """`Loaders` with every loader given (over rows in memory), so none reads the database."""

    def __init__(self, by_id: dict[type[Base], Any], children: dict[Any, Any]) -> None:
        super().__init__(session_maker=None)  # type: ignore[arg-type]  # no loader reads
        self.memory_by_id = by_id
        self.memory_children = children

    def by_id(self, model: type[Any]) -> Any:
        return self.memory_by_id[model]

    def children(self, relation: Any) -> Any:
        return self.memory_children[one_to_many(relation)]


def grouped(rows: list[AnyRow], parent: str) -> dict[int, list[AnyRow]]:
    by_parent: dict[int, list[AnyRow]] = defaultdict(list)
    for row in rows:
        by_parent[getattr(row, parent)].append(row)
    return by_parent


class Tables:
    """Every row of the four tables, loaded once, ordered by id."""

    def __init__(self, rows: dict[type[Base], list[AnyRow]]) -> None:
        self.rows = rows
        self.by_id = {model: {row.id: row for row in rows[model]} for model in rows}
        self.addresses = grouped(rows[Address], "user_id")
        self.orders = grouped(rows[Order], "user_id")
        self.transactions = grouped(rows[Transaction], "order_id")

    @classmethod
    async def load(cls, database_url: str) -> Tables:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                rows: dict[type[Base], list[AnyRow]] = {}
                for model in (User, Address, Order, Transaction):
                    table = model.__table__
                    result = await connection.execute(select(table).order_by(table.c.id))
                    rows[model] = list(result.all())
        finally:
            await engine.dispose()
        return cls(rows)

    def owned_by(self, user_id: int) -> Tables:
        """Only `user_id`'s rows: what the loaders read for that customer."""
        orders = [row for row in self.rows[Order] if row.user_id == user_id]
        order_ids = {row.id for row in orders}
        return Tables(
            {
                User: [row for row in self.rows[User] if row.id == user_id],
                Address: [row for row in self.rows[Address] if row.user_id == user_id],
                Order: orders,
                Transaction: [row for row in self.rows[Transaction] if row.order_id in order_ids],
            }
        )

    def loaders(self) -> Loaders:
        """Fresh in-memory loaders, as each request gets fresh real ones."""
        by_id = {model: RowsById(self.rows[model], self.by_id[model]) for model in self.rows}
        children = {
            one_to_many(User.addresses): RowsByParent(self.addresses),
            one_to_many(User.orders): RowsByParent(self.orders),
            one_to_many(Order.transactions): RowsByParent(self.transactions),
        }
        return InMemoryLoaders(by_id, children)


async def execute(tables: Tables, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    context = Context(request=None, loaders=tables.loaders())
    result = await FIELD_BY_FIELD.execute(
        document, variable_values=variables, context_value=context
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def median_cpu_ms(
    tables: Tables, document: str, variables: dict[str, Any], runs: int = RUNS
) -> float:
    """Median CPU time of one execution, after one warm-up execution."""
    await execute(tables, document, variables)
    samples = []
    for _ in range(runs):
        started = time.process_time()
        await execute(tables, document, variables)
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def floor_ms(
    database_url: str, cases: dict[str, tuple[str, dict[str, Any]]], owner: int | None = None
) -> dict[str, float]:
    """Median CPU ms per execution of each named (document, variables) case, over every
    row or, for a customer, over `owner`'s rows alone."""

    async def measure() -> dict[str, float]:
        tables = await Tables.load(database_url)
        if owner is not None:
            tables = tables.owned_by(owner)
        gc.collect()
        gc.freeze()  # 56,000 rows held for the whole run: keep the collector off them
        return {
            name: await median_cpu_ms(tables, document, variables)
            for name, (document, variables) in cases.items()
        }

    return asyncio.run(measure())
