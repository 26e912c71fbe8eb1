"""Refresh tokens as a client uses them: each works once, a replay ends the session
everywhere, and log-out and a changed password end sessions too."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from models import Role, User, UserSession
from tests.auth.conftest import PASSWORD, AuthClient, refused

NEW_PASSWORD = "another long passphrase"


async def test_a_refresh_token_is_traded_once_for_a_new_session(anonymous: AuthClient) -> None:
    first = await anonymous.session("ada@example.com")

    second = await anonymous.refresh(first["refreshToken"])

    assert second["__typename"] == "Session"
    assert second["user"]["id"] == first["user"]["id"]
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] != first["accessToken"]
    assert (await anonymous.viewer(second["accessToken"]))["email"] == "ada@example.com"
    third = await anonymous.refresh(second["refreshToken"])
    assert third["__typename"] == "Session"


async def test_a_replayed_refresh_token_signs_its_whole_family_out(anonymous: AuthClient) -> None:
    # given: a token that was refreshed, and the token that replaced it
    first = await anonymous.session("ada@example.com")
    second = await anonymous.refresh(first["refreshToken"])
    elsewhere = await anonymous.log_in("ada@example.com")  # another sign-in, another family

    # when: the first is presented again (by a thief, or by its owner after the thief)
    replay = await anonymous.refresh(first["refreshToken"])

    # then: refused, and the newer token of the family is dead too
    refused(replay, "already used")
    refused(await anonymous.refresh(second["refreshToken"]), "already used")
    assert (await anonymous.refresh(elsewhere["refreshToken"]))["__typename"] == "Session"


async def test_of_two_concurrent_refreshes_with_one_token_exactly_one_wins(
    anonymous: AuthClient,
) -> None:
    first = await anonymous.session("ada@example.com")

    results = await asyncio.gather(*(anonymous.refresh(first["refreshToken"]) for _ in range(2)))

    kinds = sorted(result["__typename"] for result in results)
    assert kinds == ["AuthError", "Session"]
    # the second presentation cannot be told from a replay: the family is signed out
    (winner,) = (result for result in results if result["__typename"] == "Session")
    refused(await anonymous.refresh(winner["refreshToken"]), "already used")


async def test_an_unknown_refresh_token_is_refused(anonymous: AuthClient) -> None:
    refused(await anonymous.refresh("made-up-token"), "not valid")


async def test_an_expired_refresh_token_is_refused_without_ending_the_family(
    anonymous: AuthClient, engine: AsyncEngine
) -> None:
    session = await anonymous.session("ada@example.com")
    async with engine.begin() as connection:
        past = datetime.now(UTC) - timedelta(seconds=1)
        await connection.execute(update(UserSession).values(expires_at=past))

    refused(await anonymous.refresh(session["refreshToken"]), "expired")
    refused(await anonymous.refresh(session["refreshToken"]), "expired")


async def test_a_refresh_token_lives_thirty_days_and_is_stored_only_as_its_hash(
    anonymous: AuthClient, engine: AsyncEngine
) -> None:
    session = await anonymous.session("ada@example.com")

    async with engine.connect() as connection:
        (stored,) = (await connection.execute(select(UserSession))).all()

    assert stored.token_hash == hashlib.sha256(session["refreshToken"].encode()).hexdigest()
    assert session["refreshToken"] not in [str(value) for value in stored]
    assert timedelta(days=30) - (stored.expires_at - stored.created_at) == timedelta(0)
    assert len(session["refreshToken"]) >= 43  # 32 random bytes, base64url


async def test_a_refreshed_access_token_carries_the_role_the_user_has_now(
    anonymous: AuthClient, engine: AsyncEngine
) -> None:
    session = await anonymous.session("ada@example.com")
    async with engine.begin() as connection:
        await connection.execute(update(User).values(role=Role.OPERATOR))

    refreshed = await anonymous.refresh(session["refreshToken"])

    assert (await anonymous.viewer(refreshed["accessToken"]))["role"] == "OPERATOR"


async def test_log_out_ends_the_session_of_the_token(anonymous: AuthClient) -> None:
    first = await anonymous.session("ada@example.com")
    second = await anonymous.refresh(first["refreshToken"])
    other = await anonymous.log_in("ada@example.com")

    assert await anonymous.log_out(first["refreshToken"]) is True  # any token of the family

    refused(await anonymous.refresh(second["refreshToken"]))
    assert (await anonymous.refresh(other["refreshToken"]))["__typename"] == "Session"
    assert await anonymous.log_out(second["refreshToken"]) is True  # known, already ended
    assert await anonymous.log_out("made-up-token") is False


async def test_changing_the_password_ends_every_session_and_opens_a_new_one(
    anonymous: AuthClient,
) -> None:
    # given: two sessions of one user
    mine = await anonymous.session("ada@example.com")
    other = await anonymous.log_in("ada@example.com")

    # when
    changed = await anonymous.change_password(mine["accessToken"], PASSWORD, NEW_PASSWORD)

    # then: both old sessions are over; the new one and the new password work
    assert changed["__typename"] == "Session"
    refused(await anonymous.refresh(mine["refreshToken"]))
    refused(await anonymous.refresh(other["refreshToken"]))
    assert (await anonymous.refresh(changed["refreshToken"]))["__typename"] == "Session"
    refused(await anonymous.log_in("ada@example.com", PASSWORD), "wrong email or password")
    assert (await anonymous.log_in("ada@example.com", NEW_PASSWORD))["__typename"] == "Session"


async def test_changing_the_password_needs_the_current_one_and_a_valid_new_one(
    anonymous: AuthClient,
) -> None:
    session = await anonymous.session("ada@example.com")
    access = session["accessToken"]

    wrong = await anonymous.change_password(access, "not the password at all", NEW_PASSWORD)
    short = await anonymous.change_password(access, PASSWORD, "too short")

    refused(wrong, "the current password is wrong")
    assert (short["__typename"], short["field"]) == ("ValidationError", "newPassword")
    assert (await anonymous.refresh(session["refreshToken"]))["__typename"] == "Session"


async def test_changing_the_password_needs_a_signed_in_viewer(anonymous: AuthClient) -> None:
    refused(await anonymous.change_password(None, PASSWORD, NEW_PASSWORD), "sign in")
