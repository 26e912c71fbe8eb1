"""Relationship fields declared once: which loader follows them, by which key.

The declaration is both the field's resolver (field-by-field execution) and
metadata the query planner reads, so the two paths cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from gql_server.context import Info

PLAN_METADATA = "mwallet.plan"


@dataclass(frozen=True)
class Relation:
    """Follow `key` (an attribute of the parent row) through the loader named `loader`."""

    loader: str
    key: str


@dataclass(frozen=True)
class RootLookup:
    """A root field reading rows of one loader: by id (`many=False`) or by page."""

    loader: str
    many: bool


def relation(loader: str, key: str) -> Any:
    """A field resolved by `loaders.<loader>.load(parent.<key>)`; its type is the annotation."""
    declared = Relation(loader, key)

    async def resolve(root: strawberry.Parent[Any], info: Info) -> Any:
        return await getattr(info.context.loaders, loader).load(int(getattr(root, key)))

    return strawberry.field(resolver=resolve, metadata={PLAN_METADATA: declared})


def root_lookup(loader: str, *, many: bool) -> dict[str, object]:
    return {PLAN_METADATA: RootLookup(loader, many)}
