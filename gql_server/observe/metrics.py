"""Prometheus metrics, served at /metrics: requests, latency, SQL, loaders, planner, pool.

Every label is bounded: operation names by `OperationNames`, everything else by the
code (outcomes, operation types, planner paths and reasons, model and loader names).
Only GraphQL requests (/graphql) count as operations; /health, /metrics and GraphiQL's
files are not counted. A request costs a few counter and histogram calls: the children
of labelled metrics are looked up once (`Children`), not through `labels()` each time.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry

from gql_server.database import kept_for_reads
from gql_server.observe.metric_families import Families
from gql_server.observe.metrics_endpoint import metrics_route, scraped_registry
from gql_server.observe.pool_metrics import PoolMetrics
from gql_server.observe.record import AUTH_FAILURES, OK, RequestRecord
from gql_server.settings import Settings

if TYPE_CHECKING:
    from gql_server.observe.setup import Observability

GRAPHQL_PATH = "/graphql"
ANONYMOUS, OTHER, NO_OPERATION = "anonymous", "other", "none"
MAX_NAME_LENGTH = 100
SANE_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")  # a GraphQL name: nothing odd in a label
NOTHING = nullcontext()  # reentrant and stateless: one serves every batch


class OperationNames:
    """The label of an operation name: the first `limit` sane names a process sees are
    kept, any later one is `other`, so random names cannot grow the series."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.known: dict[str, str] = {}

    def __call__(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        known = self.known.get(name)
        if known is not None:
            return known
        if len(self.known) >= self.limit or len(name) > MAX_NAME_LENGTH:
            return OTHER  # not remembered: a flood of names must not grow this dict either
        if not SANE_NAME.fullmatch(name):
            return OTHER
        self.known[name] = name
        return name


class Children(dict[tuple[str, ...], Any]):
    """A labelled metric's children by label values: `labels()` checks and locks each call."""

    def __init__(self, metric: Any, *preset: tuple[str, ...]) -> None:
        super().__init__()
        self.metric = metric
        for values in preset:  # known values are exported at 0 before they first happen
            self[values] = metric.labels(*values)

    def __missing__(self, values: tuple[str, ...]) -> Any:
        child = self[values] = self.metric.labels(*values)
        return child


class RequestMetrics:
    """The sink (every finished request) and the batch observer (every loader batch)."""

    def __init__(self, families: Families, names: OperationNames, pool: PoolMetrics) -> None:
        self.names = names
        self.pool = pool
        self.statements = families.statements
        self.requests = Children(families.requests)
        self.durations = Children(families.duration)
        self.batches = Children(families.batch_size)
        self.served = Children(families.planner_served, ("fast_path",), ("planned",))
        self.fallbacks = Children(
            families.planner_fallbacks, ("unplannable",), ("runtime",), ("error",)
        )
        self.persisted = Children(families.persisted, ("hit",), ("miss",))
        self.stale_writes = Children(families.stale_writes)
        self.auth_failures = Children(
            families.auth_failures, *((reason,) for reason in AUTH_FAILURES)
        )

    def __call__(self, record: RequestRecord) -> None:
        self.pool.sample()
        if record.path != GRAPHQL_PATH or record.method == "OPTIONS":
            return  # CORS preflights are not operations
        if record.method == "GET" and record.operation_type is None and record.outcome == OK:
            return  # nothing ran and nothing failed: the GraphiQL page
        name = self.names(record.operation_name)
        self.requests[name, record.operation_type or NO_OPERATION, record.outcome].inc()
        self.durations[(name,)].observe(record.duration)
        self.statements.observe(record.statements)
        if record.path_taken != "normal":
            self.served[(record.path_taken,)].inc()
        if record.fallback is not None and record.operation_type == "query":
            self.fallbacks[(record.fallback,)].inc()  # mutations are never planned: no news
        if record.persisted is not None:
            self.persisted[(record.persisted,)].inc()
        for model in record.stale_writes:
            self.stale_writes[(model,)].inc()
        if record.auth_failure is not None:
            self.auth_failures[(record.auth_failure,)].inc()

    def batch(self, loader: str, size: int) -> AbstractContextManager[object]:
        self.batches[(loader,)].observe(size)
        return NOTHING


def install(observability: Observability, settings: Settings) -> None:
    registry = CollectorRegistry()  # this app's own: several apps in one process never clash
    families = Families(registry)
    pool = PoolMetrics(families, kept_for_reads(settings.database))
    metrics = RequestMetrics(
        families, OperationNames(settings.observability.max_operation_names), pool
    )
    observability.sinks.append(metrics)
    observability.batch_observers.append(metrics.batch)
    observability.engine_hooks.append(pool.bind)
    route = metrics_route(settings, scraped_registry(registry), before_scrape=pool.sample)
    if route is not None:
        observability.routes.append(route)
