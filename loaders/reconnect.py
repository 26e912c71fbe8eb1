"""Dead pooled connections are replaced when they fail, not tested before every use.

The pool does not ping a connection at each checkout (that is one database
round trip per batch). When a connection turns out to be dead, SQLAlchemy
invalidates it and every connection pooled before it (`DBAPIError.connection_invalidated`),
so one more attempt runs on a fresh connection. Only work that is safe to run
twice is retried: a read, or a transaction that failed before its COMMIT was sent
(the database rolls back a transaction whose connection is gone).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")


async def on_a_live_connection(attempt: Callable[[], Awaitable[T]]) -> T:
    """`attempt()`, run once more if its connection was found dead."""
    try:
        return await attempt()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return await attempt()
