"""SQLAlchemy models of the wallet domain."""

from models.address import Address
from models.base import Base
from models.enums import AssetType, OrderType
from models.order import Order
from models.persisted_operation import PersistedOperation
from models.transaction import Transaction
from models.user import User

__all__ = [
    "Address",
    "AssetType",
    "Base",
    "Order",
    "OrderType",
    "PersistedOperation",
    "Transaction",
    "User",
]
