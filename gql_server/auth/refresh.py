"""`refreshSession` and `logOut`: what a refresh token can do (`sessions.py` keeps them).

A refresh is one transaction: the presented token is marked used, the users row read
(the new access token carries the role the user has now, not the one they signed in
with) and the next token of the family stored. A replay's revocation is committed
even though the client is refused.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gql_server.auth import sessions
from gql_server.auth.accounts import AuthRefused, Identity, SignedIn, open_session, user_by_id
from gql_server.domain.clock import utcnow

REFUSALS = {
    sessions.Refused.UNKNOWN: "the refresh token is not valid; sign in again",
    sessions.Refused.EXPIRED: "the refresh token has expired; sign in again",
    sessions.Refused.REUSED: "the refresh token was already used; every session it "
    "belongs to is now signed out: sign in again",
}


async def refresh_session(identity: Identity, refresh_token: str) -> SignedIn:
    async def rotate(session: AsyncSession) -> SignedIn | sessions.Refused:
        now = utcnow()
        rotated = await sessions.rotate(session, refresh_token, now)
        if isinstance(rotated, sessions.Refused):
            return rotated
        user = await user_by_id(session, rotated.user_id)
        if user is None:  # deleted meanwhile (its sessions go with it)
            return sessions.Refused.UNKNOWN
        return await open_session(session, identity, user, now, rotated.family)

    outcome = await identity.transaction(rotate)
    if isinstance(outcome, sessions.Refused):
        raise AuthRefused(REFUSALS[outcome], reason="refresh_refused")
    return outcome


async def log_out(identity: Identity, refresh_token: str) -> bool:
    """Revoke the session `refresh_token` belongs to (every token of its family);
    False when no such token was ever issued."""

    async def revoke(session: AsyncSession) -> bool:
        family = await sessions.family_of(session, refresh_token)
        if family is None:
            return False
        await sessions.revoke_family(session, family, utcnow())
        return True

    return await identity.transaction(revoke)
