"""Signing up and in through the API: who the tokens speak for, and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from models import User
from tests.auth.conftest import PASSWORD, AuthClient, refused


async def test_a_new_account_is_signed_in_as_a_customer(anonymous: AuthClient) -> None:
    # when
    session = await anonymous.sign_up("ada@example.com")

    # then: its access token names the new user, for 15 minutes
    assert session["__typename"] == "Session"
    assert session["user"]["email"] == "ada@example.com"
    viewer = await anonymous.viewer(session["accessToken"])
    assert viewer["id"] == session["user"]["id"]
    assert viewer["role"] == "CUSTOMER"
    expires = datetime.fromisoformat(session["expiresAt"])
    lifetime = expires - datetime.now(UTC)
    assert timedelta(minutes=14) < lifetime <= timedelta(minutes=15)


async def test_anonymous_clients_have_no_viewer(anonymous: AuthClient) -> None:
    assert await anonymous.viewer(None) is None


async def test_a_password_is_stored_only_as_an_argon2id_hash(
    anonymous: AuthClient, engine: AsyncEngine
) -> None:
    await anonymous.sign_up("ada@example.com")

    async with engine.connect() as connection:
        stored = await connection.scalar(select(User.password_hash))

    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


async def test_log_in_opens_a_session_for_the_account(anonymous: AuthClient) -> None:
    signed_up = await anonymous.sign_up("ada@example.com")

    session = await anonymous.log_in("ada@example.com")

    assert session["__typename"] == "Session"
    assert session["user"]["id"] == signed_up["user"]["id"]
    assert session["refreshToken"] != signed_up["refreshToken"]
    assert (await anonymous.viewer(session["accessToken"]))["email"] == "ada@example.com"


async def test_an_email_is_matched_however_it_is_capitalised(anonymous: AuthClient) -> None:
    signed_up = await anonymous.sign_up("  Ada@Example.COM ")

    session = await anonymous.log_in("ADA@example.com")

    assert signed_up["user"]["email"] == "ada@example.com"
    assert session["__typename"] == "Session"


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    anonymous: AuthClient,
) -> None:
    await anonymous.sign_up("ada@example.com")

    wrong_password = await anonymous.log_in("ada@example.com", "not the password at all")
    unknown_email = await anonymous.log_in("nobody@example.com")

    refused(wrong_password, "wrong email or password")
    assert unknown_email == wrong_password


@pytest.mark.parametrize("password", ["short", "x" * 11, "x" * 257])
async def test_a_password_outside_12_to_256_characters_is_refused_on_its_field(
    anonymous: AuthClient, password: str
) -> None:
    result = await anonymous.sign_up("ada@example.com", password)

    assert result["__typename"] == "ValidationError"
    assert result["field"] == "password"
    assert result["message"] == "password must be between 12 and 256 characters"
    refused(await anonymous.log_in("ada@example.com", password), "wrong email or password")


async def test_passwords_of_12_and_256_characters_are_accepted(anonymous: AuthClient) -> None:
    for n, password in enumerate(["x" * 12, "é" * 256]):
        session = await anonymous.sign_up(f"user{n}@example.com", password)
        assert session["__typename"] == "Session"
        assert (await anonymous.log_in(f"user{n}@example.com", password))["__typename"] == (
            "Session"
        )


async def test_sign_up_checks_the_email_as_create_user_does(anonymous: AuthClient) -> None:
    await anonymous.sign_up("ada@example.com")

    taken = await anonymous.sign_up("ADA@example.com")
    invalid = await anonymous.sign_up("not-an-email")

    assert (taken["__typename"], taken["field"]) == ("ValidationError", "email")
    assert "already taken" in taken["message"]
    assert (invalid["__typename"], invalid["field"]) == ("ValidationError", "email")


async def test_sign_up_refuses_an_empty_name(anonymous: AuthClient) -> None:
    result = await anonymous.sign_up("ada@example.com", name=" ")

    assert (result["__typename"], result["field"]) == ("ValidationError", "name")


async def test_a_user_without_a_password_cannot_log_in_with_any(
    anonymous: AuthClient, engine: AsyncEngine
) -> None:
    # given: an account that signs in elsewhere (no password hash), as createUser makes
    await anonymous.sign_up("ada@example.com")
    async with engine.begin() as connection:
        await connection.execute(update(User).values(password_hash=None))

    refused(await anonymous.log_in("ada@example.com"), "wrong email or password")
