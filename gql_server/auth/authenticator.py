"""Who a bearer token speaks for: our own access tokens (and, when configured, an
external identity provider's), checked before anything executes."""

from __future__ import annotations

from gql_server.auth.tokens import AccessTokens
from models import Viewer


class Authenticator:
    def __init__(self, tokens: AccessTokens) -> None:
        self.tokens = tokens

    async def viewer(self, token: str) -> Viewer:
        """The viewer of `token`; raises `InvalidToken` when it is not one we accept."""
        return self.tokens.viewer(token)
