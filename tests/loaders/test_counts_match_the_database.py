"""The statements a request counts are the statements PostgreSQL ran for it: the count at
our read boundary, checked against `pg_stat_statements` on a cluster of our own (the
extension is only loaded at a server's start, `shared_preload_libraries`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import asyncpg
import pytest
from alembic import command

from gql_server.settings import ObservabilitySettings
from migrations import alembic_config
from tests import throwaway_cluster
from tests.apps import serving
from tests.conftest import operation
from tests.tcp_proxy import free_port

pytestmark = pytest.mark.postgres_only

REQUESTS = "mwallet.requests"
READS = [
    "{ users(limit: 10) { id email addresses { id addressBalance }"
    " orders { id transactions { id } } } }",
    "{ user(id: 1) { id name } }",
    "{ user(id: 2) { id orders { id } } }",
    "{ users(skip: 1, limit: 2) { id } transactions(limit: 5) { id tranxRef meta } }",
]
SEEN = """SELECT query, calls FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
AND query NOT LIKE '%pg_stat_statements%' ORDER BY query"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[throwaway_cluster.ThrowawayCluster]:
    if not throwaway_cluster.available():
        pytest.skip(f"no initdb in {throwaway_cluster.BIN}")
    own = throwaway_cluster.ThrowawayCluster(
        free_port(), "shared_preload_libraries=pg_stat_statements"
    )
    try:
        own.start()
        command.upgrade(alembic_config(own.url), "head")
        yield own
    finally:
        own.remove()


async def test_the_statements_a_request_counts_are_the_ones_postgresql_ran(
    cluster: throwaway_cluster.ThrowawayCluster, caplog: pytest.LogCaptureFixture
) -> None:
    admin = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres")
    await admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    json_lines = ObservabilitySettings(log_format="json")
    try:
        async with serving(cluster.url, observability=json_lines) as served:
            for n in range(3):  # given: users with addresses, orders and transactions
                user = {"name": "N", "surname": "S", "email": f"u{n}@x.io"}
                created = await served.post(operation("CreateUser"), {"input": user})
                assert "errors" not in created.json(), created.text
            for query in READS:  # and connections that have introspected their types
                await served.post(query)
            await admin.execute("SELECT pg_stat_statements_reset()")
            caplog.set_level(logging.INFO, REQUESTS)
            caplog.clear()

            for query in READS:
                response = await served.post(query)
                assert "errors" not in response.json(), response.text
            ran = await admin.fetch(SEEN)
    finally:
        await admin.close()

    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == REQUESTS]
    counted = sum(line["statements"] for line in logged)
    assert len(logged) == len(READS)
    assert counted >= len(READS)  # every request read something
    assert sum(row["calls"] for row in ran) == counted, [dict(row) for row in ran]
