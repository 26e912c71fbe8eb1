"""`logIn`: email and password for a new session, throttled per email (`throttle.py`).

A wrong password and an unknown email take the same path and the same time (the
unknown one is checked against a dummy hash) and get the same answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.auth import throttle
from gql_server.auth.accounts import AuthRefused, Identity, SignedIn, open_session, user_by_email
from gql_server.auth.passwords import password_matches
from gql_server.domain.clock import utcnow
from loaders import AnyRow

WRONG_CREDENTIALS = "wrong email or password"
FindUser = Callable[[AsyncSession], Awaitable[AnyRow | None]]


async def log_in(identity: Identity, email: str, password: str) -> SignedIn:
    user = await checked_password(
        identity, email, password, lambda session: user_by_email(session, email)
    )

    async def sign_in(session: AsyncSession) -> SignedIn:
        await throttle.clear_attempts(session, email)
        return await open_session(session, identity, user, utcnow())

    return await identity.transaction(sign_in)


async def checked_password(
    identity: Identity,
    email: str,
    password: str,
    find_user: FindUser,
    wrong: str = WRONG_CREDENTIALS,
) -> AnyRow:
    """The user `find_user` reads, when `password` is theirs and `email` is not locked
    out; otherwise `AuthRefused` (`wrong` for a wrong password). The attempt is recorded
    (and committed) first."""
    settings = identity.settings
    attempt = await identity.transaction(
        lambda session: throttle.record_attempt(session, email, utcnow(), settings)
    )

    async def unless_locked(session: AsyncSession) -> tuple[int | None, AnyRow | None]:
        wait = await throttle.retry_after(session, attempt, settings)
        if wait is not None:
            await throttle.forget_attempt(session, attempt)
            return wait, None
        return None, await find_user(session)

    wait, user = await identity.transaction(unless_locked)
    if wait is not None:
        raise AuthRefused(f"too many attempts; retry after {wait} s", reason="throttled")
    # No user: checked against the dummy hash, as long as a wrong password takes.
    if not await password_matches(None if user is None else user.password_hash, password):
        raise AuthRefused(wrong)
    assert user is not None  # a hash matched
    return user
