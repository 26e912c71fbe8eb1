"""graphql-core's schema under a Strawberry schema, read in this one place.

The query planner compiles plans against graphql-core's `GraphQLSchema`, the one
Strawberry executes with. Strawberry exposes it only as the private attribute
`Schema._schema` (its own execution reads it the same way); a Strawberry upgrade
that renames it fails `tests/planner/test_dependency_contracts.py`.
"""

from __future__ import annotations

from graphql import GraphQLSchema
from strawberry.schema.base import BaseSchema


def graphql_core_schema(schema: BaseSchema) -> GraphQLSchema:
    core = getattr(schema, "_schema", None)
    if not isinstance(core, GraphQLSchema):
        raise TypeError("strawberry.Schema no longer keeps its GraphQLSchema in `_schema`")
    return core
