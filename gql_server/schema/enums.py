"""The domain enums as GraphQL enums, registered once for every module that uses them.

Types and inputs both import them from here, so the registration always comes
first, whatever order the modules are imported in.
"""

from __future__ import annotations

import strawberry

from models import AssetType, OrderType, Role

strawberry.enum(OrderType, description="Lifecycle state of an order.")
strawberry.enum(AssetType, description="Asset an order trades.")
strawberry.enum(
    Role,
    description="What a user may do: CUSTOMER their own rows, SERVICE (the blockchain "
    "watcher) orders and transactions, OPERATOR everything.",
)

__all__ = ["AssetType", "OrderType", "Role"]
