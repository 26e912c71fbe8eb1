"""Why a loader write was refused. The GraphQL layer maps each to a typed result."""

from __future__ import annotations

from datetime import datetime


class WriteRefused(Exception):
    """Base of every refusal; nothing was written."""


class RowNotFound(WriteRefused):
    def __init__(self, id: int) -> None:
        super().__init__(f"no row with id {id}")
        self.id = id


class StaleWrite(WriteRefused):
    """The presented `lastchange` is not the row's current one."""

    def __init__(self, id: int, current: datetime) -> None:
        super().__init__(f"row {id} has changed since it was read")
        self.id = id
        self.current = current


class RowInUse(WriteRefused):
    """A delete would leave other rows pointing at nothing."""

    def __init__(self, id: int) -> None:
        super().__init__(f"row {id} is still referenced by other rows")
        self.id = id


class ConstraintViolated(WriteRefused):
    """The database refused the write (unique, foreign key or check constraint)."""
