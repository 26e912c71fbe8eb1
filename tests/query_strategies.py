"""Hypothesis strategies for valid queries over our schema, for differential tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLObjectType, get_named_type, is_leaf_type
from hypothesis import strategies as st
from strawberry.utils.str_converters import to_camel_case

from gql_server.schema.build import schema
from gql_server.schema.core import graphql_core_schema
from models import EXPOSED

GRAPHQL = graphql_core_schema(schema)
OBJECTS = tuple(api.name for api in EXPOSED)
MAX_DEPTH = 4
MAX_ALIASES = 25  # under the server's alias limit (30): generated queries test the planner


def object_type(name: str) -> GraphQLObjectType:
    found = GRAPHQL.get_type(name)
    assert isinstance(found, GraphQLObjectType)
    return found


LEAVES = {
    name: [f for f, d in object_type(name).fields.items() if is_leaf_type(get_named_type(d.type))]
    for name in OBJECTS
}
RELATIONS = {
    name: [
        (f, get_named_type(d.type).name)
        for f, d in object_type(name).fields.items()
        if not is_leaf_type(get_named_type(d.type))
    ]
    for name in OBJECTS
}
ROOT_PAGES = {to_camel_case(api.many): api.name for api in EXPOSED}
ROOT_LOOKUPS = {to_camel_case(api.singular): api.name for api in EXPOSED}
# Filters with values the seeded data matches (or not); a model not named here is paged unfiltered.
FILTERS: dict[str, list[str]] = {
    "users": ['email: "user1@example.com"', 'email: "nobody@example.com"'],
    "addresses": [
        'network: "bitcoin"',
        "isDefault: true",
        'userId: "3"',
        'network: "litecoin", isDefault: false',
    ],
    "orders": ["asset: DASH", "orderType: OPEN", 'userId: "4"', 'userId: "5", asset: NAIRA'],
    "transactions": ['orderId: "2"', 'orderId: "9"', 'tranxId: "nothing"'],
}


@dataclass
class Document:
    """What a query being built has declared so far."""

    names: itertools.count[int] = field(default_factory=itertools.count)
    fragments: list[str] = field(default_factory=list)
    variables: dict[str, bool] = field(default_factory=dict)
    aliases: int = 0

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.names)}"


@st.composite
def decorated(draw: Any, document: Document, name: str, body: str = "") -> str:
    """`name` with maybe an alias and maybe @skip/@include on a fresh variable."""
    alias = ""
    if document.aliases < MAX_ALIASES and draw(st.booleans()):
        document.aliases += 1
        alias = f"{document.fresh('a')}: "
    directive = ""
    if draw(st.integers(0, 3)) == 0:
        variable = document.fresh("v")
        document.variables[variable] = draw(st.booleans())
        kind = draw(st.sampled_from(["skip", "include"]))
        directive = f" @{kind}(if: ${variable})"
    return f"{alias}{name}{directive}{body}"


@st.composite
def selection(draw: Any, document: Document, type_name: str, depth: int) -> str:
    leaves = draw(st.lists(st.sampled_from(LEAVES[type_name]), min_size=1, max_size=4, unique=True))
    parts = [draw(decorated(document, leaf)) for leaf in leaves]
    if draw(st.booleans()):
        parts.append("__typename")
    if depth < MAX_DEPTH:
        relations = draw(st.lists(st.sampled_from(RELATIONS[type_name]), max_size=2, unique=True))
        for name, target in relations:
            inner = draw(selection(document, target, depth + 1))
            parts.append(draw(decorated(document, name, f" {{ {inner} }}")))
    if len(parts) > 1 and draw(st.booleans()):
        cut = draw(st.integers(1, len(parts) - 1))
        wrapped = " ".join(parts[:cut])
        if draw(st.booleans()):
            parts = [f"... on {type_name} {{ {wrapped} }}", *parts[cut:]]
        else:
            fragment = document.fresh("F")
            document.fragments.append(f"fragment {fragment} on {type_name} {{ {wrapped} }}")
            parts = [f"...{fragment}", *parts[cut:]]
    return " ".join(parts)


@st.composite
def root_field(draw: Any, document: Document) -> str:
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(ROOT_PAGES)))
        arguments = [f"limit: {draw(st.integers(0, 8))}"]
        if draw(st.booleans()):
            arguments.append(f"skip: {draw(st.integers(0, 3))}")
        if name in FILTERS and draw(st.booleans()):
            arguments.append(f"where: {{{draw(st.sampled_from(FILTERS[name]))}}}")
        target = ROOT_PAGES[name]
    else:
        name = draw(st.sampled_from(sorted(ROOT_LOOKUPS)))
        arguments = [f'id: "{draw(st.integers(1, 14))}"']
        target = ROOT_LOOKUPS[name]
    inner = draw(selection(document, target, 2))
    document.aliases += 1
    return f"{document.fresh('r')}: {name}({', '.join(arguments)}) {{ {inner} }}"


@st.composite
def queries(draw: Any) -> tuple[str, dict[str, bool]]:
    """A query document and the values of its variables."""
    document = Document()
    roots = [draw(root_field(document)) for _ in range(draw(st.integers(1, 2)))]
    declared = ", ".join(f"${name}: Boolean!" for name in document.variables)
    header = f"query Generated({declared})" if declared else "query Generated"
    text = "\n".join([f"{header} {{ {' '.join(roots)} }}", *document.fragments])
    return text, dict(document.variables)
