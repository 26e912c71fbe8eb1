"""Bearer tokens at the HTTP boundary (RFC 6750), and the key that signs them."""

from __future__ import annotations

from pathlib import Path

import httpx
import jwt
import pytest
from starlette.applications import Starlette

from gql_server.auth.secret import SECRET_FILE, signing_secret
from gql_server.auth_settings import AuthSettings, AuthSettingsError, auth_from_env
from gql_server.http.app import create_app
from gql_server.settings import Settings
from models import Role

QUERY = {"query": "{ users { id } }"}


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Bearer not-a-jwt", id="garbage"),
        pytest.param("Bearer ", id="empty"),
        pytest.param("Basic dXNlcjpwYXNz", id="basic"),
        pytest.param("bearer", id="no-token"),
    ],
)
async def test_an_authorization_header_that_is_not_our_token_gets_401_and_runs_nothing(
    anonymous: httpx.AsyncClient, sql: object, header: str
) -> None:
    response = await anonymous.post("/graphql", json=QUERY, headers={"Authorization": header})

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"


async def test_a_token_signed_with_another_key_gets_401(
    app: Starlette, anonymous: httpx.AsyncClient
) -> None:
    other = jwt.encode(
        {
            "sub": "0",
            "role": "OPERATOR",
            "iat": 0,
            "exp": 2**40,
            "iss": "mwallet-gql",
            "aud": "mwallet-gql",
            "jti": "x",
        },
        "another key of at least thirty-two bytes!",
        algorithm="HS256",
    )
    response = await anonymous.post(
        "/graphql", json=QUERY, headers={"Authorization": f"Bearer {other}"}
    )

    assert response.status_code == 401


async def test_without_a_token_a_query_answers_unauthenticated_and_reads_nothing(
    anonymous: httpx.AsyncClient, sql: object
) -> None:
    body = (await anonymous.post("/graphql", json=QUERY)).json()

    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"]


async def test_without_a_token_typename_still_answers(anonymous: httpx.AsyncClient) -> None:
    body = (await anonymous.post("/graphql", json={"query": "{ __typename }"})).json()

    assert body == {"data": {"__typename": "Query"}}


def test_production_refuses_to_start_without_a_signing_secret() -> None:
    with pytest.raises(AuthSettingsError, match="MWALLET_JWT_SECRET is required"):
        Settings(production=True)
    with pytest.raises(AuthSettingsError, match="MWALLET_JWT_SECRET is required"):
        auth_from_env({}, production=True)


def test_a_signing_secret_shorter_than_32_bytes_is_refused() -> None:
    with pytest.raises(AuthSettingsError, match="at least 32 bytes"):
        auth_from_env({"MWALLET_JWT_SECRET": "too short"}, production=False)


def test_outside_production_a_secret_is_generated_once_beside_the_sqlite_database(
    tmp_path: Path,
) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.db")

    first = signing_secret(settings)
    again = signing_secret(settings)

    assert first == again and len(first) >= 32
    secret_file = tmp_path / SECRET_FILE
    assert secret_file.read_text().strip() == first
    assert secret_file.stat().st_mode & 0o077 == 0  # readable by the server's user only


async def test_a_token_issued_before_a_restart_still_works_after_it(
    tmp_path: Path,
) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.db")
    issued = create_app(settings).state.tokens.issue(1, Role.CUSTOMER)

    restarted = create_app(settings).state.tokens

    assert restarted.viewer(issued.token).user_id == 1


def test_a_configured_secret_is_used_and_no_file_is_written(
    tmp_path: Path,
) -> None:
    secret = "s" * 40
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.db",
        auth=AuthSettings(jwt_secret=secret),
    )

    assert signing_secret(settings) == secret
    assert not (tmp_path / SECRET_FILE).exists()
