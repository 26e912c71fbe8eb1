"""SQL statements counted per request, at the engine: every read and write path is seen."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.observe.record import CURRENT


def count_statements(engine: AsyncEngine) -> None:
    """Count each statement `engine` runs into the current request's record."""

    def before_cursor_execute(*_: Any) -> None:
        record = CURRENT.get()
        if record is not None:
            record.statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", before_cursor_execute)
