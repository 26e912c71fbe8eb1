"""Persisted operations (Apollo's automatic persisted queries, version 1).

A client sends `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": H}}}`:

- with `H` alone: the registered document runs, or the answer is
  `PersistedQueryNotFound`, and the client sends `H` again with its query;
- with `H` and the query: the query must hash to `H`; it is registered and runs.

With the allow-list on (production), nothing registers over HTTP: only documents
registered beforehand (`mwallet-gql register-operations`) run, whether sent by
hash or in full.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cross_web import AsyncHTTPRequestAdapter
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult

from gql_server import operation_store
from gql_server.observe.record import note_errors, note_persisted
from gql_server.schema.context import Context

SUPPORTED_VERSION = 1


def refusal(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


NOT_FOUND = refusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
HASH_MISMATCH = refusal("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
UNSUPPORTED = refusal("Unsupported persisted query version", "PERSISTED_QUERY_NOT_SUPPORTED")
NOT_ALLOWED = refusal("Only registered operations run on this server", "OPERATION_NOT_ALLOWED")


def requested_hash(request_data: GraphQLRequestData) -> tuple[Any, Any] | None:
    """(version, sha256Hash) of a persisted-operation request, else None."""
    persisted = (request_data.extensions or {}).get("persistedQuery")
    if not isinstance(persisted, dict):
        return None
    return persisted.get("version"), persisted.get("sha256Hash")


class PersistedOperations(GraphQL[Context, None]):
    def __init__(self, *args: Any, operations_allowlist: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.operations_allowlist = operations_allowlist

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """A GET that names a persisted operation is an API call, whatever it accepts."""
        return super().should_render_graphql_ide(request) and (
            "extensions" not in request.query_params
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        resolved = await self.resolve(request, request_data)
        if isinstance(resolved, ExecutionResult):
            # A refusal runs no operation to record errors; a hash not registered yet is
            # the protocol's normal first step (the client sends the text next), no error.
            note_errors(resolved is not NOT_FOUND)
            return resolved
        return await super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=replace(request_data, query=resolved),
        )

    async def resolve(
        self, request: Request, request_data: GraphQLRequestData
    ) -> str | ExecutionResult | None:
        """The document to run, or the refusal to answer with."""
        session_maker = request.app.state.session_maker
        query = request_data.query
        persisted = requested_hash(request_data)
        if persisted is None:
            if not self.operations_allowlist or query is None:
                return query
            registered = await operation_store.find(session_maker, operation_store.sha256_of(query))
            return query if registered == query else NOT_ALLOWED
        version, sha256 = persisted
        if version != SUPPORTED_VERSION or not isinstance(sha256, str):
            return UNSUPPORTED
        if query is None:
            found = await operation_store.find(session_maker, sha256)
            note_persisted(found is not None)
            return found or NOT_FOUND
        if operation_store.sha256_of(query) != sha256:
            return HASH_MISMATCH
        if self.operations_allowlist:
            registered = await operation_store.find(session_maker, sha256)
            return query if registered == query else NOT_ALLOWED
        await operation_store.register(session_maker, query)
        return query
