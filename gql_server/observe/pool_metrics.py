"""The database pool as gauges: size, checked out, overflow and waiters.

Size, checked out and overflow are read from the pool after every request and
before every scrape (a sample: SQLAlchemy's `checkin` event fires before the
connection is back, so events would be off by one). Waiters are counted exactly:
SQLAlchemy exposes no waiter count, so the pool's `connect` is wrapped and every
caller inside it (waiting for a free connection, or for a new one to open) counts.
Pools other than a QueuePool (none is bounded) export nothing.
"""

from __future__ import annotations

from sqlalchemy import Engine, QueuePool
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection

from gql_server.observe.metric_families import Families


class PoolMetrics:
    def __init__(self, families: Families, kept: int) -> None:
        self.families = families
        # Read connections kept between requests come out of the engine's pool size and
        # into its overflow (gql_server/database.py): report the pool as configured.
        self.kept = kept
        self.engine: Engine | None = None
        self.last = (-1, -1)  # gauges are set only when a value changed: most requests none

    def bind(self, engine: AsyncEngine) -> None:
        """An engine hook: watch `engine`'s pool from now on."""
        pool = engine.sync_engine.pool
        if not isinstance(pool, QueuePool):
            return
        self.engine = engine.sync_engine
        if engine.dialect.name != "postgresql":
            self.kept = 0  # only PostgreSQL's pool is sized for them
        self.families.pool_size.set(pool.size() + self.kept)
        connect = pool.connect
        waiters = self.families.pool_waiters

        def connect_counting_waiters() -> PoolProxiedConnection:
            waiters.inc()
            try:
                return connect()
            finally:
                waiters.dec()

        # The engine asks `self.pool.connect()`: the instance's attribute wins.
        pool.connect = connect_counting_waiters  # type: ignore[method-assign]
        self.sample()

    def sample(self) -> None:
        if self.engine is None:
            return
        pool = self.engine.pool  # read each time: `dispose()` replaces it
        if not isinstance(pool, QueuePool):
            return
        checked_out, overflow = pool.checkedout(), max(pool.overflow() - self.kept, 0)
        if (checked_out, overflow) != self.last:
            self.last = checked_out, overflow
            self.families.pool_checked_out.set(checked_out)
            self.families.pool_overflow.set(overflow)
