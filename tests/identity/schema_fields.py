"""The schema as a client sees it (introspected over HTTP, anonymously), and what the
matrix enumerates from it: root fields, relation fields and mutations."""

from __future__ import annotations

import httpx
from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    is_interface_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    is_union_type,
)

from tests.identity.rules import AUTH_FIELDS, CONNECTION_TYPES


async def introspected(http: httpx.AsyncClient) -> GraphQLSchema:
    """The served schema; introspection needs no token."""
    response = await http.post("/graphql", json={"query": get_introspection_query()})
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, response.text
    return build_client_schema(body["data"])


def query_type(schema: GraphQLSchema) -> GraphQLObjectType:
    assert schema.query_type is not None
    return schema.query_type


def mutation_type(schema: GraphQLSchema) -> GraphQLObjectType:
    assert schema.mutation_type is not None
    return schema.mutation_type


def root_fields(schema: GraphQLSchema) -> dict[str, GraphQLField]:
    """Query fields the matrix covers: all but identity's own."""
    return {n: f for n, f in query_type(schema).fields.items() if n not in AUTH_FIELDS}


def mutation_fields(schema: GraphQLSchema) -> dict[str, GraphQLField]:
    return {n: f for n, f in mutation_type(schema).fields.items() if n not in AUTH_FIELDS}


def reachable_types(schema: GraphQLSchema) -> dict[str, GraphQLObjectType]:
    """Object types a client reaches from the covered root fields and mutations."""
    seen: dict[str, GraphQLObjectType] = {}
    todo: list[GraphQLNamedType] = [
        get_named_type(f.type)
        for f in [*root_fields(schema).values(), *mutation_fields(schema).values()]
    ]
    while todo:
        named = todo.pop()
        if is_union_type(named) or is_interface_type(named):
            todo.extend(schema.get_possible_types(named))
        elif is_object_type(named) and named.name not in seen:
            assert isinstance(named, GraphQLObjectType)
            seen[named.name] = named
            todo.extend(get_named_type(f.type) for f in named.fields.values())
    return seen


def relation_fields(schema: GraphQLSchema) -> dict[tuple[str, str], tuple[str, bool]]:
    """(type, field) -> (related type, to-many) for every field of a reachable type
    that leads to another object (connection types hold rows, they are none)."""
    found: dict[tuple[str, str], tuple[str, bool]] = {}
    for type_name, object_type in reachable_types(schema).items():
        if type_name in CONNECTION_TYPES:
            continue
        for name, graphql_field in object_type.fields.items():
            if is_object_type(get_named_type(graphql_field.type)):
                found[type_name, name] = (
                    get_named_type(graphql_field.type).name,
                    is_many(graphql_field),
                )
    return found


def is_many(graphql_field: GraphQLField) -> bool:
    output = graphql_field.type
    return is_list_type(output.of_type if is_non_null_type(output) else output)


def scalars(schema: GraphQLSchema, type_name: str) -> str:
    """Every leaf field of `type_name`, as a selection: all a row shows of itself."""
    object_type = schema.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType), type_name
    leaves = [n for n, f in object_type.fields.items() if is_leaf_type(get_named_type(f.type))]
    return " ".join(leaves)


def result_selection(schema: GraphQLSchema, graphql_field: GraphQLField) -> str:
    """Every member of a write's result union, each with all its leaf fields."""
    union = get_named_type(graphql_field.type)
    members = schema.get_possible_types(union)  # type: ignore[arg-type]
    parts = [f"... on {m.name} {{ {scalars(schema, m.name)} }}" for m in members]
    return "__typename " + " ".join(parts)
