"""The ASGI application: GraphQL at /graphql, health at /health.

The engine is created in the lifespan and disposed at shutdown; nothing
connects at import time. Loaders are built per request in `get_context`.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from gql_server import graphiql
from gql_server.context import Context, request_loaders
from gql_server.database import create_engine, create_session_maker
from gql_server.http_errors import GraphQLErrorsView
from gql_server.http_protocol import GraphQLOverHTTP
from gql_server.middleware import BodySizeLimit
from gql_server.persisted_operations import PersistedOperations
from gql_server.planner import QueryPlans
from gql_server.planner.fast_path import PlannedFastPath
from gql_server.schema import create_schema
from gql_server.settings import Settings
from loaders.reads import KeptConnections, half_the_pool
from loaders.reconnect import on_a_live_connection

HEALTH_TIMEOUT_SECONDS = 5.0
REQUEST_LOADERS = "mwallet_loaders"
# Concurrent nested queries keep many young objects alive at once: with the default
# (700, 10, 10) the collector rescanned them all dozens of times per second.
GC_THRESHOLDS = (5_000, 20, 100)


class GraphQLApp(PersistedOperations, GraphQLOverHTTP, GraphQLErrorsView):
    def __init__(self, settings: Settings, plans: QueryPlans) -> None:
        super().__init__(
            create_schema(settings, plans),
            graphql_ide="graphiql" if settings.explorer else None,
            operations_allowlist=settings.operations_allowlist,
        )

    def encode_json(self, data: object) -> str | bytes:
        """orjson, several times faster on large results; the standard encoder for what
        orjson refuses (integers beyond 64 bits inside a JSON value)."""
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:
            return super().encode_json(data)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:  # also when the client went away mid-request
            loaders = scope.get("state", {}).get(REQUEST_LOADERS)
            if loaders is not None:
                await loaders.release()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        assert isinstance(request, Request)  # no subscriptions: HTTP only
        loaders = request_loaders(request.app)
        setattr(request.state, REQUEST_LOADERS, loaders)  # released by __call__
        return Context(request=request, loaders=loaders)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()


async def health(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not."""

    async def ping() -> None:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            await on_a_live_connection(ping)
    except (SQLAlchemyError, OSError, TimeoutError):
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    return JSONResponse({"status": "ok", "database": "reachable"})


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url, settings.database)
        app.state.engine = engine
        app.state.session_maker = create_session_maker(engine)
        app.state.kept_connections = KeptConnections(engine, half_the_pool(engine))
        # Everything built so far (schema, metadata, modules) lives as long as the process:
        # move it out of the collector's reach so collections only scan request garbage.
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        try:
            yield
        finally:
            await app.state.kept_connections.close()
            await engine.dispose()

    plans = QueryPlans()  # this app's own: never shared with another app's limits
    graphql = GraphQLApp(settings, plans)
    middleware = [Middleware(BodySizeLimit, max_bytes=settings.limits.max_body_bytes)]
    if settings.planner:
        core_schema = graphql.schema._schema  # type: ignore[attr-defined]
        middleware.append(Middleware(PlannedFastPath, schema=core_schema, plans=plans))
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
            *graphiql.routes(enabled=settings.explorer),
        ],
        lifespan=lifespan,
        middleware=middleware,
    )
