"""The spans of a request: the request itself, Strawberry's steps, loader batches.

No span carries a value a client sent: no variables, no arguments, no query string,
no SQL parameters (statements keep their placeholders), no exception message (SQL
errors quote rows); a failure records only its exception's type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from opentelemetry import propagate
from opentelemetry.context import Context
from opentelemetry.semconv.attributes.error_attributes import ERROR_TYPE
from opentelemetry.semconv.attributes.http_attributes import (
    HTTP_REQUEST_METHOD,
    HTTP_RESPONSE_STATUS_CODE,
    HTTP_ROUTE,
)
from opentelemetry.semconv.attributes.url_attributes import URL_PATH
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.util.types import Attributes
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from gql_server.observe.record import RequestRecord, current

OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")  # a GraphQL name, bounded


@contextmanager
def span_of(
    tracer: Tracer,
    name: str,
    attributes: Attributes = None,
    kind: SpanKind = SpanKind.INTERNAL,
    context: Context | None = None,
) -> Iterator[Span]:
    """The current span for the block; a failure is marked by its type, never its text."""
    with tracer.start_as_current_span(
        name, context, kind, attributes, record_exception=False, set_status_on_exception=False
    ) as span:
        try:
            yield span
        except BaseException as error:
            span.set_attribute(ERROR_TYPE, type(error).__name__)
            span.set_status(Status(StatusCode.ERROR))
            raise


class TraceRequests:
    """The server span of each HTTP request, a child of the client's `traceparent`."""

    def __init__(self, app: ASGIApp, tracer: Tracer) -> None:
        self.app = app
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        method = scope["method"]
        attributes = {HTTP_REQUEST_METHOD: method, URL_PATH: scope["path"]}
        parent = propagate.extract(headers)
        with span_of(self.tracer, method, attributes, SpanKind.SERVER, parent) as span:
            try:
                await self.app(scope, receive, send)
            finally:
                record = current()
                route = getattr(scope.get("route"), "path", None)
                if record is not None and record.path_taken == "fast_path":
                    route = scope["path"]  # answered in front of the router, at its one path
                describe(span, method, route, record)


def describe(span: Span, method: str, route: str | None, record: RequestRecord | None) -> None:
    """Name the span after its operation (`query Name`), else after its route."""
    span.update_name(f"{method} {route}" if route else method)
    if route:
        span.set_attribute(HTTP_ROUTE, route)
    if record is None:
        return
    span.set_attribute("mwallet.request_id", record.request_id)
    if record.status:
        span.set_attribute(HTTP_RESPONSE_STATUS_CODE, record.status)
        if record.status >= 500:
            span.set_status(Status(StatusCode.ERROR))
    if record.operation_type is not None:
        span.set_attribute("graphql.operation.type", record.operation_type)
        span.set_attribute("mwallet.served", record.path_taken)
        name = record.operation_name
        if name is not None and OPERATION_NAME.fullmatch(name):
            span.set_attribute("graphql.operation.name", name)
            span.update_name(f"{record.operation_type} {name}")
        else:
            span.update_name(record.operation_type)
    if record.document_hash is not None:
        span.set_attribute("mwallet.document_hash", record.document_hash)


class TraceSteps(SchemaExtension):
    """parse, validate and execute as spans: no span per field (a list of 100 rows would
    make hundreds), and no argument values (Strawberry's own extension records them)."""

    def __init__(self, tracer: Tracer) -> None:
        super().__init__()
        self.tracer = tracer

    def on_parse(self) -> Iterator[None]:
        with span_of(self.tracer, "parse"):
            yield

    def on_validate(self) -> Iterator[None]:
        with span_of(self.tracer, "validate"):
            yield

    def on_execute(self) -> Iterator[None]:
        with span_of(self.tracer, "execute"):
            yield


def batch_span(tracer: Tracer, loader: str, size: int) -> AbstractContextManager[Span]:
    """One loader batch: its statements are its children."""
    attributes: Attributes = {"mwallet.loader.name": loader, "mwallet.loader.batch_size": size}
    return span_of(tracer, f"load {loader}", attributes)
