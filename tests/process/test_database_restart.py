"""A real PostgreSQL restart (`pg_ctl restart -m fast`) in the middle of traffic."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from alembic import command

from gql_server.schema.masking import DATABASE_BUSY, DATABASE_UNAVAILABLE
from migrations import alembic_config
from tests import throwaway_cluster
from tests.apps import serving
from tests.conftest import operation
from tests.tcp_proxy import free_port

WRITES_AFTER_RESTART = 10  # each client's writes once the restart has finished

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def cluster() -> Iterator[throwaway_cluster.ThrowawayCluster]:
    if not throwaway_cluster.available():
        pytest.skip(f"no initdb in {throwaway_cluster.BIN}")
    own = throwaway_cluster.ThrowawayCluster(free_port())
    try:
        own.start()
        command.upgrade(alembic_config(own.url), "head")
        yield own
    finally:
        own.remove()


async def test_restart_mid_traffic_fails_cleanly_recovers_and_keeps_acknowledged_writes(
    cluster: throwaway_cluster.ThrowawayCluster,
) -> None:
    async with serving(cluster.url) as served:
        acknowledged: set[str] = set()
        refusals: list[str] = []
        restarted = asyncio.Event()
        # per client, whether each write sent after the restart had finished was saved
        after_restart: dict[int, list[bool]] = {}

        async def traffic(client: int) -> None:
            after = after_restart[client] = []
            n = 0
            while len(after) < WRITES_AFTER_RESTART:  # however long the restart takes
                back = restarted.is_set()
                email = f"c{client}n{n}@x.io"
                response = await served.post(
                    operation("CreateUser"),
                    {"input": {"name": "N", "surname": "S", "email": email}},
                )
                assert response.status_code == 200
                body = response.json()
                saved = bool(body.get("data"))
                if saved:
                    acknowledged.add(body["data"]["result"]["email"])
                else:
                    refusals.extend(error["message"] for error in body["errors"])
                if back:
                    after.append(saved)
                n += 1
                await asyncio.sleep(0.01)

        async def restart_soon() -> None:
            await asyncio.sleep(0.15)
            await asyncio.to_thread(cluster.restart)
            restarted.set()

        await asyncio.gather(restart_soon(), *(traffic(k) for k in range(4)))
        assert set(refusals) <= {DATABASE_UNAVAILABLE, DATABASE_BUSY}
        assert (await served.http.get("/health")).status_code == 200
        emails: set[str] = set()
        for skip in range(0, len(acknowledged) + 1, 100):
            page = await served.post(f"{{ users(skip: {skip}, limit: 100) {{ email }} }}")
            emails |= {user["email"] for user in page.json()["data"]["users"]}
        assert acknowledged <= emails  # every write answered as saved was saved
        # the service came back by itself: once the database is up, writes succeed again
        # (the first after it may still meet a connection opened before the restart)
        for client, after in after_restart.items():
            assert all(after[1:]), (client, after)
