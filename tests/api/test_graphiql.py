"""GraphiQL is served by the app itself under a same-origin-only policy, and
turning it off leaves the API untouched."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gql_server.http import graphiql
from tests.apps import another_instance
from tests.conftest import OPERATOR_ID

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
async def client_without_graphiql(
    database_url: str, operator_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in as the suite's operator (whose row `operator_token` made)."""
    async with another_instance(database_url, graphiql=False) as http:
        yield http


@pytest.fixture
def assets() -> None:
    if not graphiql.assets_built():
        pytest.fail("GraphiQL's files are missing: `make test` builds them (make graphiql-assets)")


async def test_browser_gets_graphiql_that_loads_only_same_origin_files(
    client: httpx.AsyncClient, assets: None
) -> None:
    page = await client.get("/graphql", headers=BROWSER)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == graphiql.CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert {f"graphiql/vendor/{name}" for name in graphiql.VENDOR_FILES} <= set(sources)
    for source in sources:
        assert "//" not in source
        asset = await client.get(f"/{source}")
        assert asset.status_code == 200, source
        assert asset.headers["content-security-policy"] == graphiql.CONTENT_SECURITY_POLICY


async def test_turned_off_graphiql_answers_404_while_post_keeps_working(
    client_without_graphiql: httpx.AsyncClient,
) -> None:
    page = await client_without_graphiql.get("/graphql", headers=BROWSER)
    asset = await client_without_graphiql.get("/graphiql/vendor/graphiql.min.js")
    query = await client_without_graphiql.post("/graphql", json={"query": "{ users { id } }"})

    assert page.status_code == 404
    assert "GraphiQL" not in page.text
    assert asset.status_code == 404
    assert query.status_code == 200
    assert query.json() == {"data": {"users": [{"id": str(OPERATOR_ID)}]}}  # the operator


def test_unbuilt_assets_are_explained_in_plain_text(tmp_path: Path) -> None:
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "graphiql.min.js").write_text("")

    response = graphiql.page(tmp_path)

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/plain")
    assert b"make graphiql-assets" in response.body
