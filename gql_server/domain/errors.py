"""Why a request or a write was refused. The schema maps each to what the client sees:
a typed union member for writes, a GraphQL error for query arguments."""

from __future__ import annotations

from datetime import datetime

from strawberry.utils.str_converters import to_camel_case


class BadRequest(Exception):
    """A query argument the client must fix; its message is safe to show."""


class WriteRefused(Exception):
    """Base of every refusal of a write; nothing was written."""


class InvalidInput(WriteRefused):
    """One input field broke a rule; reported as a `ValidationError` on that field."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.field = to_camel_case(column)
        self.message = message


class WriteConflict(WriteRefused):
    """The database refused a write that passed every check, and checking again names
    no field: a concurrent change won a race."""


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


class Forbidden(WriteRefused):
    """The viewer's role may not do this (reported as a `ForbiddenError`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(Exception):
    """Only signed-in clients may ask this; a GraphQL error with code UNAUTHENTICATED."""

    extensions = {"code": "UNAUTHENTICATED"}

    def __init__(self) -> None:
        super().__init__("sign in first: send the header Authorization: Bearer <accessToken>")


class ReadForbidden(Exception):
    """The viewer's role may not read this type at all; code FORBIDDEN."""

    extensions = {"code": "FORBIDDEN"}
