"""Who a bearer token speaks for: our own access tokens (and, when configured, an
external identity provider's), checked before anything executes.

The token header's `alg` picks the checker: HS256 is ours, RS256 and ES256 the
provider's; anything else (`none` included) is refused. Each checker accepts only its
own algorithms, so a token signed with HS256 and the provider's public key as the secret
fails our check and never reaches the provider's keys. A provider's token names a
person by email; the viewer is our user with that email and the role of our row.
"""

from __future__ import annotations

from typing import Any

import jwt

from gql_server.auth.accounts import user_by_email
from gql_server.auth.oidc import ALGORITHMS as PROVIDER_ALGORITHMS
from gql_server.auth.oidc import ProviderTokens
from gql_server.auth.tokens import ALGORITHM, AccessTokens, InvalidToken
from loaders import SessionMaker
from loaders.reconnect import on_a_live_connection
from models import Viewer


class Authenticator:
    def __init__(self, tokens: AccessTokens) -> None:
        self.tokens = tokens
        self.provider = ProviderTokens(tokens.settings) if tokens.settings.oidc else None
        self.session_maker: SessionMaker | None = None

    def bind(self, session_maker: SessionMaker) -> None:
        """The app's database, once its lifespan has opened it: a provider's token is
        looked up there."""
        self.session_maker = session_maker

    async def viewer(self, token: str) -> Viewer:
        """The viewer of `token`; raises `InvalidToken` when it is not one we accept."""
        known = self.tokens.known(token)  # one of ours, verified before
        if known is not None:
            return known
        header = unverified_header(token)
        algorithm = header.get("alg")
        if algorithm == ALGORITHM:
            return self.tokens.viewer(token)
        if self.provider is None or algorithm not in PROVIDER_ALGORITHMS:
            raise InvalidToken("algorithm not accepted")
        email = await self.provider.verified_email(token, header)
        return await self.viewer_by_email(email)

    async def viewer_by_email(self, email: str) -> Viewer:
        session_maker = self.session_maker
        if session_maker is None:
            raise RuntimeError("Authenticator.bind() was not called: no database to look in")

        async def read() -> Viewer | None:
            async with session_maker() as session:
                user = await user_by_email(session, email)
            return None if user is None else Viewer(user_id=user.id, role=user.role)

        viewer = await on_a_live_connection(read)
        if viewer is None:
            raise InvalidToken("no user has this email")
        return viewer


def unverified_header(token: str) -> dict[str, Any]:
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidToken("not a JWT") from None
