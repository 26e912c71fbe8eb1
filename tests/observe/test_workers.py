"""`mwallet-gql serve --workers 2`: whichever worker answers /metrics, it reports both."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.observe.scraping import parse, sample
from tests.process.test_server_process import running

SQLITE_POOL_SIZE = 5  # SQLAlchemy's default QueuePool size: each worker has its own


def test_two_workers_sum_their_requests_and_their_pools(tmp_path: Path) -> None:
    with running(tmp_path, "--workers", "2", "--no-access-log") as (base, _):
        # given: both workers up (each adds its pool to the live sum)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            scraped = parse(httpx.get(f"{base}/metrics").text)
            if scraped.get(sample("mwallet_db_pool_size")) == 2 * SQLITE_POOL_SIZE:
                break
            time.sleep(0.1)
        assert scraped[sample("mwallet_db_pool_size")] == 2 * SQLITE_POOL_SIZE

        # when: requests on fresh connections, spread over the workers by the kernel
        for _ in range(12):
            response = httpx.post(f"{base}/graphql", json={"query": "query Count { __typename }"})
            assert response.status_code == 200

        # then: every scrape, whichever worker answers, counts all twelve
        counted = sample("mwallet_requests_total", operation="Count", type="query", outcome="ok")
        for _ in range(4):
            assert parse(httpx.get(f"{base}/metrics").text)[counted] == 12


def test_every_worker_writes_its_request_lines(tmp_path: Path) -> None:
    """uvicorn starts each worker afresh: its request log must still be set up there."""
    with running(tmp_path, "--workers", "2", "--no-access-log") as (base, output):
        for _ in range(6):
            response = httpx.post(f"{base}/graphql", json={"query": "query Logged { __typename }"})
            assert response.status_code == 200

    logged = [line for line in output[0].splitlines() if "operation=Logged" in line]
    assert len(logged) == 6
