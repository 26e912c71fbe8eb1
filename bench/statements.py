"""SQL statements per request, counted with SQLAlchemy engine events in-process.

The same app and documents as under load, driven through HTTP (httpx's ASGI
transport) so that nothing but the request itself runs on the engine.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from sqlalchemy import event

from bench.identity import AUTH
from gql_server.http.app import create_app
from gql_server.settings import Settings


def body_of(line: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(line.split("\t", 2)[2])
    return result


def count_statements(database_url: str, lines: dict[str, str], token: str) -> dict[str, int]:
    """Statements one request of each named request line sends, signed in with `token`;
    checks it has no errors."""

    async def count() -> dict[str, int]:
        app = create_app(Settings(database_url=database_url, auth=AUTH))
        counts: dict[str, int] = {}
        async with app.router.lifespan_context(app):
            seen: list[str] = []

            def record(*args: Any) -> None:
                seen.append(args[2])

            event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
            transport = httpx.ASGITransport(app=app)
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(
                transport=transport, base_url="http://bench", headers=headers
            ) as http:
                for name, line in lines.items():
                    seen.clear()
                    response = await http.post("/graphql", json=body_of(line))
                    assert "errors" not in response.json(), response.text
                    counts[name] = len(seen)
        return counts

    return asyncio.run(count())
