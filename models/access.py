"""Who may do what to which rows: declared once per model (`Exposed(grants=...)`).

A role reads or writes a model's rows not at all, only the rows it owns, or all of
them. Ownership is a model's `owner`: the column holding the owning user's id, or
a to-one relationship to an owned model. Loaders and the write statements turn the
grant into part of each statement's `WHERE` (`loaders/scoping.py`), so a row is
never served or written before its owner is checked.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import InstrumentedAttribute

from models.enums import Role

Action = Literal["read", "create", "update", "delete"]


class Access(enum.Enum):
    NONE = "none"
    OWN = "own"
    ALL = "all"


@dataclass(frozen=True)
class Grants:
    """One role's access to one model, per action; `fixed` columns it may never set."""

    read: Access = Access.NONE
    create: Access = Access.NONE
    update: Access = Access.NONE
    delete: Access = Access.NONE
    fixed: tuple[InstrumentedAttribute[Any], ...] = ()

    def of(self, action: Action) -> Access:
        access: Access = getattr(self, action)
        return access


NOTHING = Grants()
OWN_ROWS = Grants(Access.OWN, Access.OWN, Access.OWN, Access.OWN)
EVERYTHING = Grants(Access.ALL, Access.ALL, Access.ALL, Access.ALL)


@dataclass(frozen=True)
class Viewer:
    """Who a request acts for. `role` None: anonymous (no row is visible).

    The role is checked against the `users` row inside every statement that grants
    more than the viewer's own rows, so a deleted or demoted user's token stops
    working at once (`loaders/scoping.py`).
    """

    user_id: int
    role: Role | None

    @property
    def signed_in(self) -> bool:
        return self.role is not None


ANONYMOUS = Viewer(user_id=0, role=None)
