"""/health tells a load balancer whether this instance can reach its database."""

from __future__ import annotations

import httpx

from gql_server.http.app import create_app
from tests.conftest import suite_settings


async def test_health_is_200_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert (response.status_code, response.json()["status"]) == (200, "ok")


async def test_health_is_503_when_the_database_is_unreachable() -> None:
    app = create_app(suite_settings("postgresql+asyncpg://postgres@127.0.0.1:1/none"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/health")

    assert (response.status_code, response.json()["status"]) == (503, "unavailable")
