"""The ASGI application: GraphQL at /graphql, health at /health.

The engine is created in the lifespan and disposed at shutdown; nothing
connects at import time. A request meets, in order: its record (request id, logs,
metrics, traces: `observe/`), CORS when origins are listed (a preflight is answered
there), the body size limit, its bearer token (`authenticate.py`), the release of its
loaders when it ends, the planned fast path (documents already vetted), then
Strawberry's view (`view.py`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gql_server.auth.authenticator import Authenticator
from gql_server.auth.secret import signing_secret
from gql_server.auth.tokens import AccessTokens
from gql_server.database import create_engine, create_session_maker, kept_for_reads
from gql_server.http import graphiql
from gql_server.http.authenticate import Authenticate
from gql_server.http.body import BodySizeLimit
from gql_server.http.fast_path import PlannedFastPath
from gql_server.http.request_loaders import ReleaseRequestLoaders
from gql_server.http.view import GraphQLApp
from gql_server.observe.middleware import ObserveRequests
from gql_server.observe.setup import observability
from gql_server.planner import QueryPlans
from gql_server.schema.core import graphql_core_schema
from gql_server.settings import Settings
from loaders.reads import KeptConnections, half_the_pool
from loaders.reconnect import on_a_live_connection

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

HEALTH_TIMEOUT_SECONDS = 5.0
# Concurrent nested queries keep many young objects alive at once: with the default
# (700, 10, 10) the collector rescanned them all dozens of times per second.
GC_THRESHOLDS = (5_000, 20, 100)
# How long a browser may reuse a preflight's answer: bounded, so a changed list takes hold.
CORS_MAX_AGE_SECONDS = 600


def cross_origin(origins: tuple[str, ...]) -> list[Middleware]:
    """Scripts on the listed origins may call the API and read its answers; none listed: no
    CORS headers at all. No credentials: the API reads no cookies, and `Authorization` is
    sent explicitly. Mutations still need POST `application/json` (docs/security.md)."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=("GET", "POST"),
            # traceparent and tracestate: a browser client may carry W3C trace context too
            allow_headers=(
                "Authorization",
                "Content-Type",
                "X-Request-Id",
                "traceparent",
                "tracestate",
            ),
            expose_headers=("X-Request-Id",),
            max_age=CORS_MAX_AGE_SECONDS,
        )
    ]


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


def log_to_stderr(level: str) -> None:
    """Where the server's own loggers write, in every worker: uvicorn starts each worker
    as a new process that never ran the CLI's set-up (its loggers are its own)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level.upper())


def create_app(
    settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None
) -> Starlette:
    """`tracer_provider`: the app's spans go there (tests) rather than where settings say."""
    settings = settings or Settings.from_env()
    log_to_stderr(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url, settings.database)
        app.state.engine = engine
        app.state.session_maker = create_session_maker(engine)
        kept = (
            kept_for_reads(settings.database)
            if engine.dialect.name == "postgresql"
            else half_the_pool(engine)
        )
        app.state.kept_connections = KeptConnections(engine, kept)
        observed.bind_engine(engine)
        authenticator.bind(app.state.session_maker)
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

    tokens = AccessTokens(settings.auth, signing_secret(settings))
    authenticator = Authenticator(tokens)
    plans = QueryPlans()  # this app's own: never shared with another app's limits
    observed = observability(settings, tracer_provider)
    graphql = GraphQLApp(settings, plans, observed.schema_extensions)
    middleware = [
        Middleware(ObserveRequests, sinks=observed.sinks),
        *observed.middleware,
        *cross_origin(settings.cors_origins),
        Middleware(BodySizeLimit, max_bytes=settings.limits.max_body_bytes),
        Middleware(Authenticate, authenticator=authenticator),
        Middleware(ReleaseRequestLoaders),
    ]
    if settings.planner:
        core_schema = graphql_core_schema(graphql.schema)
        middleware.append(
            Middleware(
                PlannedFastPath,
                schema=core_schema,
                plans=plans,
                observers=observed.fast_path_observers,
            )
        )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
            *graphiql.routes(enabled=settings.explorer),
            *observed.routes,
        ],
        lifespan=lifespan,
        middleware=middleware,
    )
    app.state.observability = observed
    app.state.tokens = tokens
    return app
