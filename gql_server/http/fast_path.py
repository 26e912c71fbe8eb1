"""Serve repeated queries straight from their plans, in front of Strawberry's view.

A document is served here only after the normal path has parsed it, validated
it (depth, aliases, tokens and cost depend on its text alone), checked it
against persisted operations and served it from a plan (its app's
`QueryPlans.vetted`). A later plain request for the same text (POST
`application/json`, a JSON object with `query`, optional `variables` and
`operationName`, nothing else) then skips Strawberry's per-request machinery:
graphql-core still coerces its variables, the plan runs on fresh per-request
loaders, and the body is encoded once.
Anything else, or any run the planner gives up on, goes to Strawberry as it
came: the same bytes either way (the differential tests send every query twice).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack
from typing import Any

from graphql import GraphQLSchema, get_operation_ast
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gql_server import json_codec
from gql_server.http.body import read_body, replay
from gql_server.http.protocol import GRAPHQL_RESPONSE, JSON, accepts_graphql_response
from gql_server.http.request_loaders import loaders_of
from gql_server.observe.record import note_operation, note_path
from gql_server.planner import QueryPlans

PLAIN_KEYS = frozenset({"query", "variables", "operationName"})


class PlannedFastPath:
    def __init__(
        self,
        app: ASGIApp,
        schema: GraphQLSchema,
        plans: QueryPlans,
        path: str = "/graphql",
        observers: Sequence[Callable[[], AbstractContextManager[object]]] = (),
    ) -> None:
        self.app = app
        self.schema = schema
        self.plans = plans
        self.path = path
        self.observers = tuple(observers)  # around each planned run: traces

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.may_serve(scope):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:
            return  # the client went away
        data = await self.served(scope, body)
        if data is None:
            await self.app(scope, replay(body, receive), send)
            return
        wanted = GRAPHQL_RESPONSE if accepts_graphql_response(Request(scope)) else JSON
        encoded = json_codec.dumps({"data": data})  # the view's encoder: the same bytes
        await Response(encoded, media_type=wanted)(scope, receive, send)

    def may_serve(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            return False
        content_type = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
        return content_type == JSON and len(self.plans.vetted) > 0

    async def served(self, scope: Scope, body: bytes) -> dict[str, Any] | None:
        try:
            request = json_codec.loads(body)
        except ValueError:
            return None
        if not isinstance(request, dict) or not request.keys() <= PLAIN_KEYS:
            return None
        query, variables = request.get("query"), request.get("variables")
        operation_name = request.get("operationName")
        if not isinstance(query, str) or not isinstance(variables, dict | None):
            return None
        if not isinstance(operation_name, str | None):
            return None
        document = self.plans.vetted.get(query)
        if document is None:
            return None
        run = self.plans.serve(
            self.schema, document, query, variables, operation_name, loaders_of(scope)
        )
        if not self.observers:
            data = await run
        else:
            with ExitStack() as observing:
                for observer in self.observers:
                    observing.enter_context(observer())
                data = await run
        if data is not None:
            operation = get_operation_ast(document, operation_name)  # the one served
            name = operation.name.value if operation and operation.name else None
            note_operation(name, "query", query)
            note_path("fast_path")
        return data
