"""The outermost middleware: opens each HTTP request's record, closes it, tells the sinks.

Every request gets an id: the client's `X-Request-Id` when it is a sane token,
else a new one; it is echoed in the response's `X-Request-Id` header so a client
can quote it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gql_server.observe.record import CURRENT, RequestRecord, Sink
from loaders.statement_count import CURRENT_COUNT, StatementCount

REQUEST_ID_HEADER = "x-request-id"
CLIENT_CLOSED = 499  # the client went away before an answer (nginx's code)
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
log = logging.getLogger(__name__)


def request_id_of(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER.encode():
            given = value.decode("latin-1")
            if SANE_REQUEST_ID.fullmatch(given):
                return given
    return secrets.token_hex(16)


class ObserveRequests:
    def __init__(self, app: ASGIApp, sinks: Sequence[Sink]) -> None:
        self.app = app
        self.sinks = sinks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord(request_id_of(scope), scope["method"], scope["path"])
        token = CURRENT.set(record)
        statements = StatementCount()
        counting = CURRENT_COUNT.set(statements)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
                headers = list(message.get("headers", ()))
                headers.append((REQUEST_ID_HEADER.encode(), record.request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except asyncio.CancelledError:
            record.status = record.status or CLIENT_CLOSED
            raise
        except BaseException:
            record.status = record.status or 500
            raise
        finally:
            record.duration = time.perf_counter() - record.started
            record.statements = statements.value
            CURRENT_COUNT.reset(counting)
            CURRENT.reset(token)
            for sink in self.sinks:
                try:
                    sink(record)
                except Exception:  # an observer must never fail the request
                    log.exception("request observer %r failed", sink)
