"""Where a request's reads run: a pooled connection per batch, or one for the request.

Reads need no unit of work: no `AsyncSession` and no transaction (autocommit
saves the BEGIN and ROLLBACK round trips). Checking a connection out of the
pool, setting autocommit and checking it back in costs a fifth of a small query
(`python -m bench.read_path`), so the server gives each request one connection
for all its batches (`RequestReads`) and returns it when the request ends. Code
that cannot promise to end what it starts (scripts, tests) keeps the default, a
connection per batch (`PooledReads`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Executable, Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from loaders.reconnect import on_a_live_connection

AnyRow = Row[Any]
Parameters = Mapping[str, Any] | None


class Reads(Protocol):
    async def fetch(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]: ...

    async def release(self) -> None:
        """Give back whatever the reads hold; later reads start afresh."""


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


class RequestReads:
    """One pooled connection for every batch of one request, taken by the first and
    held until `release()`. Batches that run at the same time take turns on it.

    Each step runs SQLAlchemy's synchronous API in one greenlet, SQLAlchemy's own
    bridge to the async driver (`AsyncConnection` spawns one per call): the first
    batch checks out, sets autocommit and reads in one spawn instead of three.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine: Engine = engine.sync_engine
        self._connection: Connection | None = None
        self._turn = asyncio.Lock()

    async def fetch(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]:
        async with self._turn:
            return await on_a_live_connection(lambda: greenlet_spawn(self._read, stmt, parameters))

    async def release(self) -> None:
        async with self._turn:
            if self._connection is not None:
                await greenlet_spawn(self._close)

    def _read(self, stmt: Executable, parameters: Parameters) -> Sequence[AnyRow]:
        connection = self._connection or self._open()
        try:
            return connection.execute(stmt, parameters).all()
        except DBAPIError as error:
            if error.connection_invalidated:
                self._close()  # dead: the next attempt takes a fresh one
            raise

    def _open(self) -> Connection:
        connection = self.engine.connect()
        try:
            connection.execution_options(isolation_level="AUTOCOMMIT")
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
