"""What the server logs about failed operations: one line each, never a traceback.

Strawberry logs every error with its traceback; an unexpected exception's text
and frames can carry SQL, bound values and driver internals. Here a client's
mistake is logged at INFO with its (safe) message, and an unexpected failure at
ERROR with the exception's class and the field path only.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from gql_server.schema.masking import fault_message, is_unexpected

logger = logging.getLogger("mwallet.graphql")


def describe(error: GraphQLError) -> str:
    path = ".".join(str(part) for part in error.path or ()) or "-"
    original = error.original_error
    if original is None or not is_unexpected(error):
        return f"refused at {path}: {error.message}"
    reason = fault_message(original) or "unexpected error"
    return f"failed at {path}: {reason} ({type(original).__name__})"


class QuietLoggingSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            logger.log(logging.ERROR if is_unexpected(error) else logging.INFO, describe(error))
