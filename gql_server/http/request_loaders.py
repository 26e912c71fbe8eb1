"""Each HTTP request's loaders: made on first use, released in ONE place when it ends.

Both read paths (the fast path and Strawberry's view) take the request's loaders
from `loaders_of(scope)`; `ReleaseRequestLoaders`, outside both, releases them when
the request ends however it ends (answered, failed, or the client went away):
caches dropped so rows are freed by reference counting, and the read connection
given back (kept open for the next request).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from gql_server.http.authenticate import viewer_of
from loaders import Loaders, create_loaders
from loaders.reads import RequestReads

STATE_KEY = "mwallet_loaders"


def loaders_of(scope: Scope) -> Loaders:
    """This request's loaders, made on first use; never shared with another request."""
    state = scope.setdefault("state", {})
    loaders: Loaders | None = state.get(STATE_KEY)
    if loaders is None:
        app_state = scope["app"].state
        reads = RequestReads(app_state.engine, app_state.kept_connections)
        observers = app_state.observability.batch_observers
        loaders = state[STATE_KEY] = create_loaders(
            app_state.session_maker, reads, tuple(observers), viewer=viewer_of(scope)
        )
    return loaders


class ReleaseRequestLoaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            loaders: Loaders | None = scope.get("state", {}).get(STATE_KEY)
            if loaders is not None:
                await loaders.release()
