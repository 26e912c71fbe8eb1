"""`changePassword`: the signed-in user proves the current password and sets a new one.

Every session of the user ends, this one included: the mutation is not given the
caller's refresh token, so it cannot tell the caller's session from one a thief holds,
and the answer is a fresh session (a new family) for the caller to continue with.
Access tokens already issued stay valid until they expire (15 minutes by default).
The current password is checked under the log-in throttle of the user's email, so a
stolen access token cannot be used to guess it.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.auth import sessions, throttle
from gql_server.auth.accounts import (
    USERS,
    AuthRefused,
    Identity,
    SignedIn,
    open_session,
    user_by_id,
)
from gql_server.auth.login import checked_password
from gql_server.auth.passwords import check_password, hash_password
from gql_server.domain.clock import next_lastchange, utcnow
from loaders.statement_count import count_statement
from models import User, Viewer

SIGN_IN_FIRST = "sign in to change your password"


async def change_password(
    identity: Identity, viewer: Viewer | None, current: str, new: str
) -> SignedIn:
    """Raises `AuthRefused`, or `InvalidInput` on `new_password`."""
    if viewer is None or not viewer.signed_in:
        raise AuthRefused(SIGN_IN_FIRST)
    check_password("new_password", new)
    account = await identity.transaction(lambda session: user_by_id(session, viewer.user_id))
    if account is None:
        raise AuthRefused(SIGN_IN_FIRST)
    user = await checked_password(
        identity,
        account.email,
        current,
        lambda session: user_by_id(session, viewer.user_id),
        wrong="the current password is wrong",
    )
    new_hash = await hash_password(new)

    async def replace(session: AsyncSession) -> SignedIn | None:
        now = utcnow()
        count_statement()
        changed = (
            await session.execute(
                update(USERS)
                # only the row whose password was just checked, as it was then
                .where(
                    USERS.c.id == user.id,
                    USERS.c.password_hash == user.password_hash,
                    USERS.c.lastchange == user.lastchange,
                )
                .values(password_hash=new_hash, lastchange=next_lastchange(user.lastchange))
                .returning(*USERS.c)
            )
        ).one_or_none()
        if changed is None:
            return None
        await throttle.clear_attempts(session, changed.email)
        await sessions.revoke_all(session, changed.id, now)
        return await open_session(session, identity, changed, now)

    signed_in = await identity.transaction(replace)
    if signed_in is None:
        raise AuthRefused("the account changed while the password was being changed; retry")
    identity.loaders.written(User, user.id, signed_in.user)
    return signed_in
