"""One structured line per request: JSON in production, readable text in development.

Each line carries the request id, the operation's name and type, how it was served,
its duration, its SQL statements and its outcome; never a token, a password, an
`accountKey` or any variable's value (the record holds none). An operation slower
than `slow_operation_ms` is logged at WARNING with its document's hash, so the slow
document can be found without logging it.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any

from gql_server.observe.record import RequestRecord
from gql_server.settings import Settings

if TYPE_CHECKING:
    from gql_server.observe.setup import Observability

logger = logging.getLogger("mwallet.requests")
PLAIN = re.compile(r"[\w.:/+-]{1,200}")
MAX_PATH = 200


def fields_of(record: RequestRecord) -> dict[str, Any]:
    return {
        "request_id": record.request_id,
        "method": record.method,
        "path": record.path[:MAX_PATH],
        "status": record.status,
        "outcome": record.outcome,
        "operation": record.operation_name,
        "type": record.operation_type,
        "served": record.path_taken if record.operation_type else None,
        "duration_ms": round(record.duration * 1000, 3),
        "statements": record.statements,
        "document": record.document_hash,
        "auth_failure": record.auth_failure,
    }


def as_json(fields: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in fields.items() if v is not None}, separators=(",", ":"))


def as_text(fields: dict[str, Any]) -> str:
    """`key=value` pairs; a value that is not a plain token (a path with spaces or a line
    break in it) is written as a JSON string, so one request is always one line."""
    return " ".join(
        f"{k}={v if PLAIN.fullmatch(str(v)) else json.dumps(str(v))}"
        for k, v in fields.items()
        if v is not None
    )


class RequestLog:
    def __init__(self, settings: Settings) -> None:
        observability = settings.observability
        self.render = as_json if observability.log_format == "json" else as_text
        self.slow_seconds = observability.slow_operation_ms / 1000

    def __call__(self, record: RequestRecord) -> None:
        slow = record.operation_type is not None and record.duration > self.slow_seconds
        level = logging.WARNING if slow else logging.INFO
        if logger.isEnabledFor(level):
            fields = fields_of(record)
            if slow:
                fields["slow"] = True
            logger.log(level, self.render(fields))


def install(observability: Observability, settings: Settings) -> None:
    observability.sinks.append(RequestLog(settings))
