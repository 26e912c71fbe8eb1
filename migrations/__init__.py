"""Alembic migrations; `alembic_config()` runs them from code (CLI, tests, bench)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    """A config for `database_url` that works without alembic.ini (installed package)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def empty_postgres_schema(database_url: str) -> None:
    """Drop and recreate PostgreSQL's `public` schema, so migrations start from nothing.
    For throwaway databases only: the tests' and the benchmark's."""

    async def empty() -> None:
        engine = create_async_engine(database_url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        finally:
            await engine.dispose()

    asyncio.run(empty())
