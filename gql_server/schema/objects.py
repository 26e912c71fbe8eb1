"""The GraphQL object type of each exposed model, derived from its declaration.

Sources are loader rows, read by attribute: plain columns resolve synchronously,
relationship fields through the request's loaders. Write-only columns (such as
`account_key`) get no field at all, so no query can ever return them.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

import strawberry
from sqlalchemy.orm import RelationshipProperty

from gql_server.domain.access import require_read
from gql_server.schema.classes import add_field, new_class
from gql_server.schema.columns import field_type
from gql_server.schema.context import Info
from gql_server.schema.metadata import PLAN_METADATA, Relation
from loaders import AnyRow
from models import EXPOSED, Base
from models.exposed import Exposed

T = TypeVar("T")


def relation_field(relationship: RelationshipProperty[Any], target: type) -> tuple[Any, Any]:
    """`(type, field)` of a relationship: its loader batches every parent of a level."""
    declared = Relation.of(relationship)
    key, metadata = declared.parent_key, {PLAN_METADATA: declared}
    parent_model: type[Base] = relationship.mapper.class_  # the related rows' model
    if declared.many:

        async def children(root: strawberry.Parent[Any], info: Info) -> Any:
            require_read(info.context.loaders, parent_model)
            return await info.context.loaders.children(relationship).load(getattr(root, key))

        many = list[target]  # type: ignore[valid-type]
        return many, strawberry.field(resolver=children, graphql_type=many, metadata=metadata)
    one = target | None if any(c.nullable for c in relationship.local_columns) else target

    async def parent(root: strawberry.Parent[Any], info: Info) -> Any:
        require_read(info.context.loaders, parent_model)
        value = getattr(root, key)
        return None if value is None else await info.context.loaders.by_id(parent_model).load(value)

    return one, strawberry.field(resolver=parent, graphql_type=one, metadata=metadata)


def object_types(exposed: tuple[Exposed[Any], ...]) -> dict[type[Base], type]:
    """Every model's type. Relations refer to each other's types, so all classes are
    made first and become Strawberry types once every field is in place."""
    classes = {
        api.model: new_class(
            api.name,
            {column.key: (field_type(column), strawberry.field()) for column in api.readable()},
        )
        for api in exposed
    }
    for api in exposed:
        for relationship in api.relationships():
            target = classes[relationship.mapper.class_]
            add_field(classes[api.model], relationship.key, *relation_field(relationship, target))
    return {model: strawberry.type(cls) for model, cls in classes.items()}


def from_row(graphql_type: type[T], row: AnyRow) -> T:
    """An instance of `graphql_type` from a row (where a union needs a real instance).

    Resolver fields (`init=False`) are not columns: they resolve from the instance later.
    """
    columns = [f.name for f in fields(graphql_type) if f.init]  # type: ignore[arg-type]
    return graphql_type(**{name: getattr(row, name) for name in columns})


OBJECT_TYPES = object_types(EXPOSED)
