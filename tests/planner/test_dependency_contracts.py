"""The few places that lean on a dependency's internals, each failing loudly if an
upgrade moves what they rely on (and nothing else in the code does)."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLSchema

from gql_server.schema.build import schema
from gql_server.schema.core import graphql_core_schema

ROOT = Path(__file__).resolve().parents[2]


def test_strawberry_still_keeps_its_graphql_core_schema_where_the_planner_reads_it() -> None:
    core = graphql_core_schema(schema)

    assert isinstance(core, GraphQLSchema)
    assert core.query_type is not None and "users" in core.query_type.fields


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
