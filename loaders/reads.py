"""Where reads run: a pooled connection per batch, or one per request, kept open after it.

Reads need no unit of work: no `AsyncSession` and no transaction (autocommit
saves the BEGIN and ROLLBACK round trips). The server gives each request one
connection for all its batches (`RequestReads`). Checking a connection out of the
pool, switching it to autocommit, SQLAlchemy's begin and rollback around its
first statement and the pool's reset when it goes back cost about 50 µs, a fifth
of a point read's whole request (`python -m bench.read_path`), so a connection a
request gives back healthy stays open, in autocommit, for the next request
(`KeptConnections`). Code that cannot promise to end what it starts (scripts,
tests) keeps the default, a connection per batch (`PooledReads`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Executable, QueuePool, Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from loaders.driver_reads import fetch_on_driver
from loaders.reconnect import on_a_live_connection
from loaders.statement_count import count_statement

AnyRow = Row[Any]
Parameters = Mapping[str, Any] | None


class Reads(Protocol):
    async def fetch(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]: ...

    async def release(self) -> None:
        """Give back whatever the reads hold; later reads start afresh."""

    async def before_write(self) -> None:
        """A write is about to take a connection from the pool: leave one there for it."""


class PooledReads:
    """Each batch checks a pooled connection out and back in: nothing to release."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def fetch(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]:
        reads = RequestReads(self.engine)  # a "request" of one batch
        try:
            return await reads.fetch(stmt, parameters)
        finally:
            await reads.release()

    async def release(self) -> None:
        return None

    async def before_write(self) -> None:
        return None  # holds none


class KeptConnections:
    """Read connections in autocommit, open between requests: at most `limit` wait here.

    Kept connections count as checked out of the pool, so the server keeps half of
    it at most (`half_the_pool`): the rest serves writes and bursts. After a dead
    connection every kept one is let go too (the database may have restarted), as
    SQLAlchemy's pool does with the connections it holds.
    """

    def __init__(self, engine: AsyncEngine, limit: int) -> None:
        self.engine: Engine = engine.sync_engine
        self.limit = limit
        self._idle: list[Connection] = []
        self._closed = False

    @property
    def waiting(self) -> int:
        return len(self._idle)

    def take(self) -> Connection:
        """A kept connection, or a new one from the pool in autocommit (in a greenlet)."""
        if self._idle:
            return self._idle.pop()
        connection = self.engine.connect()
        try:
            connection.execution_options(isolation_level="AUTOCOMMIT")
        except BaseException:
            connection.close()
            raise
        return connection

    def keep(self, connection: Connection) -> bool:
        """Keep `connection` for the next request if there is room and it is sound
        (SQLAlchemy invalidates one whose statement was cut short); False: the caller
        closes it."""
        if self._closed or len(self._idle) >= self.limit or connection.invalidated:
            return False
        self._idle.append(connection)
        return True

    def let_go(self, count: int | None = None) -> None:
        """Return `count` kept connections to the pool, or all (in a greenlet)."""
        for _ in range(len(self._idle) if count is None else min(count, len(self._idle))):
            self._idle.pop().close()

    async def close(self) -> None:
        """At shutdown: return them all and keep no more."""
        self._closed = True
        await greenlet_spawn(self.let_go)


def half_the_pool(engine: AsyncEngine) -> int:
    """How many read connections the server keeps open: half its pool's size."""
    pool = engine.sync_engine.pool
    return pool.size() // 2 if isinstance(pool, QueuePool) else 0


class RequestReads:
    """One connection for every batch of one request, taken by the first and held
    until `release()`; batches that run at the same time take turns on it. It comes
    from `kept` and goes back there (to the pool if `kept` is full or it was
    invalidated).

    Each step runs SQLAlchemy's synchronous API in one greenlet, SQLAlchemy's own
    bridge to the async driver (`AsyncConnection` spawns one per call): taking a
    connection and the first read share one. On PostgreSQL the reads themselves run
    on asyncpg (`loaders/driver_reads.py`); the greenlet only takes the connection.
    """

    def __init__(self, engine: AsyncEngine, kept: KeptConnections | None = None) -> None:
        self.kept = kept or KeptConnections(engine, limit=0)
        self.on_driver = engine.dialect.driver == "asyncpg"
        self._connection: Connection | None = None
        self._turn = asyncio.Lock()

    async def fetch(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]:
        async with self._turn:
            if self.on_driver:
                return await on_a_live_connection(lambda: self._read_on_driver(stmt, parameters))
            return await on_a_live_connection(lambda: greenlet_spawn(self._read, stmt, parameters))

    async def release(self) -> None:
        async with self._turn:
            connection, self._connection = self._connection, None
            if connection is not None and not self.kept.keep(connection):
                await greenlet_spawn(connection.close)

    async def before_write(self) -> None:
        """Give this request's connection back to the pool, or else a kept one, so
        connections kept idle for reads never take the place in the pool a write needs."""
        async with self._turn:
            connection, self._connection = self._connection, None
            if connection is not None:
                await greenlet_spawn(connection.close)
            elif self.kept.waiting:
                await greenlet_spawn(self.kept.let_go, 1)

    def _take(self) -> Connection:
        connection = self._connection
        if connection is None:
            connection = self._connection = self.kept.take()
        return connection

    def _read(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]:
        connection = self._take()
        count_statement()
        try:
            return connection.execute(stmt, parameters).all()
        except DBAPIError as error:
            if error.connection_invalidated:
                self._forget(connection)
            raise

    async def _read_on_driver(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]:
        connection = self._connection
        if connection is None:
            connection = await greenlet_spawn(self._take)
        count_statement()
        try:
            return await fetch_on_driver(connection, stmt, parameters)
        except DBAPIError as error:
            if error.connection_invalidated:
                await greenlet_spawn(self._forget, connection)
            raise

    def _forget(self, connection: Connection) -> None:
        """`connection` is dead: the next attempt takes a fresh one (in a greenlet)."""
        self._connection = None
        connection.close()
        self.kept.let_go()  # they may be as dead
