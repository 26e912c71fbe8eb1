"""Who may read /metrics: in production only the holder of the token, and nobody without one."""

from __future__ import annotations

import pytest

from gql_server.settings import ObservabilitySettings
from tests.apps import serving

TOKEN = "s3cret-metrics-token"
WITH_TOKEN = ObservabilitySettings(metrics_token=TOKEN)


async def test_production_without_a_token_does_not_serve_metrics(database_url: str) -> None:
    async with serving(database_url, production=True) as production:
        assert (await production.http.get("/metrics")).status_code == 404
        authorized = {"authorization": "Bearer anything"}
        assert (await production.http.get("/metrics", headers=authorized)).status_code == 404


@pytest.mark.parametrize("production", [True, False], ids=["production", "development"])
async def test_a_configured_token_is_required(database_url: str, production: bool) -> None:
    async with serving(database_url, production=production, observability=WITH_TOKEN) as served:
        missing = await served.http.get("/metrics")
        wrong = await served.http.get("/metrics", headers={"authorization": "Bearer nope"})
        not_bearer = await served.http.get("/metrics", headers={"authorization": TOKEN})
        right = await served.http.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})

    assert [missing.status_code, wrong.status_code, not_bearer.status_code] == [401, 401, 401]
    assert missing.headers["www-authenticate"] == "Bearer"
    assert TOKEN not in missing.text + wrong.text
    assert right.status_code == 200
    assert "# TYPE mwallet_requests_total counter" in right.text


async def test_development_without_a_token_serves_metrics_openly(database_url: str) -> None:
    async with serving(database_url) as development:
        response = await development.http.get("/metrics")

    assert response.status_code == 200
    assert "mwallet_db_pool_waiters 0.0" in response.text


async def test_metrics_and_health_are_not_counted_as_operations(database_url: str) -> None:
    async with serving(database_url) as served:
        for path in ("/metrics", "/health", "/metrics"):
            await served.http.get(path)
        text = (await served.http.get("/metrics")).text

    assert "mwallet_requests_total{" not in text
