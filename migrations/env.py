"""Async alembic environment; reads the same DATABASE_URL as the server."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy.engine import Connection

from gql_server.database import create_engine
from gql_server.settings import Settings, normalize_database_url
from migrations.render import render_item
from models import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

# Tests hand in a changed copy of the models' metadata, as they hand in database_url.
target_metadata = config.attributes.get("target_metadata", Base.metadata)


def database_url() -> str:
    given = config.attributes.get("database_url")
    return normalize_database_url(given) if given else Settings.from_env().database_url


def configure(connection: Connection | None = None, url: str | None = None) -> None:
    """What autogenerate writes must run unchanged on both backends, whichever one it
    compared against: so column types are rendered as the database types (render.py),
    and table changes always as batch operations. SQLite can ALTER little more than
    ADD COLUMN, and a batch copies the table there instead; on PostgreSQL the same batch
    is the plain ALTERs. (New tables are `op.create_table` either way.)"""
    sqlite = connection is not None and connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=False,
        render_as_batch=True,
        render_item=render_item,
        on_version_apply=check_foreign_keys if sqlite else None,
    )


def run_migrations_offline() -> None:
    configure(url=database_url())
    with context.begin_transaction():
        context.run_migrations()


def run_sync(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # Our connections enforce SQLite's foreign keys (gql_server/database.py), and then
        # SQLite refuses a batch's DROP of a table other rows refer to: off while the
        # migrations run, as alembic's batch documentation asks, and checked after each
        # one instead. The pragma only changes outside a transaction; the connection is
        # closed when the migrations end.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def check_foreign_keys(
    ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]
) -> None:
    """Fail a migration that leaves a row referring to no row, before it commits."""
    assert ctx.connection is not None
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"{step} left broken foreign keys (table, rowid, parent, fk): {broken}")


async def run_migrations_online() -> None:
    engine = create_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_sync)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
