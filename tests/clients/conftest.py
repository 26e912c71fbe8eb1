"""Fixtures for the client tests: the real server process, and the tools the
frontend uses (node for TypeScript, Chromium for GraphiQL and cross-origin pages).

A tool that is missing skips its tests locally; under CI=true it is a failure,
because `make test` installs every one of them.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import (
    SUITE_JWT_SECRET,
    add_operator,
    bearer,
    migrated_url,
    operation,
    operator_token_for_servers,
)

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_SECONDS = 30.0
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def require(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (CI) when a tool the test drives is missing."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " (CI=true: `make test` installs it)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """`mwallet-gql serve` in its own process, as the frontends will talk to it: signing
    with the suite's key, its database holding the suite's operator."""

    def __init__(self, database_url: str, log: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        asyncio.run(add_operator(database_url))
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "MWALLET_JWT_SECRET": SUITE_JWT_SECRET,
            **env,
        }
        executable = Path(sys.executable).parent / "mwallet-gql"
        command = [str(executable), "serve", "--port", str(self.port)]
        self.log = log.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server exited; see {self.log.name}"
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"server did not answer /health; see {self.log.name}")

    @property
    def token(self) -> str:
        """A fresh access token of the suite's operator (tokens expire)."""
        return operator_token_for_servers()

    def create_ada(self) -> None:
        """A user for the pages to find, created as a client would (CreateUser)."""
        variables = {"input": {"name": "Ada", "surname": "Lovelace", "email": "ada@example.com"}}
        created = httpx.post(
            f"{self.url}/graphql",
            json={"query": operation("CreateUser"), "variables": variables},
            headers=bearer(self.token),
        ).json()
        assert created["data"]["result"]["__typename"] == "User"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


def start_server(directory: Path, **env: str) -> Iterator[LiveServer]:
    server = LiveServer(migrated_url("sqlite", directory), directory / "server.log", **env)
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The server on a free port with a freshly migrated SQLite database."""
    yield from start_server(tmp_path_factory.mktemp("live"))


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium driven by chromedriver, its console log kept."""
    require(CHROMIUM.exists() and CHROMEDRIVER.exists(), "Chromium is not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,800",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
