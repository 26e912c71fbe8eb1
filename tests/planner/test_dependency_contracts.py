"""The few places that lean on a dependency's internals, each failing loudly if an
upgrade moves what they rely on (and nothing else in the code does)."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLSchema
from strawberry.schema.schema_converter import CustomGraphQLEnumType

from gql_server.planner.plan import enum_names
from gql_server.schema.build import schema
from gql_server.schema.core import graphql_core_schema
from models import OrderType

ROOT = Path(__file__).resolve().parents[2]


def test_strawberry_still_keeps_its_graphql_core_schema_where_the_planner_reads_it() -> None:
    core = graphql_core_schema(schema)

    assert isinstance(core, GraphQLSchema)
    assert core.query_type is not None and "users" in core.query_type.fields


def test_strawberry_still_builds_its_enum_type_the_planner_maps_names_from() -> None:
    """The planner serializes enums by looking up Strawberry's enum type (an internal
    class of `strawberry.schema.schema_converter`): its wrapped class and its values."""
    order_type = graphql_core_schema(schema).get_type("OrderType")

    assert isinstance(order_type, CustomGraphQLEnumType)
    assert order_type.wrapped_cls is OrderType
    assert enum_names(order_type) == {member: member.name for member in OrderType}


def test_no_other_module_reads_a_private_attribute_of_strawberry_or_aiodataloader() -> None:
    private = re.compile(r"\._schema\b|\._cache\b")
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("gql_server", "loaders", "models", "bench")
        for path in (ROOT / package).rglob("*.py")
        if "node_modules" not in path.parts
        and private.search(path.read_text())
        and path.name != "core.py"
    ]
    assert offenders == []
