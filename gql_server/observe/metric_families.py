"""The metrics the server exports: names, help texts, labels and buckets in one place.

Gauges sum over the live workers (`livesum`) when several processes share a metrics
directory (`mwallet-gql serve --workers N`): the pool of the whole server.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
STATEMENT_BUCKETS = (0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000)


class Families:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "mwallet_requests",
            "GraphQL requests by operation name, operation type and outcome.",
            ["operation", "type", "outcome"],
            registry=registry,
        )
        self.duration = Histogram(
            "mwallet_request_duration_seconds",
            "Time to answer a GraphQL request, by operation name.",
            ["operation"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        self.statements = Histogram(
            "mwallet_request_sql_statements",
            "SQL statements one GraphQL request ran.",
            buckets=STATEMENT_BUCKETS,
            registry=registry,
        )
        self.batch_size = Histogram(
            "mwallet_loader_batch_size",
            "Keys a loader read in one batch, by loader.",
            ["loader"],
            buckets=BATCH_BUCKETS,
            registry=registry,
        )
        self.planner_served = Counter(
            "mwallet_planner_served",
            "Queries the planner answered: on the fast path or planned in the normal path.",
            ["path"],
            registry=registry,
        )
        self.planner_fallbacks = Counter(
            "mwallet_planner_fallbacks",
            "Queries the planner left to field-by-field execution, by reason.",
            ["reason"],
            registry=registry,
        )
        self.stale_writes = Counter(
            "mwallet_stale_writes",
            "Writes refused because the row changed since the client read it, by model.",
            ["model"],
            registry=registry,
        )
        self.auth_failures = Counter(
            "mwallet_auth_failures",
            "Refused bearer tokens, failed or throttled log-ins and refused refreshes, by reason.",
            ["reason"],
            registry=registry,
        )
        self.persisted = Counter(
            "mwallet_persisted_queries",
            "Persisted-query lookups by hash alone, by result (hit or miss).",
            ["result"],
            registry=registry,
        )
        self.pool_size = gauge(registry, "size", "Connections the pool keeps (its pool_size).")
        self.pool_checked_out = gauge(
            registry, "checked_out", "Connections out of the pool (kept read ones included)."
        )
        self.pool_overflow = gauge(registry, "overflow", "Connections open beyond pool_size.")
        self.pool_waiters = gauge(
            registry, "waiters", "Tasks waiting in the pool for a free or a new connection."
        )


def gauge(registry: CollectorRegistry, name: str, documentation: str) -> Gauge:
    return Gauge(
        f"mwallet_db_pool_{name}", documentation, registry=registry, multiprocess_mode="livesum"
    )
