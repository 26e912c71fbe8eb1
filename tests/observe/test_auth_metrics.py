"""Refused tokens are counted by reason and named in the request's log line."""

from __future__ import annotations

import logging

import pytest

from tests.apps import serving
from tests.observe.scraping import moved, sample, scrape

FAILURES = "mwallet_auth_failures_total"


async def test_a_refused_bearer_token_moves_invalid_token_by_one_and_is_logged(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(database_url) as served:
        before = await scrape(served.http)

        with caplog.at_level(logging.INFO, logger="mwallet.requests"):
            response = await served.http.post(
                "/graphql",
                json={"query": "{ __typename }"},
                headers={"Authorization": "Bearer forged.token.value"},
            )

        after = await scrape(served.http)
    assert response.status_code == 401
    assert moved(before, after, FAILURES) == {sample(FAILURES, reason="invalid_token"): 1}
    lines = [r.getMessage() for r in caplog.records if r.name == "mwallet.requests"]
    assert any("auth_failure=invalid_token" in line and "status=401" in line for line in lines)
    assert not any("forged.token.value" in line for line in lines)  # tokens never logged


LOG_IN = """mutation LogIn($email: String!, $password: String!) {
  logIn(email: $email, password: $password) { __typename }
}"""


async def test_failed_and_throttled_log_ins_are_counted_by_reason(database_url: str) -> None:
    async with serving(database_url) as served:
        before = await scrape(served.http)
        wrong = {"email": "nobody@example.com", "password": "not the password"}
        answers = [
            (await served.post(LOG_IN, wrong)).json()["data"]["logIn"]["__typename"]
            for _ in range(6)  # five refusals, then the email is locked out
        ]
        after = await scrape(served.http)

    assert answers == ["AuthError"] * 6
    assert moved(before, after, FAILURES) == {
        sample(FAILURES, reason="bad_credentials"): 5,
        sample(FAILURES, reason="throttled"): 1,
    }
