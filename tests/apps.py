"""Apps with non-default settings, served to an httpx client signed in as the suite's
operator, counting their SQL; and a POST to an app called in-process, with no client at all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
from sqlalchemy import event
from starlette.applications import Starlette
from starlette.types import Message

from gql_server.auth_settings import AuthSettings
from gql_server.http.app import create_app
from gql_server.settings import DatabaseLimits, ObservabilitySettings, QueryLimits, Settings
from loaders.driver_reads import observe_reads
from tests.conftest import (
    SUITE_JWT_SECRET,
    StatementCounter,
    add_operator,
    as_read_observer,
    bearer,
    operator_token_of,
    remove_operator,
    suite_settings,
)


class Bearer(httpx.Auth):
    """Sends `token` with every request to /graphql that does not carry a token of its
    own (/metrics has a token of its own)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if request.url.path == "/graphql" and "authorization" not in request.headers:
            request.headers["authorization"] = f"Bearer {self.token}"
        yield request


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
    operator: bool = True,
    **limits: Any,
) -> AsyncIterator[Served]:
    """The app, and a client that acts as the suite's operator. With `operator`, the
    operator's row is added first (unless the test has it already) and removed after;
    without it (a database that is down at first), the test adds it (`add_operator`)."""
    settings = Settings(
        database_url=database_url,
        production=production,
        limits=replace(QueryLimits(), **limits),
        database=database or DatabaseLimits(),
        observability=observability or ObservabilitySettings(),
        cors_origins=cors_origins,
        auth=AuthSettings(jwt_secret=SUITE_JWT_SECRET),
    )
    app = create_app(settings)
    added = operator and await add_operator(database_url)
    try:
        async with app.router.lifespan_context(app):
            counter = StatementCounter()
            event.listen(app.state.engine.sync_engine, "before_cursor_execute", counter)
            observe_reads(app.state.engine.sync_engine, as_read_observer(counter))
            transport = httpx.ASGITransport(app=app)
            signed_in = Bearer(operator_token_of(app))
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver", auth=signed_in
            ) as http:
                yield Served(app, http, counter)
    finally:
        if added:
            await remove_operator(database_url)


async def post_in_process(app: Starlette, body: bytes, *, token: str | None) -> tuple[int, bytes]:
    """POST `body` to /graphql by calling the ASGI app itself, with `token` as its bearer
    token (None: anonymous): the status and the body.

    No client and no transport: nothing but the app runs (its CPU alone is measured,
    and no object of a client's is left for the collector).
    """
    headers = [(b"content-type", b"application/json"), (b"host", b"in-process")]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
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
        "headers": headers,
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


@asynccontextmanager
async def another_instance(database_url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Another instance of the server on the same database, and a client signed in there
    as the suite's operator (whose row the test's `client` or `operator_token` made)."""
    application = create_app(suite_settings(database_url, **settings))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        headers = bearer(operator_token_of(application))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=headers
        ) as http:
            yield http
