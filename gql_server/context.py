"""What every resolver gets: this request's loaders (never shared between requests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from starlette.requests import Request

from loaders import Loaders, create_loaders
from loaders.reads import RequestReads


@dataclass(frozen=True)
class Context:
    request: Request | None
    loaders: Loaders


Info = strawberry.Info[Context, None]


def request_loaders(app: Any) -> Loaders:
    """Loaders for one HTTP request of `app`, its reads on one connection (kept open
    for the next request): the caller must `await loaders.release()` when it ends."""
    reads = RequestReads(app.state.engine, app.state.kept_connections)
    return create_loaders(app.state.session_maker, reads)
