"""A validated query turned into a plan: per selected field, a projection or a loader step.

Fields are collected with graphql-core's own `collect_fields`, so aliases,
fragments, `@skip`/`@include` and field merging follow the executor exactly.
Anything the planner does not know raises `Unplannable`, and the request goes
through Strawberry's normal execution instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationType,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList, collect_fields
from graphql.execution.executor import Executor
from sqlalchemy.orm import RelationshipProperty
from strawberry.schema.schema_converter import CustomGraphQLEnumType
from strawberry.types.field import StrawberryField

from gql_server.planner.nodes import Leaf, Plan, Root, Selection, Step, TypeName, Unplannable
from gql_server.schema.metadata import PLAN_METADATA, Relation, RootLookup
from loaders import LoaderKey, projection_of

DEFINITION = "strawberry-definition"


def enum_names(leaf: GraphQLLeafType) -> dict[Any, str] | None:
    """Member -> name as Strawberry's enum serializer finds it (first value equal to it).

    `CustomGraphQLEnumType` is Strawberry's own (internal) enum type: an upgrade that
    changes it fails tests/planner/test_dependency_contracts.py."""
    if not isinstance(leaf, CustomGraphQLEnumType):
        return None
    names: dict[Any, str] = {}
    members: Iterable[Any] = leaf.wrapped_cls
    for member in members:
        for name, value in leaf.values.items():
            if member.value == value.value:
                names[member] = name
                break
    return names


def compile_plan(schema: GraphQLSchema, executor: Executor) -> Plan:
    if executor.operation.operation is not OperationType.QUERY:
        raise Unplannable(f"{executor.operation.operation.value} operations are not planned")
    query = schema.query_type
    assert query is not None
    grouped = collect_fields(
        schema, executor.fragments, executor.variable_values, query, executor.operation
    ).grouped_field_set
    roots = [root(executor, query, key, details) for key, details in grouped.items()]
    needs = columns_needed(roots)
    models = frozenset(
        key.mapper.class_ if isinstance(key, RelationshipProperty) else key for key in needs
    )
    return Plan(roots, projection_of(needs), models)


def columns_needed(roots: list[Root | TypeName]) -> dict[LoaderKey, frozenset[str]]:
    """What each loader must read for this plan: the columns of its leaves, and the
    keys its rows hand to the next level."""
    needs: dict[LoaderKey, set[str]] = defaultdict(set)

    def visit(loader: LoaderKey, selection: Selection) -> None:
        wanted = needs[loader]  # even with no leaf: a to-many loader still needs its key
        for planned in selection.fields:
            if isinstance(planned, Leaf):
                wanted.add(planned.attribute)
            elif isinstance(planned, Step):
                wanted.add(planned.parent_key)
                visit(planned.loader, planned.selection)

    for planned in roots:
        if isinstance(planned, Root):
            visit(planned.lookup.model, planned.selection)
    return {loader: frozenset(columns) for loader, columns in needs.items()}


def root(
    executor: Executor, query: GraphQLObjectType, key: str, details: FieldDetailsList
) -> Root | TypeName:
    name = details[0].node.name.value
    if name == "__typename":
        return TypeName(key, query.name)
    graphql_field = query.fields.get(name)
    lookup = declared(graphql_field, name)
    if not isinstance(lookup, RootLookup):
        raise Unplannable(f"root field {name} is not a planned lookup")
    assert graphql_field is not None
    object_type, many, nullable = shape(graphql_field.type)
    if many != lookup.many:
        raise Unplannable(f"root field {name} does not return what its lookup reads")
    return Root(
        key=key,
        lookup=lookup,
        field=graphql_field,
        details=details,
        filter_names=filter_names(graphql_field),
        nullable=nullable,
        selection=selection(executor, object_type, details),
    )


def selection(
    executor: Executor, object_type: GraphQLObjectType, details: FieldDetailsList
) -> Selection:
    grouped = executor.collect_subfields(object_type, details).grouped_field_set
    planned: list[Leaf | TypeName | Step] = []
    for key, field_details in grouped.items():
        node: FieldNode = field_details[0].node
        name = node.name.value
        if name == "__typename":
            planned.append(TypeName(key, object_type.name))
            continue
        graphql_field = object_type.fields.get(name)
        if graphql_field is None or graphql_field.args or node.arguments:
            raise Unplannable(f"{object_type.name}.{name} takes arguments or is unknown")
        planned.append(plan_field(executor, object_type, key, graphql_field, field_details))
    return Selection(planned)


def plan_field(
    executor: Executor,
    object_type: GraphQLObjectType,
    key: str,
    graphql_field: GraphQLField,
    details: FieldDetailsList,
) -> Leaf | Step:
    strawberry_field: StrawberryField = graphql_field.extensions[DEFINITION]
    name = strawberry_field.python_name
    nullable = not is_non_null_type(graphql_field.type)
    leaf = graphql_field.type.of_type if not nullable else graphql_field.type  # type: ignore[union-attr]
    if strawberry_field.base_resolver is None and is_leaf_type(leaf):
        assert isinstance(leaf, GraphQLLeafType)
        return Leaf(key, name, leaf.serialize, nullable, enum_names(leaf))
    step = declared(graphql_field, f"{object_type.name}.{name}")
    if not isinstance(step, Relation):
        raise Unplannable(f"{object_type.name}.{name} has a resolver the planner does not know")
    child_type, many, nullable = shape(graphql_field.type)
    return Step(
        key=key,
        loader=step.source,
        parent_key=step.parent_key,
        many=many,
        nullable=nullable,
        selection=selection(executor, child_type, details),
    )


def declared(graphql_field: GraphQLField | None, name: str) -> object:
    if graphql_field is None or DEFINITION not in graphql_field.extensions:
        raise Unplannable(f"{name} is not a field of ours")
    return graphql_field.extensions[DEFINITION].metadata.get(PLAN_METADATA)


def shape(output: GraphQLOutputType) -> tuple[GraphQLObjectType, bool, bool]:
    """(object type, is a list, may be null) of `[T!]!`, `T!` or `T`."""
    nullable = not is_non_null_type(output)
    inner: Any = output.of_type if is_non_null_type(output) else output
    many = is_list_type(inner)
    if many:
        inner = inner.of_type
        if not is_non_null_type(inner):
            raise Unplannable("lists with nullable items are not planned")
        inner = inner.of_type
    if not is_object_type(inner):
        raise Unplannable(f"{inner} is not an object type")
    return inner, many, nullable


def filter_names(graphql_field: GraphQLField) -> dict[str, str]:
    """GraphQL input field name -> column name, for the `where` argument."""
    where = graphql_field.args.get("where")
    if where is None:
        return {}
    input_type: Any = where.type
    return {
        name: input_field.extensions[DEFINITION].python_name
        for name, input_field in input_type.fields.items()
    }
