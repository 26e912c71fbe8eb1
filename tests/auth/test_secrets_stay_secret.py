"""Passwords and tokens go nowhere but where they belong: not into logs, and the time a
log-in takes does not tell which emails have accounts."""

from __future__ import annotations

import logging
import statistics
import time

import pytest

from tests.auth.conftest import PASSWORD, AuthClient

NEW_PASSWORD = "another long passphrase"


async def test_no_log_line_holds_a_password_or_a_token(
    anonymous: AuthClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    signed_up = await anonymous.sign_up("ada@example.com")
    logged_in = await anonymous.log_in("ada@example.com")
    await anonymous.log_in("ada@example.com", "a wrong guess at it")
    refreshed = await anonymous.refresh(logged_in["refreshToken"])
    changed = await anonymous.change_password(refreshed["accessToken"], PASSWORD, NEW_PASSWORD)
    await anonymous.log_out(changed["refreshToken"])

    assert "mwallet.requests" in caplog.text  # the requests were logged
    secrets = [PASSWORD, NEW_PASSWORD, "a wrong guess at it"]
    for session in (signed_up, logged_in, refreshed, changed):
        secrets += [session["refreshToken"], session["accessToken"]]
    assert [secret for secret in secrets if secret in caplog.text] == []


async def test_an_unknown_email_costs_what_a_wrong_password_costs(anonymous: AuthClient) -> None:
    """A security property, not a performance one: an unknown email is checked against a
    dummy hash, so timing cannot enumerate accounts. Medians of a few attempts each (fewer
    than the throttle's limit), within a factor of 3 of each other."""
    await anonymous.sign_up("ada@example.com")
    await anonymous.log_in("warm-up@example.com")  # the dummy hash is made on first use

    async def seconds(email: str) -> float:
        started = time.perf_counter()
        result = await anonymous.log_in(email, "a wrong guess at it")
        assert result["message"] == "wrong email or password"
        return time.perf_counter() - started

    wrong_password = [await seconds("ada@example.com") for _ in range(4)]
    unknown_email = [await seconds(f"nobody{n}@example.com") for n in range(4)]

    ratio = statistics.median(unknown_email) / statistics.median(wrong_password)
    assert 1 / 3 < ratio < 3, (wrong_password, unknown_email)
