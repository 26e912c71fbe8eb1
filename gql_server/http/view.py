"""Strawberry's ASGI view as this API serves it: persisted operations, GraphQL over
HTTP status codes, request errors as GraphQL errors, one JSON encoder, and each
request's own loaders in its context."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from gql_server import json_codec
from gql_server.http import graphiql
from gql_server.http.errors import GraphQLErrorsView
from gql_server.http.persisted import PersistedOperations
from gql_server.http.protocol import GraphQLOverHTTP
from gql_server.http.request_loaders import loaders_of
from gql_server.planner import QueryPlans
from gql_server.schema.build import create_schema
from gql_server.schema.context import Context
from gql_server.settings import Settings


class GraphQLApp(PersistedOperations, GraphQLOverHTTP, GraphQLErrorsView):
    def __init__(
        self, settings: Settings, plans: QueryPlans, observers: Sequence[Any] = ()
    ) -> None:
        super().__init__(
            create_schema(settings, plans, observers),
            graphql_ide="graphiql" if settings.explorer else None,
            operations_allowlist=settings.operations_allowlist,
        )
        self.production = settings.production

    def encode_json(self, data: object) -> bytes:
        return json_codec.dumps(data)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        assert isinstance(request, Request)  # no subscriptions: HTTP only
        return Context(request=request, loaders=loaders_of(request.scope))

    async def render_graphql_ide(self, request: Request) -> Response:
        return await graphiql.signed_in_page(request, self.production)
