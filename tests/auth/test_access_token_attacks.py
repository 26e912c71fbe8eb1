"""Access tokens that must not get in: every one is answered 401 with
`WWW-Authenticate: Bearer error="invalid_token"` before anything executes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from models import User
from tests.auth.conftest import AuthClient
from tests.conftest import operation

Claims = dict[str, Any]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def part(value: Claims) -> str:
    return b64(json.dumps(value).encode())


@pytest.fixture
async def session(anonymous: AuthClient) -> Any:
    return await anonymous.session("ada@example.com")


@pytest.fixture
def claims(app: Starlette, session: Any) -> Claims:
    """What our tokens claim, for the new user, valid now."""
    settings = app.state.tokens.settings
    now = datetime.now(UTC).replace(microsecond=0)
    return {
        "sub": session["user"]["id"],
        "role": "CUSTOMER",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=15)).timestamp()),
        "iss": settings.issuer,
        "aud": settings.audience,
        "jti": "j1",
    }


@pytest.fixture
def sign(app: Starlette) -> Callable[[Claims], str]:
    """Signed with our own key: only the claims can be wrong."""
    secret: str = app.state.tokens.secret
    return lambda claims: jwt.encode(claims, secret, algorithm="HS256")


async def assert_refused(client: AuthClient, token: str) -> None:
    response = await client.post(operation("Viewer"), token=token)
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"


async def test_a_token_we_signed_with_current_claims_is_accepted(
    anonymous: AuthClient, claims: Claims, sign: Callable[[Claims], str]
) -> None:
    assert (await anonymous.viewer(sign(claims)))["email"] == "ada@example.com"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"exp": -60}, id="expired"),
        pytest.param({"iat": +300}, id="issued-in-the-future"),
        pytest.param({"nbf": +300}, id="not-yet-valid"),
    ],
)
async def test_a_token_outside_its_lifetime_is_refused(
    anonymous: AuthClient, claims: Claims, sign: Callable[[Claims], str], change: dict[str, int]
) -> None:
    now = int(datetime.now(UTC).timestamp())
    await assert_refused(anonymous, sign({**claims, **{k: now + v for k, v in change.items()}}))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"aud": "another-api"}, id="audience"),
        pytest.param({"iss": "someone-else"}, id="issuer"),
        pytest.param({"role": "ADMIN"}, id="unknown-role"),
        pytest.param({"sub": "not-a-number"}, id="subject"),
    ],
)
async def test_a_token_with_a_wrong_claim_is_refused(
    anonymous: AuthClient, claims: Claims, sign: Callable[[Claims], str], change: Claims
) -> None:
    await assert_refused(anonymous, sign({**claims, **change}))


@pytest.mark.parametrize("missing", ["sub", "role", "iat", "exp", "iss", "aud", "jti"])
async def test_a_token_missing_a_claim_is_refused(
    anonymous: AuthClient, claims: Claims, sign: Callable[[Claims], str], missing: str
) -> None:
    await assert_refused(anonymous, sign({k: v for k, v in claims.items() if k != missing}))


async def test_a_token_whose_payload_was_changed_is_refused(
    anonymous: AuthClient, session: Any
) -> None:
    header, _, signature = session["accessToken"].split(".")
    payload = jwt.decode(session["accessToken"], options={"verify_signature": False})

    promoted = part({**payload, "role": "OPERATOR"})

    await assert_refused(anonymous, f"{header}.{promoted}.{signature}")


async def test_an_unsigned_token_is_refused(anonymous: AuthClient, claims: Claims) -> None:
    for algorithm in ("none", "None", "NONE"):
        header = part({"alg": algorithm, "typ": "JWT"})
        await assert_refused(anonymous, f"{header}.{part(claims)}.")


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
async def test_a_token_signed_with_our_key_under_another_algorithm_is_refused(
    anonymous: AuthClient, app: Starlette, claims: Claims, algorithm: str
) -> None:
    token = jwt.encode(claims, app.state.tokens.secret, algorithm=algorithm)

    await assert_refused(anonymous, token)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 5000])
async def test_something_that_is_not_a_token_is_refused(anonymous: AuthClient, token: str) -> None:
    response = await anonymous.post(operation("Viewer"), token=token or " ")
    assert response.status_code == 401


async def test_a_deleted_users_token_has_no_viewer(
    anonymous: AuthClient, engine: AsyncEngine, session: Any
) -> None:
    async with engine.begin() as connection:
        await connection.execute(delete(User))

    assert await anonymous.viewer(session["accessToken"]) is None
    refused = await anonymous.refresh(session["refreshToken"])
    assert refused["__typename"] == "AuthError"  # its sessions went with it
