"""SQL statements per request, counted with SQLAlchemy engine events in-process.

The same app, documents and bearer tokens as under load, driven through HTTP (httpx's
ASGI transport) so that nothing but the request itself runs on the engine.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import event

from bench.identity import serving_settings
from bench.workloads import body_of, headers_of
from gql_server.http.app import create_app
from loaders.driver_reads import observe_reads


def count_statements(database_url: str, lines: dict[str, str]) -> dict[str, int]:
    """Statements one request of each named request line sends; checks it has no errors."""

    async def count() -> dict[str, int]:
        app = create_app(serving_settings(database_url))
        counts: dict[str, int] = {}
        async with app.router.lifespan_context(app):
            seen: list[str] = []

            def record(*args: Any) -> None:
                seen.append(args[2])

            event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
            observe_reads(app.state.engine.sync_engine, lambda sql, _: seen.append(sql))
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                for name, line in lines.items():
                    seen.clear()
                    response = await http.post(
                        "/graphql", json=body_of(line), headers=headers_of(line)
                    )
                    assert "errors" not in response.json(), response.text
                    counts[name] = len(seen)
        return counts

    return asyncio.run(count())
