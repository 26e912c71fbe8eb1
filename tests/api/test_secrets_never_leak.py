"""No secret leaks: the account key is never returned, and the SQLite driver logs no
statement (with its values) even at DEBUG."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from gql_server.database import create_engine
from tests.api.refusal_checks import (
    assert_no_leak,
    no_leak_in_logs,  # noqa: F401  autouse: no test here may log a leak
    user_with_address,
)
from tests.conftest import GraphQLClient


async def test_account_key_is_never_returned(gql: GraphQLClient, client: httpx.AsyncClient) -> None:
    _, address = await user_with_address(gql)
    response = await client.post(
        "/graphql",
        json={"query": f'{{ address(id: "{address["id"]}") {{ accountKey }} }}'},
    )
    assert "Cannot query field 'accountKey'" in response.json()["errors"][0]["message"]
    assert_no_leak(response.text)


async def test_the_sqlite_driver_logs_no_statement_even_at_debug(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    logging.getLogger("aiosqlite").setLevel(logging.NOTSET)  # as a fresh process has it
    caplog.set_level(logging.DEBUG)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'logged.db'}")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 'a-secret-value'"))
    finally:
        await engine.dispose()

    assert "a-secret-value" not in caplog.text
