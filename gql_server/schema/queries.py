"""Root query fields of every exposed model: `x(id)`, `xs(skip, limit, where)` and the
connection `xsConnection(first, after, last, before, where, orderBy)`."""

from __future__ import annotations

import inspect
from typing import Any

import strawberry
from strawberry.tools import create_type
from strawberry.types.field import StrawberryField

from gql_server.domain.access import require_read
from gql_server.domain.paging import fetch_one, fetch_page
from gql_server.schema.auth import AUTH_QUERY_FIELDS
from gql_server.schema.classes import resolver
from gql_server.schema.connections import connection_field
from gql_server.schema.context import Info
from gql_server.schema.inputs import INPUTS
from gql_server.schema.metadata import PLAN_METADATA, RootLookup
from gql_server.schema.objects import OBJECT_TYPES
from models import EXPOSED
from models.exposed import Exposed

REQUIRED = inspect.Parameter.empty
DEFAULT_LIMIT = 20


def lookups(api: Exposed[Any]) -> list[StrawberryField]:
    """`x(id: ID!): X`, `xs(skip, limit, where): [X!]!` and `xsConnection(...)`, read
    through `by_id(model)`."""
    model, object_type, where = api.model, OBJECT_TYPES[api.model], INPUTS[api.model].filter

    async def one(*, info: Info, id: strawberry.ID) -> Any:
        require_read(info.context.loaders, model)
        return await fetch_one(info.context.loaders.by_id(model), id)

    async def many(*, info: Info, skip: int, limit: int, where: object | None = None) -> Any:
        require_read(info.context.loaders, model)
        return await fetch_page(info.context.loaders.by_id(model), skip, limit, where)

    by_id = {"id": (strawberry.ID, REQUIRED)}
    page: dict[str, tuple[Any, Any]] = {"skip": (int, 0), "limit": (int, DEFAULT_LIMIT)}
    if where is not None:
        page["where"] = (where | None, None)
    return [
        strawberry.field(
            resolver=resolver(api.singular, one, by_id, object_type | None),
            metadata={PLAN_METADATA: RootLookup(model, many=False)},
        ),
        strawberry.field(
            resolver=resolver(api.many, many, page, list[object_type]),  # type: ignore[valid-type]
            metadata={PLAN_METADATA: RootLookup(model, many=True)},
        ),
        connection_field(api, object_type, where),
    ]


Query = create_type(
    "Query", [*(field for api in EXPOSED for field in lookups(api)), *AUTH_QUERY_FIELDS]
)
