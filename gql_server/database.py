"""Engine and session factory, shared by the server, the CLI and the migrations."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from gql_server import json_codec
from gql_server.settings import DatabaseLimits


def create_engine(database_url: str, limits: DatabaseLimits | None = None) -> AsyncEngine:
    """An engine that never logs bound parameters and enforces SQLite foreign keys.

    On PostgreSQL the pool is bounded (a full pool fails fast instead of queueing
    forever) and every connection carries `statement_timeout` and `lock_timeout`.
    """
    options: dict[str, Any] = {
        "hide_parameters": True,
        "pool_pre_ping": False,  # dead connections are replaced on failure (loaders/reconnect.py)
        "json_serializer": dump_json,
        "json_deserializer": json_codec.loads,
    }
    if limits is not None and database_url.startswith("postgresql"):
        kept = kept_for_reads(limits)
        options.update(
            # The read connections kept open between requests are checked out of the
            # pool, so the pool keeps that many fewer idle: an idle worker holds at most
            # `pool_size` connections in all, and a busy one still pool + overflow.
            pool_size=limits.pool_size - kept,
            max_overflow=limits.max_overflow + kept if limits.max_overflow >= 0 else -1,
            pool_timeout=limits.pool_timeout_seconds,
            connect_args={"server_settings": server_timeouts(limits)},
        )
    engine = create_async_engine(database_url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _enable_sqlite_foreign_keys)
        # aiosqlite logs every statement with its bound values at DEBUG: never let
        # MWALLET_LOG_LEVEL=debug put SQL or secrets into the logs.
        logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    return engine


def kept_for_reads(limits: DatabaseLimits) -> int:
    """Read connections a worker keeps open between requests: half its pool."""
    return limits.pool_size // 2


def dump_json(value: Any) -> str:
    """JSON columns are written by the server's one encoder."""
    return json_codec.dumps(value).decode()


def server_timeouts(limits: DatabaseLimits) -> dict[str, str]:
    return {
        "statement_timeout": str(limits.statement_timeout_ms),
        "lock_timeout": str(limits.lock_timeout_ms),
    }


def create_session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()
