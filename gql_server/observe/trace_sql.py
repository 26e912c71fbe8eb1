"""A span per SQL statement, at the engine: every read and write path is seen.

A small event hook rather than opentelemetry-instrumentation-sqlalchemy: its
instrumentor is a process-wide singleton that instruments once (a second app in the
same process would get no spans), and here exactly what is recorded is in view: the
statement's text with its placeholders, never its parameters.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.semconv.attributes.db_attributes import (
    DB_OPERATION_NAME,
    DB_QUERY_TEXT,
    DB_SYSTEM_NAME,
)
from opentelemetry.semconv.attributes.error_attributes import ERROR_TYPE
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from opentelemetry.util.types import Attributes
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

SPAN_KEY = "mwallet_span"  # a connection's statement span, between before and after


def trace_statements(tracer: Tracer, engine: AsyncEngine) -> None:
    """A client span per SQL statement: its text with placeholders, never its parameters."""
    system = engine.dialect.name

    def before(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        operation = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else system
        attributes: Attributes = {
            DB_SYSTEM_NAME: system,
            DB_OPERATION_NAME: operation,
            DB_QUERY_TEXT: statement,
        }
        conn.info[SPAN_KEY] = tracer.start_span(operation, None, SpanKind.CLIENT, attributes)

    def after(conn: Any, *_: Any) -> None:
        span = conn.info.pop(SPAN_KEY, None)
        if span is not None:
            span.end()

    def failed(context: Any) -> None:
        span = context.connection.info.pop(SPAN_KEY, None) if context.connection else None
        if span is not None:
            span.set_attribute(ERROR_TYPE, type(context.original_exception).__name__)
            span.set_status(Status(StatusCode.ERROR))
            span.end()

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)
    event.listen(engine.sync_engine, "handle_error", failed)
