"""/metrics as Prometheus scrapes it: each request moves its counters by exactly one.

Each test serves an app of its own, so no other test's requests move its numbers.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import string
from collections.abc import AsyncIterator

import pytest

from gql_server.settings import DatabaseLimits, ObservabilitySettings
from loaders import Loaders
from tests.apps import Served, serving
from tests.conftest import operation
from tests.factories import make_user, make_wallet
from tests.loaders.test_statement_counts import NESTED
from tests.observe.scraping import label_values, moved, sample, scrape

UNPLANNABLE = "{ __schema { queryType { name } } }"
LIMIT_REFUSED = "{ users(limit: 500) { id } }"  # planned, then refused while it runs
REQUESTS = "mwallet_requests_total"


@pytest.fixture
async def served(database_url: str) -> AsyncIterator[Served]:
    async with serving(database_url) as app:
        yield app


async def test_a_known_sequence_moves_each_counter_by_its_requests(
    served: Served, loaders: Loaders
) -> None:
    # given
    await make_wallet(loaders, users=2)
    user = await make_user(loaders)
    lastchange = user.lastchange.isoformat(timespec="microseconds")
    update = {"input": {"id": str(user.id), "lastchange": lastchange, "name": "New"}}
    unknown = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(b"?").hexdigest()}}
    before = await scrape(served.http)

    # when
    for _ in range(2):  # planned, then served by the fast path
        assert "errors" not in (await served.post(NESTED, {"limit": 2})).json()
    assert "errors" not in (await served.post(UNPLANNABLE)).json()
    assert "errors" in (await served.post(LIMIT_REFUSED)).json()
    for _ in range(2):  # the second write carries the old lastchange: stale
        await served.post(operation("UpdateUser"), update)
    missing = await served.http.post("/graphql", json={"extensions": unknown})
    assert missing.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    after = await scrape(served.http)

    # then
    prefixes = (REQUESTS, "mwallet_planner_", "mwallet_stale_", "mwallet_persisted_")
    assert moved(before, after, *prefixes) == {
        sample(REQUESTS, operation="Nested", type="query", outcome="ok"): 2,
        sample(REQUESTS, operation="anonymous", type="query", outcome="ok"): 1,
        sample(REQUESTS, operation="anonymous", type="query", outcome="graphql_error"): 1,
        sample(REQUESTS, operation="UpdateUser", type="mutation", outcome="ok"): 2,
        # a hash not registered yet: the protocol's normal first step, not an error
        sample(REQUESTS, operation="anonymous", type="none", outcome="ok"): 1,
        sample("mwallet_planner_served_total", path="planned"): 1,
        sample("mwallet_planner_served_total", path="fast_path"): 1,
        sample("mwallet_planner_fallbacks_total", reason="unplannable"): 1,
        sample("mwallet_planner_fallbacks_total", reason="runtime"): 1,
        sample("mwallet_stale_writes_total", model="User"): 1,
        sample("mwallet_persisted_queries_total", result="miss"): 1,
    }
    durations = moved(before, after, "mwallet_request_duration_seconds_count")
    assert durations[sample("mwallet_request_duration_seconds_count", operation="Nested")] == 2
    assert moved(before, after, "mwallet_request_sql_statements_count") == {
        sample("mwallet_request_sql_statements_count"): 7
    }


async def test_the_statements_histogram_adds_a_nested_page_s_four_statements(
    served: Served, loaders: Loaders
) -> None:
    # given: the page (the suite's operator, who has no wallet, and 3 wallets) is planned
    # once; the next request is served by its plan
    await make_wallet(loaders, users=4)
    await served.post(NESTED, {"limit": 4})
    before = await scrape(served.http)

    # when
    await served.post(NESTED, {"limit": 4})
    after = await scrape(served.http)

    # then: users, addresses, orders, transactions; one batch per loader
    assert moved(before, after, "mwallet_request_sql_statements_") == {
        sample("mwallet_request_sql_statements_sum"): 4,
        sample("mwallet_request_sql_statements_count"): 1,
        **{sample("mwallet_request_sql_statements_bucket", le=le): 1 for le in BUCKETS_FROM_4},
    }
    assert moved(before, after, "mwallet_loader_batch_size_sum") == {
        sample("mwallet_loader_batch_size_sum", loader="User pages"): 1,  # one page, 4 users
        sample("mwallet_loader_batch_size_sum", loader="User.addresses"): 4,
        sample("mwallet_loader_batch_size_sum", loader="User.orders"): 4,
        sample("mwallet_loader_batch_size_sum", loader="Order.transactions"): 6,  # 3 x 2
    }


BUCKETS_FROM_4 = ["4.0", "5.0", "6.0", "8.0", "10.0", "15.0", "20.0", "30.0", "50.0", "100.0"]
BUCKETS_FROM_4 += ["+Inf"]


async def test_random_operation_names_fold_into_a_bounded_set_of_labels(served: Served) -> None:
    limit = ObservabilitySettings().max_operation_names
    rng = random.Random(7)
    names = ["".join(rng.choices(string.ascii_letters, k=12)) for _ in range(500)]
    odd = ["x" * 101, "bad-name", "ünïcode"]

    for name in names:
        await served.http.post("/graphql", json={"query": f"query {name} {{ __typename }}"})
    for name in odd:
        await served.http.post("/graphql", json={"query": "{ __typename }", "operationName": name})
    scraped = await scrape(served.http)

    labels = label_values(scraped, REQUESTS, "operation")
    assert len(labels) <= limit + 2
    assert "other" in labels and not {"bad-name", "ünïcode", "x" * 101} & labels
    assert len(label_values(scraped, "mwallet_request_duration_seconds_count", "operation")) <= (
        limit + 2
    )


@pytest.mark.postgres_only
async def test_a_request_waiting_for_a_connection_counts_as_a_pool_waiter(
    postgres_url: str,
) -> None:
    limits = DatabaseLimits(pool_size=1, max_overflow=0)
    async with serving(postgres_url, database=limits) as served:
        async with served.app.state.engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")
            waiting = asyncio.create_task(served.post("{ users { id } }"))
            for _ in range(100):
                scraped = await scrape(served.http)
                if scraped[sample("mwallet_db_pool_waiters")] == 1:
                    break
                await asyncio.sleep(0.01)
            assert scraped[sample("mwallet_db_pool_waiters")] == 1
            assert scraped[sample("mwallet_db_pool_checked_out")] == 1
        assert (await waiting).status_code == 200
        scraped = await scrape(served.http)

    assert scraped[sample("mwallet_db_pool_size")] == 1
    assert scraped[sample("mwallet_db_pool_waiters")] == 0
    assert scraped[sample("mwallet_db_pool_checked_out")] == 0
    assert scraped[sample("mwallet_db_pool_overflow")] == 0
