"""Bearer tokens (RFC 6750), checked once per request before either read path runs.

No `Authorization` header: the request is anonymous (the schema answers what an
anonymous client may see). A header that is not a valid token of ours: 401 with
`WWW-Authenticate: Bearer error="invalid_token"`, and nothing executes.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gql_server.auth.authenticator import Authenticator
from gql_server.auth.tokens import InvalidToken
from gql_server.observe.record import note_auth_failure
from models import ANONYMOUS, Viewer

VIEWER_KEY = "mwallet_viewer"
INVALID_TOKEN = 'Bearer error="invalid_token", error_description="the access token is invalid"'


def viewer_of(scope: Scope) -> Viewer:
    """Who this request acts for (anonymous unless a valid token said otherwise)."""
    viewer: Viewer = scope.get("state", {}).get(VIEWER_KEY, ANONYMOUS)
    return viewer


def bearer_token(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class Authenticate:
    def __init__(self, app: ASGIApp, authenticator: Authenticator, path: str = "/graphql") -> None:
        self.app = app
        self.authenticator = authenticator
        self.path = path  # /metrics has a bearer token of its own

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("authorization")
        if header is not None:
            token = bearer_token(header)
            try:
                if token is None:
                    raise InvalidToken("not a bearer token")
                viewer = await self.authenticator.viewer(token)
            except InvalidToken:
                note_auth_failure("invalid_token")
                await refused(scope, receive, send)
                return
            scope.setdefault("state", {})[VIEWER_KEY] = viewer
        await self.app(scope, receive, send)


async def refused(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {"errors": [{"message": "invalid access token", "extensions": {"code": "INVALID_TOKEN"}}]},
        status_code=401,
        headers={"WWW-Authenticate": INVALID_TOKEN},
    )
    await response(scope, receive, send)
