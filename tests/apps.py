"""Apps with non-default settings, served to an httpx client, counting their SQL; and
a POST to an app called in-process, with no client at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
from sqlalchemy import event
from starlette.applications import Starlette
from starlette.types import Message

from gql_server.http.app import create_app
from gql_server.settings import DatabaseLimits, ObservabilitySettings, QueryLimits, Settings
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
    observability: ObservabilitySettings | None = None,
    cors_origins: tuple[str, ...] = (),
    **limits: Any,
) -> AsyncIterator[Served]:
    settings = Settings(
        database_url=database_url,
        production=production,
        limits=replace(QueryLimits(), **limits),
        database=database or DatabaseLimits(),
        observability=observability or ObservabilitySettings(),
        cors_origins=cors_origins,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        counter = StatementCounter()
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", counter)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Served(app, http, counter)


async def post_in_process(
    app: Starlette, body: bytes, token: str | None = None
) -> tuple[int, bytes]:
    """POST `body` to /graphql by calling the ASGI app itself (with `token` as its bearer
    token, if given): the status and the body.

    No client and no transport: nothing but the app runs (its CPU alone is measured,
    and no object of a client's is left for the collector).
    """
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"in-process")]
        + ([(b"authorization", f"Bearer {token}".encode())] if token else []),
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent = [{"type": "http.request", "body": body, "more_body": False}]
    status: list[int] = []
    answer: list[bytes] = []

    async def receive() -> Message:
        return sent.pop() if sent else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body":
            answer.append(message.get("body", b""))

    await app(scope, receive, send)
    return status[0], b"".join(answer)
