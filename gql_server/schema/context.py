"""What every resolver gets: this request's loaders (never shared between requests)."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from starlette.requests import Request

from loaders import Loaders


@dataclass(frozen=True)
class Context:
    request: Request | None
    loaders: Loaders


Info = strawberry.Info[Context, None]
