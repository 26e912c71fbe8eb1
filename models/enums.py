"""Domain enums, shared by the tables and the GraphQL schema."""

from __future__ import annotations

import enum


class OrderType(enum.Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    SATISFIED = "SATISFIED"
    PARTIAL = "PARTIAL"


class AssetType(enum.Enum):
    BITCOIN = "BITCOIN"
    DASH = "DASH"
    DOGECOIN = "DOGECOIN"
    LITECOIN = "LITECOIN"
    NAIRA = "NAIRA"


class Role(enum.Enum):
    """What a user may do: see and change their own rows, watch the chain, or everything."""

    CUSTOMER = "CUSTOMER"
    OPERATOR = "OPERATOR"
    SERVICE = "SERVICE"
