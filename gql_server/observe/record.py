"""One record per HTTP request, filled in as the request goes, read when it ends.

The outermost middleware (`middleware.py`) opens the record and closes it; the
read paths note what only they know (the operation, whether it was planned, its
errors), and the statements are counted where they are sent (`loaders/statement_count.py`).
The record lives in a context variable, so every task the request starts (loader
batches included) writes to the same one, and no request sees another's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from hashlib import sha256

OK, GRAPHQL_ERROR, HTTP_4XX, HTTP_5XX = "ok", "graphql_error", "http_4xx", "http_5xx"


@dataclass
class RequestRecord:
    request_id: str
    method: str
    path: str
    started: float = field(default_factory=time.perf_counter)
    operation_name: str | None = None
    operation_type: str | None = None
    document: str | None = None  # the text run; its hash is what leaves the server
    path_taken: str = "normal"  # "fast_path" or "planned" when the planner served it
    fallback: str | None = None  # why the planner left a query to the normal path
    persisted: str | None = None  # a persisted-operation lookup: "hit" or "miss"
    stale_writes: list[str] = field(default_factory=list)  # models whose write was stale
    auth_failure: str | None = None  # why a token or a sign-in was refused (AUTH_FAILURES)
    graphql_errors: bool = False
    statements: int = 0
    status: int = 0
    duration: float = 0.0

    @property
    def document_hash(self) -> str | None:
        """A short SHA-256 of the document, computed when a log line or span asks for it."""
        if self.document is None:
            return None
        return sha256(self.document.encode()).hexdigest()[:16]

    @property
    def outcome(self) -> str:
        """ok, graphql_error, http_4xx or http_5xx: a bounded label."""
        if self.status >= 500:
            return HTTP_5XX
        if self.status >= 400:
            return HTTP_4XX
        return GRAPHQL_ERROR if self.graphql_errors else OK


Sink = Callable[["RequestRecord"], None]  # told of every finished request
CURRENT: ContextVar[RequestRecord | None] = ContextVar("mwallet_request", default=None)


def current() -> RequestRecord | None:
    """The record of the request this code runs for (None outside any request)."""
    return CURRENT.get()


def note_operation(name: str | None, operation_type: str | None, document: str | None) -> None:
    """The operation the request runs (its name as the client sent it: bounded later)."""
    record = CURRENT.get()
    if record is not None:
        record.operation_name = name
        record.operation_type = operation_type
        if document is not None:
            record.document = document


def note_errors(has_errors: bool) -> None:
    record = CURRENT.get()
    if record is not None and has_errors:
        record.graphql_errors = True


def note_path(path_taken: str) -> None:
    record = CURRENT.get()
    if record is not None:
        record.path_taken = path_taken


def note_fallback(reason: str) -> None:
    """`reason`: one of a few words (a bounded label), never a message."""
    record = CURRENT.get()
    if record is not None:
        record.fallback = reason


def note_persisted(found: bool) -> None:
    record = CURRENT.get()
    if record is not None:
        record.persisted = "hit" if found else "miss"


# Why authentication failed, as metrics label it: a fixed set, so no client can grow it.
AUTH_FAILURES = ("invalid_token", "bad_credentials", "throttled", "refresh_refused")


def note_auth_failure(reason: str) -> None:
    """A bearer token was refused, or a log-in or refresh did not succeed."""
    assert reason in AUTH_FAILURES, reason
    record = CURRENT.get()
    if record is not None:
        record.auth_failure = reason


def note_stale_write(model: str) -> None:
    record = CURRENT.get()
    if record is not None:
        record.stale_writes.append(model)
