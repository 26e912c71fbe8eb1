"""OpenTelemetry traces: a span per request, per Strawberry step, per loader batch, per SQL
statement; nothing at all is installed unless `settings.observability.tracing`.

Tree of a nested query: `query Name` (server span, a child of the client's
`traceparent`) > `parse`, `validate`, `execute` > `load <loader>` > `SELECT`. The fast
path (a vetted document served in front of Strawberry) has `execute (planned)` where
the others have parse, validate and execute.

Each app owns its `TracerProvider` (never the global one): apps in one process, as in
the tests, do not share spans. Sampling and the OTLP endpoint, headers and timeouts
come from OpenTelemetry's own variables (`OTEL_TRACES_SAMPLER`,
`OTEL_EXPORTER_OTLP_ENDPOINT`...).
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from functools import partial
from typing import TYPE_CHECKING

from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.trace import Span, Tracer
from starlette.middleware import Middleware

from gql_server.observe.trace_spans import (
    TraceRequests,
    TraceSteps,
    batch_span,
    span_of,
)
from gql_server.observe.trace_sql import trace_statements
from gql_server.settings import Settings

if TYPE_CHECKING:
    from gql_server.observe.setup import Observability

SERVICE = "mwallet-gql"
EXPORTERS = ("otlp", "console", "none")


def span_processor(exporter: str) -> SpanProcessor | None:
    """Spans leave in batches, from a thread of their own; "none": made, then dropped."""
    if exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return BatchSpanProcessor(OTLPSpanExporter())
    if exporter == "console":
        return BatchSpanProcessor(ConsoleSpanExporter())
    if exporter == "none":
        return None
    raise ValueError(f"OTEL_TRACES_EXPORTER={exporter!r}: expected one of {', '.join(EXPORTERS)}")


def tracer_provider(settings: Settings) -> TracerProvider:
    """This app's provider, exporting as the settings say (flushed at exit)."""
    named = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: SERVICE}
    provider = TracerProvider(resource=Resource.create(named))
    processor = span_processor(settings.observability.traces_exporter)
    if processor is not None:
        provider.add_span_processor(processor)
    return provider


def planned_span(tracer: Tracer) -> AbstractContextManager[Span]:
    return span_of(tracer, "execute (planned)")


def install(
    observability: Observability, settings: Settings, provider: TracerProvider | None = None
) -> None:
    """Add the span makers to `observability`; `provider` (tests: an in-memory exporter's)
    replaces the one the settings describe."""
    if not settings.observability.tracing:
        return
    tracer = (provider or tracer_provider(settings)).get_tracer(SERVICE)
    observability.middleware.append(Middleware(TraceRequests, tracer=tracer))
    observability.schema_extensions.append(partial(TraceSteps, tracer))
    observability.batch_observers.append(partial(batch_span, tracer))
    observability.fast_path_observers.append(partial(planned_span, tracer))
    observability.engine_hooks.append(partial(trace_statements, tracer))
