"""CORS: browsers on the listed origins may call the API and read its answers; other
origins get no allowance; a wrong list stops the server at start-up; mutations still
need POST `application/json`."""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gql_server import cli
from gql_server.settings import Settings, SettingsError
from tests.apps import Served, serving
from tests.conftest import SUITE_JWT_SECRET, migrated_url, operation

LISTED = "https://app.example.com"
UNLISTED = "https://evil.example.net"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type, x-request-id",
}
CREATE = {
    "query": operation("CreateUser"),
    "variables": {"input": {"name": "Eve", "surname": "Forger", "email": "eve@example.com"}},
}


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """CORS is the same on every backend: one SQLite database is enough."""
    return migrated_url("sqlite", tmp_path_factory.mktemp("cors"))


@pytest.fixture
async def served(sqlite_url: str) -> AsyncIterator[Served]:
    async with serving(sqlite_url, cors_origins=(LISTED, "http://127.0.0.1:5173")) as app:
        yield app


async def test_a_preflight_from_a_listed_origin_is_allowed_for_a_while(served: Served) -> None:
    response = await served.http.options("/graphql", headers={"origin": LISTED, **PREFLIGHT})
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == LISTED
    assert {"GET", "POST"} <= set(response.headers["access-control-allow-methods"].split(", "))
    allowed = response.headers["access-control-allow-headers"].lower().split(", ")
    assert {"authorization", "content-type", "x-request-id", "traceparent"} <= set(allowed)
    assert response.headers["access-control-max-age"] == "600"
    assert "Origin" in response.headers["vary"]
    assert "access-control-allow-credentials" not in response.headers
    # answered inside the request's record (its id), before GraphQL (no SQL)
    assert response.headers["x-request-id"]
    assert served.sql.count == 0


async def test_a_preflight_from_an_unlisted_origin_is_not_allowed(served: Served) -> None:
    response = await served.http.options("/graphql", headers={"origin": UNLISTED, **PREFLIGHT})
    assert "access-control-allow-origin" not in response.headers
    assert response.status_code == 400


async def test_a_post_from_a_listed_origin_may_be_read_with_its_request_id(
    served: Served,
) -> None:
    response = await served.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": LISTED}
    )
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["access-control-allow-origin"] == LISTED
    assert response.headers["access-control-expose-headers"] == "X-Request-Id"
    assert response.headers["x-request-id"]
    assert "Origin" in response.headers["vary"]


async def test_a_post_from_an_unlisted_origin_may_not_be_read(served: Served) -> None:
    response = await served.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": UNLISTED}
    )
    assert "access-control-allow-origin" not in response.headers


async def test_a_listed_origin_still_cannot_write_without_json(served: Served) -> None:
    response = await served.http.post(
        "/graphql",
        content=json.dumps(CREATE),
        headers={"origin": LISTED, "content-type": "text/plain"},
    )
    assert response.status_code == 400, response.text
    assert served.sql.count == 0


async def test_no_origins_listed_means_no_cors_headers(sqlite_url: str) -> None:
    async with serving(sqlite_url) as served:
        preflight = await served.http.options("/graphql", headers={"origin": LISTED, **PREFLIGHT})
        posted = await served.http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": LISTED}
        )
    for response in (preflight, posted):
        assert not [name for name in response.headers if name.startswith("access-control-")]


def test_origins_are_read_as_a_comma_separated_list() -> None:
    env = {"MWALLET_CORS_ORIGINS": f" {LISTED}, http://localhost:3000 ,"}
    assert Settings.from_env(env).cors_origins == (LISTED, "http://localhost:3000")
    assert Settings.from_env({}).cors_origins == ()


def test_any_origin_is_refused_in_production_only() -> None:
    assert Settings.from_env({"MWALLET_CORS_ORIGINS": "*"}).cors_origins == ("*",)
    production = {
        "MWALLET_ENV": "production",
        "MWALLET_CORS_ORIGINS": "*",
        "MWALLET_JWT_SECRET": SUITE_JWT_SECRET,  # production's other requirement, met
    }
    with pytest.raises(SettingsError, match=r"MWALLET_CORS_ORIGINS: `\*`.*production"):
        Settings.from_env(production)


@pytest.mark.parametrize(
    "origin",
    [
        "app.example.com",
        "https://app.example.com/",
        "https://app.example.com/graphql",
        "https://App.Example.com",
        "https://app.example.com:443",
        "ftp://app.example.com",
        "https://user@app.example.com",
        "https://app.example.com:99999",
        "https://app example.com",
        "null",
    ],
)
def test_a_malformed_origin_is_refused(origin: str) -> None:
    with pytest.raises(SettingsError, match="is not an origin"):
        Settings.from_env({"MWALLET_CORS_ORIGINS": f"{LISTED},{origin}"})


def test_the_command_stops_with_the_reason_before_serving(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.setenv("MWALLET_ENV", "production")
    monkeypatch.setenv("MWALLET_CORS_ORIGINS", "*")
    monkeypatch.setenv("MWALLET_JWT_SECRET", SUITE_JWT_SECRET)

    def served_anyway(args: argparse.Namespace, settings: Settings) -> None:
        raise AssertionError("served with `*` in production")

    monkeypatch.setattr(cli, "serve", served_anyway)
    with pytest.raises(SystemExit, match=r"mwallet-gql: MWALLET_CORS_ORIGINS: `\*`"):
        cli.main(["serve"])
