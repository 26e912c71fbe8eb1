"""What the app installs for operators: each part (logs, metrics, traces) adds its hooks.

`observability(settings)` is built once in `create_app`. A part appends to the lists
it needs: sinks see every finished request's record, batch observers wrap every
loader batch, schema extensions run in Strawberry's execution, engine hooks see
the engine once the lifespan creates it, fast-path observers wrap each query the fast
path serves from its plan (in front of Strawberry), routes are served beside /graphql,
and middleware runs inside the request's record, around everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from gql_server.observe import logs, metrics, tracing
from gql_server.observe.record import Sink
from gql_server.settings import Settings
from loaders.level_loader import BatchObserver

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


@dataclass
class Observability:
    sinks: list[Sink] = field(default_factory=list)
    batch_observers: list[BatchObserver] = field(default_factory=list)
    schema_extensions: list[Any] = field(default_factory=list)
    engine_hooks: list[Callable[[AsyncEngine], None]] = field(default_factory=list)
    fast_path_observers: list[Callable[[], AbstractContextManager[object]]] = field(
        default_factory=list
    )
    routes: list[BaseRoute] = field(default_factory=list)
    middleware: list[Middleware] = field(default_factory=list)

    def bind_engine(self, engine: AsyncEngine) -> None:
        for hook in self.engine_hooks:
            hook(engine)


def observability(
    settings: Settings, tracer_provider: TracerProvider | None = None
) -> Observability:
    """`tracer_provider`: where spans go instead of the exporter the settings name (tests)."""
    built = Observability()
    logs.install(built, settings)
    metrics.install(built, settings)
    tracing.install(built, settings, tracer_provider)
    return built
