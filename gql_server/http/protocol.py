"""GraphQL over HTTP as the specification words it, on top of Strawberry's view.

Strawberry already serves POST `application/json` and GET for queries. This adds
what the GraphQL-over-HTTP specification asks beyond that:

- a mutation over GET is refused with 405 and `Allow: POST` (Strawberry says 400;
  `errors.py` shapes the refusal);
- a client that accepts `application/graphql-response+json` gets that media type,
  and a request error (the document does not parse or validate, a variable does not
  coerce: errors without a `path`) comes back as 400 without `data`.

A client that accepts only `application/json` keeps the classic behaviour: 200
with `errors`.
"""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from gql_server.schema.context import Context

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


class MutationOverGet(HTTPException):
    headers = {"Allow": "POST"}

    def __init__(self) -> None:
        super().__init__(405, "Mutations are only accepted over POST.")


def accepts_graphql_response(request: Request) -> bool:
    return GRAPHQL_RESPONSE in request.headers.get("accept", "")


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing was executed: every error is about the request, none has a `path`."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(not error.path for error in errors)


class GraphQLOverHTTP(GraphQL[Context, None]):
    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                raise MutationOverGet from error.__cause__
            raise

    async def get_sub_response(self, request: Request | Any) -> Response:
        """Remember, on the response being built, which media type the client takes."""
        sub_response = await super().get_sub_response(request)
        wanted = isinstance(request, Request) and accepts_graphql_response(request)
        sub_response.media_type = GRAPHQL_RESPONSE if wanted else JSON
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        body = await super().process_result(request, result)
        if accepts_graphql_response(request) and is_request_error(result):
            body.pop("data", None)
        return body

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE and isinstance(response_data, dict):
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if "data" not in response_data:
                response.status_code = 400
        return response
