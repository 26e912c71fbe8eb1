"""Relay connections of every exposed model: `xsConnection(first, after, last, before,
where, filter, orderBy)`, with its `XConnection`, `XEdge`, `XOrderBy` and `XWhere` types.

The order terms are derived from the model's `Exposed(sortable=...)`; the page is
read by `gql_server/domain/connections.py`. `totalCount` is its own statement, run
only when selected. Connection fields carry no planner metadata: the planner leaves
documents that use them to field-by-field execution.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

import strawberry

from gql_server.domain.access import require_read
from gql_server.domain.connections import fetch_connection, sort_terms
from gql_server.schema.classes import Fields, new_class, resolver
from gql_server.schema.context import Info
from gql_server.schema.where import where_input
from models.exposed import Exposed


@strawberry.type(description="Where a page sits in its list (the Relay connection spec).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def order_enum(api: Exposed[Any]) -> type[enum.Enum]:
    """`XOrderBy`: `<COLUMN>_ASC` and `<COLUMN>_DESC` per sortable column."""
    terms = enum.Enum(f"{api.name}OrderBy", {term: term for term in sort_terms(api)})  # type: ignore[misc]
    description = f"An order of {api.name} rows; the id is always the last tie-breaker."
    return strawberry.enum(terms, description=description)


def connection_type(api: Exposed[Any], node_type: type) -> type:
    """`XConnection` and its `XEdge`; built from a page (`fetch_connection`)."""
    edge = strawberry.type(
        new_class(
            f"{api.name}Edge",
            {"cursor": (str, strawberry.field()), "node": (node_type, strawberry.field())},
        )
    )
    model = api.model

    async def total_count(root: strawberry.Parent[Any], info: Info) -> int:
        """Every row that matches `where`, on every page (one more statement)."""
        return await info.context.loaders.by_id(model).count(root.filters, root.where)

    fields: Fields = {
        "edges": (list[edge], strawberry.field()),  # type: ignore[valid-type]
        "nodes": (list[node_type], strawberry.field()),  # type: ignore[valid-type]
        "page_info": (PageInfo, strawberry.field()),
        "total_count": (int, strawberry.field(resolver=total_count)),
        "filters": (
            strawberry.Private[dict[str, Any]],
            dataclasses.field(default_factory=dict),
        ),
        "where": (
            strawberry.Private[dict[str, Any]],
            dataclasses.field(default_factory=dict),
        ),
    }
    connection = strawberry.type(new_class(f"{api.name}Connection", fields))
    connection.edge = edge  # type: ignore[attr-defined]
    return connection


def connection_field(api: Exposed[Any], node_type: type, where: type | None) -> Any:
    """`xsConnection(...)`: a page of rows the viewer may see, in the order asked for."""
    model, connection, terms = api.model, connection_type(api, node_type), order_enum(api)

    async def page(
        *,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        where: object | None = None,
        filter: object | None = None,
        order_by: list[enum.Enum] | None = None,
    ) -> Any:
        require_read(info.context.loaders, model)
        found = await fetch_connection(
            api,
            info.context.loaders.by_id(model),
            first=first,
            after=after,
            last=last,
            before=before,
            where=where,
            operator_filter=filter,
            order_by=None if order_by is None else [term.value for term in order_by],
        )
        edges = [
            connection.edge(cursor=cursor, node=row)  # type: ignore[attr-defined]
            for cursor, row in zip(found.cursors, found.rows, strict=True)
        ]
        return connection(
            edges=edges,
            nodes=found.rows,
            page_info=PageInfo(
                has_next_page=found.has_next_page,
                has_previous_page=found.has_previous_page,
                start_cursor=found.cursors[0] if found.cursors else None,
                end_cursor=found.cursors[-1] if found.cursors else None,
            ),
            filters=found.filters,
            where=found.where,
        )

    parameters: dict[str, tuple[Any, Any]] = {
        "first": (int | None, None),
        "after": (str | None, None),
        "last": (int | None, None),
        "before": (str | None, None),
    }
    if where is not None:
        parameters["where"] = (where | None, None)
    parameters["filter"] = (where_input(api) | None, None)
    parameters["order_by"] = (list[terms] | None, None)  # type: ignore[valid-type]
    return strawberry.field(resolver=resolver(api.connection, page, parameters, connection))
