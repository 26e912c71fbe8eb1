"""Configuration, read once from the environment into a typed object."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./mwallet.db"


def normalize_database_url(url: str) -> str:
    """Accept the usual `postgresql://` and `sqlite:///` forms; use the async drivers."""
    for plain, async_form in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return async_form + url[len(plain) :]
    return url


def switch(value: str) -> bool:
    return value.strip().lower() not in {"0", "off", "false", "no"}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    graphiql: bool = True
    planner: bool = True
    operations_allowlist: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=normalize_database_url(env.get("DATABASE_URL", DEFAULT_DATABASE_URL)),
            host=env.get("MWALLET_HOST", cls.host),
            port=int(env.get("MWALLET_PORT", str(cls.port))),
            log_level=env.get("MWALLET_LOG_LEVEL", cls.log_level).lower(),
            graphiql=switch(env.get("MWALLET_GRAPHIQL", "on")),
            planner=switch(env.get("MWALLET_PLANNER", "on")),
            operations_allowlist=switch(env.get("MWALLET_OPERATIONS_ALLOWLIST", "off")),
        )
