"""How a Python frontend signs in with the generated client, then asks as that user.

`log_in` answers a client that sends the new access token with every request; an
`AuthError` (wrong email or password, too many attempts) is raised for the caller to
show. The access token lasts 15 minutes: renew it with `refresh_session` and the
refresh token before then.
"""

from __future__ import annotations

from dataclasses import dataclass

from mwallet_client import Client
from mwallet_client.log_in import LogInResultAuthError, LogInResultSession
from rename_order import signed_in


class SignInRefused(Exception):
    """The server refused the credentials; the message says why, safe to show."""


@dataclass(frozen=True)
class SignedInClient:
    client: Client
    refresh_token: str


async def log_in(url: str, email: str, password: str) -> SignedInClient:
    result = (await Client(url=url).log_in(email, password)).result
    match result:
        case LogInResultSession():
            return SignedInClient(signed_in(url, result.access_token), result.refresh_token)
        case LogInResultAuthError():
            raise SignInRefused(result.message)
    raise SignInRefused(f"unexpected answer {result.typename__}")


async def my_email(url: str, email: str, password: str) -> str:
    """Sign in, then read who the server says we are."""
    session = await log_in(url, email, password)
    viewer = (await session.client.viewer()).viewer
    assert viewer is not None  # a fresh token of an existing user
    return viewer.email
