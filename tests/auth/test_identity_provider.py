"""Tokens of an external identity provider (OIDC): accepted when its published key signed
them for us and it verified the email; the viewer is our user with that email, with the
role of our row whatever the token claims."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.auth_settings import AuthSettings
from gql_server.domain.clock import utcnow
from gql_server.http.app import create_app
from gql_server.settings import Settings
from models import Role, User
from tests.auth.conftest import AuthClient
from tests.auth.provider import AUDIENCE, ISSUER, Key, Provider, claims, serving_provider
from tests.auth.test_access_token_attacks import assert_refused, b64, part


@pytest.fixture(scope="module")
def rsa_key() -> Key:
    return Key.rsa("rsa-1")


@pytest.fixture(scope="module")
def ec_key() -> Key:
    return Key.ec("ec-1")


@pytest.fixture
def provider(rsa_key: Key, ec_key: Key) -> Iterator[Provider]:
    with serving_provider(rsa_key, ec_key) as serving:
        yield serving


@asynccontextmanager
async def trusting(
    database_url: str, provider: Provider, cooldown: float = 0.0
) -> AsyncIterator[AuthClient]:
    """A client of an app that trusts `provider` (refetching its keys after `cooldown`)."""
    auth = AuthSettings(
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=provider.url,
        oidc_jwks_cooldown_seconds=cooldown,
    )
    app = create_app(Settings(database_url=database_url, auth=auth))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield AuthClient(http)


@pytest.fixture
async def client(database_url: str, provider: Provider) -> AsyncIterator[AuthClient]:
    async with trusting(database_url, provider) as served:
        yield served


@pytest.fixture
async def ada(engine: AsyncEngine) -> int:
    """A customer with no password: she signs in with the provider only."""
    row = {"name": "Ada", "surname": "Lovelace", "email": "ada@example.com", "role": Role.CUSTOMER}
    async with engine.begin() as connection:
        inserted = await connection.execute(
            insert(User).values(**row, lastchange=utcnow()).returning(User.id)
        )
        user_id: int = inserted.scalar_one()
    return user_id


async def test_a_verified_email_signs_in_our_user_with_our_role(
    client: AuthClient, ada: int, rsa_key: Key, ec_key: Key
) -> None:
    for key in (rsa_key, ec_key):
        token = key.sign(claims("ada@example.com", role="OPERATOR", roles=["admin"]))

        viewer = await client.viewer(token)

        assert (viewer["id"], viewer["role"]) == (str(ada), "CUSTOMER")


async def test_an_email_we_have_no_user_for_is_refused(client: AuthClient, rsa_key: Key) -> None:
    await assert_refused(client, rsa_key.sign(claims("nobody@example.com")))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"email_verified": False}, id="email-not-verified"),
        pytest.param({"email_verified": "true"}, id="verified-as-a-string"),
        pytest.param({"email_verified": None}, id="verification-unknown"),
        pytest.param({"aud": "another-client"}, id="audience"),
        pytest.param({"iss": "https://evil.example.com/"}, id="issuer"),
        pytest.param({"exp": 1}, id="expired"),
        pytest.param({"email": None}, id="no-email"),
    ],
)
async def test_a_token_the_provider_did_not_issue_for_us_as_a_verified_email_is_refused(
    client: AuthClient, ada: int, rsa_key: Key, change: dict[str, Any]
) -> None:
    given = {k: v for k, v in claims("ada@example.com", **change).items() if v is not None}

    await assert_refused(client, rsa_key.sign(given))


async def test_a_key_the_provider_rotated_in_is_fetched_and_accepted(
    database_url: str, provider: Provider, ada: int, rsa_key: Key
) -> None:
    async with trusting(database_url, provider) as client:
        # given: the keys were fetched once
        assert await client.viewer(rsa_key.sign(claims("ada@example.com")))
        assert provider.fetches == 1

        # when: the provider publishes a new key and signs with it
        rotated = Key.rsa("rsa-2")
        provider.published = [rotated]
        viewer = await client.viewer(rotated.sign(claims("ada@example.com")))

        # then: the keys were fetched again, once, and the token accepted
        assert viewer["id"] == str(ada)
        assert provider.fetches == 2
        assert await client.viewer(rotated.sign(claims("ada@example.com")))
        assert provider.fetches == 2


async def test_a_token_signed_by_a_key_the_provider_never_published_is_refused(
    client: AuthClient, provider: Provider, ada: int, rsa_key: Key
) -> None:
    stranger = Key.rsa("rsa-9")
    impostor = Key(rsa_key.kid, stranger.private, "RS256")  # names a published key

    await assert_refused(client, stranger.sign(claims("ada@example.com")))
    await assert_refused(client, impostor.sign(claims("ada@example.com")))
    await assert_refused(client, rsa_key.sign(claims("ada@example.com"), kid=None))


async def test_unknown_key_ids_refetch_the_keys_at_most_once_per_cooldown(
    database_url: str, provider: Provider, ada: int, rsa_key: Key
) -> None:
    async with trusting(database_url, provider, cooldown=30.0) as client:
        assert await client.viewer(rsa_key.sign(claims("ada@example.com")))

        for n in range(5):
            await assert_refused(
                client,
                Key(f"made-up-{n}", rsa_key.private, "RS256").sign(claims("ada@example.com")),
            )

        assert provider.fetches == 1


async def test_hs256_signed_with_the_providers_public_key_is_refused(
    client: AuthClient, ada: int, rsa_key: Key
) -> None:
    """Algorithm confusion: a verifier that took the header's `alg` with the published RSA
    key would check this HMAC with the public key as the secret, and accept it."""
    public = rsa_key.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = f"{part({'alg': 'HS256', 'typ': 'JWT', 'kid': rsa_key.kid})}." + part(
        claims("ada@example.com")
    )
    signature = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()

    await assert_refused(client, f"{signing_input}.{b64(signature)}")


async def test_a_token_claiming_another_algorithm_than_its_key_is_refused(
    client: AuthClient, ada: int, rsa_key: Key, ec_key: Key
) -> None:
    # an RSA key's token relabelled ES256, and an EC key's relabelled RS256
    for key, claimed in ((rsa_key, "ES256"), (ec_key, "RS256")):
        _, payload, signature = key.sign(claims("ada@example.com")).split(".")
        relabelled = part({"alg": claimed, "typ": "JWT", "kid": key.kid})
        await assert_refused(client, f"{relabelled}.{payload}.{signature}")


async def test_without_a_configured_provider_its_tokens_are_refused(
    anonymous: AuthClient, ada: int, rsa_key: Key
) -> None:
    await assert_refused(anonymous, rsa_key.sign(claims("ada@example.com")))


def test_the_provider_and_its_key_cooldown_are_read_from_the_environment() -> None:
    env = {
        "MWALLET_OIDC_ISSUER": ISSUER,
        "MWALLET_OIDC_AUDIENCE": AUDIENCE,
        "MWALLET_OIDC_JWKS_URL": "https://id.example.com/.well-known/jwks.json",
        "MWALLET_OIDC_JWKS_COOLDOWN_SECONDS": "5",
    }

    auth = Settings.from_env(env).auth

    assert auth.oidc
    assert auth.oidc_jwks_cooldown_seconds == 5.0
    assert Settings.from_env({}).auth.oidc_jwks_cooldown_seconds == 30.0
