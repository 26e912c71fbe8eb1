"""Malformed HTTP requests get a 400 whose body is a GraphQL error, never a 500.

Strawberry refuses most bad requests itself but answers in plain text, and it
assumes a JSON body is an object: `42`, `null` or `"x"` would crash it, and a
body nested 100,000 deep would exhaust the JSON decoder's recursion.
"""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from gql_server import json_codec
from gql_server.schema.context import Context

NOT_AN_OPERATION = "expected a JSON object (a GraphQL request), or an array of them"


def graphql_error_response(
    status_code: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message}]}, status_code, headers=headers)


class GraphQLErrorsView(GraphQL[Context, None]):
    """Strawberry's ASGI view with request errors shaped as GraphQL errors."""

    async def run(self, request: Request | WebSocket, *args: Any, **kwargs: Any) -> Any:
        try:
            result: Response | WebSocket = await super().run(request, *args, **kwargs)
        except HTTPException as refused:
            headers = getattr(refused, "headers", None)  # e.g. `Allow` on a 405
            return graphql_error_response(refused.status_code, refused.reason, headers)
        return result

    def decode_json(self, data: str | bytes) -> object:
        try:
            decoded = json_codec.loads(data)
        except ValueError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if isinstance(decoded, list) and all(isinstance(item, dict) for item in decoded):
            return decoded
        if not isinstance(decoded, dict):
            raise HTTPException(400, NOT_AN_OPERATION)
        return decoded
