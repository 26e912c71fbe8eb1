"""What the query planner reads off a field: which loader serves it, by which key.

The same declaration drives the field's resolver (field-by-field execution) and
the plan, so the two read paths cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import RelationshipDirection, RelationshipProperty

from loaders import LoaderKey
from models import Base

PLAN_METADATA = "mwallet.plan"


@dataclass(frozen=True)
class Relation:
    """Follow the parent row's `parent_key` through the loader of `source`: the
    relationship itself (to-many, rows grouped by foreign key) or the parent model
    (to-one, by id)."""

    source: LoaderKey
    parent_key: str
    many: bool

    @classmethod
    def of(cls, relationship: RelationshipProperty[Any]) -> Relation:
        (local,) = relationship.local_columns
        assert local.key is not None
        if relationship.direction is RelationshipDirection.ONETOMANY:
            return cls(relationship, local.key, many=True)
        if relationship.direction is RelationshipDirection.MANYTOONE:
            return cls(relationship.mapper.class_, local.key, many=False)
        raise TypeError(f"{relationship} is many-to-many: expose it through its own model")


@dataclass(frozen=True)
class RootLookup:
    """A root field reading rows of `model`: one by id (`many=False`) or a page."""

    model: type[Base]
    many: bool
