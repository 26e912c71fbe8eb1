"""Who may do what to whose rows, written out by hand: the rules the matrix checks.

Deliberately not read from `models/access.py`: derived from the code, the matrix
would only check the code against itself. Every root field, relation field and
mutation of the schema must be named below (`test_schema_coverage.py`), so a new
one fails until someone decides what each role gets from it.
"""

from __future__ import annotations

from typing import Literal

Grant = Literal["none", "own", "all"]
Action = Literal["read", "create", "update", "delete"]
ACTIONS: tuple[Action, ...] = ("read", "create", "update", "delete")
MODELS = ("User", "Address", "Order", "Transaction")

# role, model: what it may read, create, update, delete ("own": only its own rows).
GRANTS: dict[tuple[str, str], tuple[Grant, Grant, Grant, Grant]] = {
    ("CUSTOMER", "User"): ("own", "none", "own", "none"),
    ("CUSTOMER", "Address"): ("own", "own", "own", "own"),
    ("CUSTOMER", "Order"): ("own", "own", "own", "own"),
    ("CUSTOMER", "Transaction"): ("own", "none", "none", "none"),
    ("SERVICE", "User"): ("none", "none", "none", "none"),
    ("SERVICE", "Address"): ("none", "none", "none", "none"),
    ("SERVICE", "Order"): ("all", "none", "none", "none"),
    ("SERVICE", "Transaction"): ("all", "all", "all", "none"),
    ("OPERATOR", "User"): ("all", "all", "all", "all"),
    ("OPERATOR", "Address"): ("all", "all", "all", "all"),
    ("OPERATOR", "Order"): ("all", "all", "all", "all"),
    ("OPERATOR", "Transaction"): ("all", "all", "all", "all"),
}

# Input fields a role may never set, on any row (its own included).
FIXED: dict[tuple[str, str], frozenset[str]] = {("CUSTOMER", "User"): frozenset({"role"})}

# The input field naming a row's owning user (None: the row is the user, or is owned
# through its parent, as a transaction through its order).
OWNER_INPUT: dict[str, str | None] = {
    "User": None,
    "Address": "userId",
    "Order": "userId",
    "Transaction": None,
}

# Root query fields: model and whether they return one row or a page.
ROOT_FIELDS: dict[str, tuple[str, bool]] = {
    "user": ("User", False),
    "users": ("User", True),
    "address": ("Address", False),
    "addresses": ("Address", True),
    "order": ("Order", False),
    "orders": ("Order", True),
    "transaction": ("Transaction", False),
    "transactions": ("Transaction", True),
}

# Root connections: the model of their rows (a connection, its edges and its page info
# are no one's rows: they hold the model's rows, which the matrix reads through them).
CONNECTIONS: dict[str, str] = {
    "usersConnection": "User",
    "addressesConnection": "Address",
    "ordersConnection": "Order",
    "transactionsConnection": "Transaction",
}
CONNECTION_TYPES = frozenset(
    {"PageInfo", *(f"{model}{kind}" for model in MODELS for kind in ("Connection", "Edge"))}
)

# Relation fields: (type, field) -> (model of the related rows, to-many).
RELATIONS: dict[tuple[str, str], tuple[str, bool]] = {
    ("User", "addresses"): ("Address", True),
    ("User", "orders"): ("Order", True),
    ("Address", "user"): ("User", False),
    ("Order", "user"): ("User", False),
    ("Order", "transactions"): ("Transaction", True),
    ("Transaction", "order"): ("Order", False),
}

MUTATIONS: dict[str, tuple[str, Action]] = {
    f"{action}{model}": (model, action)
    for model in MODELS
    for action in ("create", "update", "delete")
}

# Identity's own fields (sign-up, log-in, sessions, who am I): tested with them.
AUTH_FIELDS = frozenset({"viewer", "signUp", "logIn", "refreshSession", "logOut", "changePassword"})

# Object types that are no one's rows: the members of write results.
RESULT_TYPES = frozenset(
    {
        "ValidationError",
        "NotFoundError",
        "StaleDataError",
        "ForbiddenError",
        "InUseError",
        "Deleted",
    }
)


def grant(role: str, model: str, action: Action) -> Grant:
    return GRANTS[role, model][ACTIONS.index(action)]
