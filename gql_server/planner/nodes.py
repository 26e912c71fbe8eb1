"""What a plan is made of: per selected field, a leaf to copy or a loader step to take."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLField
from graphql.execution.collect_fields import FieldDetailsList

from gql_server.schema.metadata import RootLookup
from loaders import LoaderKey, Projection
from models import Base

# (row, pending) -> the response object; relations are filed in `pending` under their step
Builder = Callable[[Any, dict[Any, list[Any]]], dict[str, Any]]


class Unplannable(Exception):
    """The planner does not handle this operation; execute it field by field."""


@dataclass(frozen=True)
class Leaf:
    key: str
    attribute: str
    serialize: Callable[[Any], Any]
    nullable: bool
    # For an enum: the name its serializer gives each member, looked up instead of searched.
    enum_names: dict[Any, str] | None = None


@dataclass(frozen=True)
class TypeName:
    key: str
    name: str


@dataclass(frozen=True, eq=False)
class Step:
    """A relationship: load children (or a parent) of every row of a level at once.
    Compared and hashed by identity: a run files the rows waiting for it under it."""

    key: str
    loader: LoaderKey
    parent_key: str
    many: bool
    nullable: bool
    selection: Selection


@dataclass(frozen=True)
class Root:
    key: str
    lookup: RootLookup
    field: GraphQLField
    details: FieldDetailsList
    filter_names: dict[str, str]
    nullable: bool
    selection: Selection


@dataclass
class Selection:
    fields: list[Leaf | TypeName | Step] = field(default_factory=list)
    builder: Builder | None = None  # compiled on the first row (see builders.py)


@dataclass(frozen=True)
class Plan:
    roots: list[Root | TypeName]
    # The columns the plan reads, per table: only those are selected.
    projection: Projection
    # The models it reads: a viewer who may not read one of them is answered field by
    # field, where the refusal is reported on its field.
    models: frozenset[type[Base]] = frozenset()
