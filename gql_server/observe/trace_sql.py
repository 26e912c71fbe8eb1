"""A span per SQL statement, at the engine: every read and write path is seen (and the
reads PostgreSQL's driver runs itself, `loaders/driver_reads.py`).

A small event hook rather than opentelemetry-instrumentation-sqlalchemy: its
instrumentor is a process-wide singleton that instruments once (a second app in the
same process would get no spans), and here exactly what is recorded is in view: the
statement's text with its placeholders, never its parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from opentelemetry.semconv.attributes.db_attributes import (
    DB_OPERATION_NAME,
    DB_QUERY_TEXT,
    DB_SYSTEM_NAME,
)
from opentelemetry.semconv.attributes.error_attributes import ERROR_TYPE
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.util.types import Attributes
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders.driver_reads import observe_reads

SPAN_KEY = "mwallet_span"  # a connection's statement span, between before and after


def trace_statements(tracer: Tracer, engine: AsyncEngine) -> None:
    """A client span per SQL statement: its text with placeholders, never its parameters."""
    system = engine.dialect.name

    def start(statement: str) -> Span:
        operation = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else system
        attributes: Attributes = {
            DB_SYSTEM_NAME: system,
            DB_OPERATION_NAME: operation,
            DB_QUERY_TEXT: statement,
        }
        return tracer.start_span(operation, None, SpanKind.CLIENT, attributes)

    def before(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        conn.info[SPAN_KEY] = start(statement)

    def end(span: Span, error: BaseException | None) -> None:
        if error is not None:
            original = error.orig if isinstance(error, DBAPIError) else error
            span.set_attribute(ERROR_TYPE, type(original).__name__)
            span.set_status(Status(StatusCode.ERROR))
        span.end()

    def read(
        statement: str, _parameters: tuple[Any, ...]
    ) -> Callable[[BaseException | None], None]:
        return partial(end, start(statement))

    def after(conn: Any, *_: Any) -> None:
        span = conn.info.pop(SPAN_KEY, None)
        if span is not None:
            span.end()

    def failed(context: Any) -> None:
        span = context.connection.info.pop(SPAN_KEY, None) if context.connection else None
        if span is not None:
            end(span, context.original_exception)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)
    event.listen(engine.sync_engine, "handle_error", failed)
    observe_reads(engine.sync_engine, read)
