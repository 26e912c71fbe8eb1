"""Apps with non-default settings, served to an httpx client, counting their SQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
from sqlalchemy import event
from starlette.applications import Starlette

from gql_server.app import create_app
from gql_server.settings import DatabaseLimits, QueryLimits, Settings
from tests.conftest import StatementCounter


@dataclass
class Served:
    app: Starlette
    http: httpx.AsyncClient
    sql: StatementCounter

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return await self.http.post("/graphql", json={"query": query, "variables": variables})


@asynccontextmanager
async def serving(
    database_url: str,
    *,
    production: bool = False,
    database: DatabaseLimits | None = None,
    **limits: Any,
) -> AsyncIterator[Served]:
    settings = Settings(
        database_url=database_url,
        production=production,
        limits=replace(QueryLimits(), **limits),
        database=database or DatabaseLimits(),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        counter = StatementCounter()
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", counter)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Served(app, http, counter)
