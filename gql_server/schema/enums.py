"""The domain enums as GraphQL enums, registered once for every module that uses them.

Types and inputs both import them from here, so the registration always comes
first, whatever order the modules are imported in.
"""

from __future__ import annotations

import strawberry

from models import AssetType, OrderType

strawberry.enum(OrderType, description="Lifecycle state of an order.")
strawberry.enum(AssetType, description="Asset an order trades.")

__all__ = ["AssetType", "OrderType"]
