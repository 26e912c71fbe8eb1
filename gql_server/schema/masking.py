"""Database faults reach clients as one clean sentence, never as driver text.

Everything unexpected is masked (its text may carry SQL or internal names);
when the cause is the database being down, restarting, overloaded or too
slow, the mask says so, so clients know to retry.
"""

from __future__ import annotations

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import MaskErrors

from gql_server.domain.errors import BadRequest, ReadForbidden, Unauthenticated

DATABASE_UNAVAILABLE = "database unavailable; retry later"
DATABASE_BUSY = "database busy; retry later"


# SQLSTATE classes: too slow or contended (retry soon) versus connection lost.
BUSY_STATES = ("55P03", "57014", "40001", "40P01", "53")
UNAVAILABLE_STATES = ("08", "57P")


def fault_message(error: BaseException | None) -> str | None:
    """The client-facing sentence for a database fault, or None for any other error."""
    if isinstance(error, PoolTimeout | TimeoutError):
        return DATABASE_BUSY
    if isinstance(error, DBAPIError):
        state = getattr(error.orig, "sqlstate", None) or ""
        if state.startswith(BUSY_STATES):
            return DATABASE_BUSY
        if error.connection_invalidated or state.startswith(UNAVAILABLE_STATES):
            return DATABASE_UNAVAILABLE
    if isinstance(error, OperationalError | InterfaceError | OSError):
        return DATABASE_UNAVAILABLE
    return None


SAFE_ERRORS = (
    BadRequest,
    GraphQLError,
    StrawberryInputCoercionError,
    ReadForbidden,
    Unauthenticated,
)


def is_unexpected(error: GraphQLError) -> bool:
    """Mask anything that is not a syntax, validation, coercion or client error:
    an unexpected exception's text may carry SQL or internal names."""
    original = error.original_error
    return original is not None and not isinstance(original, SAFE_ERRORS)


class MaskUnexpectedErrors(MaskErrors):
    """Strawberry's masking, naming database faults instead of "Unexpected error."."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.message = fault_message(error.original_error) or masked.message
        return masked
