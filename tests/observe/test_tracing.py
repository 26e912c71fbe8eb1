"""Traces: the span tree of both read paths, the client's trace context, no values in any
span, and nothing installed when tracing is off."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.applications import Starlette

from gql_server.http.app import create_app
from gql_server.observe.setup import Observability, observability
from gql_server.observe.tracing import tracer_provider
from gql_server.settings import ObservabilitySettings, Settings
from loaders import create_loaders
from tests.conftest import bearer, make_operator, operation, suite_settings, truncate
from tests.factories import make_user, make_wallet

# the suite's operator (who has no orders) and the 2 users of `seed_wallet`
NESTED = "{ users(limit: 3) { id orders { id transactions { id } } } }"
Tree = tuple[str, list["Tree"]]
BATCHES: list[Tree] = [
    ("load User pages", [("SELECT", [])]),
    ("load User.orders", [("SELECT", [])]),
    ("load Order.transactions", [("SELECT", [])]),
]
TRACING_ON = ObservabilitySettings(tracing=True)


@dataclass
class Traced:
    app: Starlette
    http: httpx.AsyncClient
    exporter: InMemorySpanExporter

    def spans(self) -> list[ReadableSpan]:
        finished = list(self.exporter.get_finished_spans())
        self.exporter.clear()
        return finished


@pytest.fixture
async def traced(database_url: str) -> AsyncIterator[Traced]:
    """An app of its own whose spans go to memory (no global provider is touched), and a
    client signed in there as the suite's operator."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = suite_settings(database_url, observability=TRACING_ON)
    app = create_app(settings, tracer_provider=provider)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        try:
            headers = bearer(await make_operator(app))
            exporter.clear()  # the operator's row: no request's
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver", headers=headers
            ) as http:
                yield Traced(app, http, exporter)
        finally:
            await truncate(app.state.engine)


async def seed_wallet(traced: Traced) -> None:
    loaders = create_loaders(traced.app.state.session_maker)
    await make_wallet(loaders, users=2)
    await loaders.release()
    traced.spans()  # the seeding's own statements: no request's


def tree_of(spans: list[ReadableSpan]) -> Tree:
    """The one root's tree of names, children in the order they started."""
    children: dict[int | None, list[ReadableSpan]] = {}
    for span in spans:
        children.setdefault(span.parent.span_id if span.parent else None, []).append(span)
    [root] = children[None]

    def build(span: ReadableSpan) -> Tree:
        below = sorted(children.get(span.context.span_id, []), key=lambda s: s.start_time or 0)
        return (span.name, [build(child) for child in below])

    assert sum(len(group) for group in children.values()) == len(spans)
    assert {span.context.trace_id for span in spans} == {root.context.trace_id}
    return build(root)


def attributes_of(spans: list[ReadableSpan], name: str) -> list[dict[str, Any]]:
    return [dict(span.attributes or {}) for span in spans if span.name == name]


async def test_a_nested_query_is_traced_alike_on_both_read_paths(traced: Traced) -> None:
    await seed_wallet(traced)

    first = await traced.http.post("/graphql", json={"query": NESTED})
    planned = traced.spans()
    second = await traced.http.post("/graphql", json={"query": NESTED})
    fast_path = traced.spans()

    assert first.json() == second.json()
    assert tree_of(planned) == ("query", [("parse", []), ("validate", []), ("execute", BATCHES)])
    assert tree_of(fast_path) == ("query", [("execute (planned)", BATCHES)])
    for spans, served in ((planned, "planned"), (fast_path, "fast_path")):
        [request] = attributes_of(spans, "query")
        assert request["mwallet.served"] == served
        assert request["http.request.method"] == "POST"
        assert request["http.response.status_code"] == 200
        assert (request["url.path"], request["http.route"]) == ("/graphql", "/graphql")
        assert request["graphql.operation.type"] == "query"
        sizes = [attributes["mwallet.loader.batch_size"] for attributes in spans_attributes(spans)]
        assert sizes == [1, 3, 4]  # one page; orders of 3 users; transactions of 4 orders
        assert all("?" in s or "$1" in s for s in statement_texts(spans))


def spans_attributes(spans: list[ReadableSpan]) -> list[dict[str, Any]]:
    batches = sorted(
        (s for s in spans if s.name.startswith("load ")), key=lambda s: s.start_time or 0
    )
    return [dict(span.attributes or {}) for span in batches]


def statement_texts(spans: list[ReadableSpan]) -> list[str]:
    return [str(attributes["db.query.text"]) for attributes in attributes_of(spans, "SELECT")]


async def test_a_named_operation_names_the_request_span(traced: Traced) -> None:
    query = "query Everyone { users(limit: 1) { id } }"
    await traced.http.post("/graphql", json={"query": query, "operationName": "Everyone"})
    [request] = [span for span in traced.spans() if span.parent is None]
    assert request.name == "query Everyone"
    assert (request.attributes or {})["graphql.operation.name"] == "Everyone"


async def test_the_request_span_continues_the_clients_trace(traced: Traced) -> None:
    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    headers = {"traceparent": f"00-{trace_id}-{parent_id}-01"}
    await traced.http.post("/graphql", json={"query": NESTED}, headers=headers)
    spans = traced.spans()
    [request] = [span for span in spans if span.name == "query"]
    assert request.parent is not None and request.parent.is_remote
    assert (request.context.trace_id, request.parent.span_id) == (
        int(trace_id, 16),
        int(parent_id, 16),
    )
    assert {span.context.trace_id for span in spans} == {int(trace_id, 16)}


async def test_no_span_holds_a_value_the_client_sent(traced: Traced) -> None:
    loaders = create_loaders(traced.app.state.session_maker)
    user = await make_user(loaders)
    await loaders.release()
    traced.spans()
    key, address = b"tracing secret key", "bc1qtracedaddress0042"
    secrets = [address, key.decode(), base64.b64encode(key).decode()]
    account_key = base64.b64encode(key).decode()
    variables = {
        "input": {
            "userId": str(user.id),
            "address": address,
            "network": "bitcoin",
            "accountKey": account_key,
        }
    }
    body = {"query": operation("CreateAddress"), "variables": variables}
    response = await traced.http.post("/graphql", json=body)
    assert response.json()["data"]["result"]["__typename"] == "Address"
    spans = traced.spans()

    assert any(span.name == "INSERT" for span in spans)
    for span in spans:
        texts = [
            span.name,
            str(span.status.description),
            *map(str, (span.attributes or {}).values()),
        ]
        texts += [
            str(value) for event in span.events for value in (event.attributes or {}).values()
        ]
        assert not [text for text in texts for secret in secrets if secret in text], span.name


def tracing_parts(observed: Observability) -> list[Any]:
    """Whatever the tracing modules put in `observed`'s lists."""
    parts = [
        *observed.middleware,
        *observed.schema_extensions,
        *observed.batch_observers,
        *observed.fast_path_observers,
        *observed.engine_hooks,
    ]
    made_by = [getattr(part, "cls", None) or getattr(part, "func", part) for part in parts]
    return [made for made in made_by if made.__module__.startswith("gql_server.observe.trac")]


def test_tracing_off_installs_nothing() -> None:
    app = create_app(suite_settings("sqlite+aiosqlite://"))
    assert tracing_parts(app.state.observability) == []
    provider = TracerProvider(shutdown_on_exit=False)
    on = observability(Settings(observability=TRACING_ON), provider)
    assert len(tracing_parts(on)) == 5  # the check above would see them


def test_tracing_is_asked_for_by_environment() -> None:
    def read(**env: str) -> tuple[bool, str]:
        settings = Settings.from_env(env).observability
        return settings.tracing, settings.traces_exporter

    assert read() == (False, "console")
    assert read(MWALLET_TRACING="on") == (True, "console")
    assert read(OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318") == (True, "otlp")
    assert read(MWALLET_TRACING="on", OTEL_TRACES_EXPORTER="none") == (True, "none")
    unknown = Settings(observability=ObservabilitySettings(tracing=True, traces_exporter="zipkin"))
    with pytest.raises(ValueError, match="OTEL_TRACES_EXPORTER"):
        tracer_provider(unknown)
