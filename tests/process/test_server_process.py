"""The real console script serves the API over real HTTP."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from alembic import command

from migrations import alembic_config
from tests.conftest import SUITE_JWT_SECRET, add_operator, bearer, operator_token_for_servers

SCRIPT = Path(sys.executable).parent / "mwallet-gql"


def signed_in() -> dict[str, str]:
    """Headers of the suite's operator, for a server `running` started."""
    return bearer(operator_token_for_servers())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running(tmp_path: Path, *options: str) -> Iterator[tuple[str, list[str]]]:
    """`mwallet-gql serve` on a fresh SQLite file that holds the suite's operator, signing
    with the suite's key: its base URL, and its output once stopped."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'served.db'}"
    command.upgrade(alembic_config(url), "head")
    asyncio.run(add_operator(url))
    port = free_port()
    process = subprocess.Popen(
        [str(SCRIPT), "serve", "--port", str(port), *options],
        env={**os.environ, "DATABASE_URL": url, "MWALLET_JWT_SECRET": SUITE_JWT_SECRET},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    output: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not become healthy in 30 s")
        yield base, output
    finally:
        process.terminate()
        printed, _ = process.communicate(timeout=15)
        output.append(printed.decode())
        assert process.returncode == 0, output[0]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with running(tmp_path) as (base, _):
        yield base


@pytest.mark.parametrize(("options", "logged"), [((), True), (("--no-access-log",), False)])
def test_each_request_is_logged_unless_the_access_log_is_off(
    tmp_path: Path, options: tuple[str, ...], logged: bool
) -> None:
    with running(tmp_path, *options) as (base, output):
        query = {"query": "{ users { id } }"}
        assert httpx.post(f"{base}/graphql", json=query, headers=signed_in()).status_code == 200

    assert ('"POST /graphql HTTP/1.1" 200' in output[0]) is logged


def test_the_served_api_creates_and_reads_over_http(server: str) -> None:
    created = httpx.post(
        f"{server}/graphql",
        json={
            "query": 'mutation { createUser(input: {name: "Ada", surname: "L", '
            'email: "ada@example.com"}) { ... on User { id } } }'
        },
        headers=signed_in(),
    ).json()
    user_id = created["data"]["createUser"]["id"]

    read = httpx.post(
        f"{server}/graphql",
        json={"query": "query($id: ID!) { user(id: $id) { email } }", "variables": {"id": user_id}},
        headers=signed_in(),
    ).json()

    assert read == {"data": {"user": {"email": "ada@example.com"}}}


def test_a_browser_get_of_graphql_shows_graphiql(server: str) -> None:
    response = httpx.get(f"{server}/graphql", headers={"accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
