"""SQLAlchemy models of the wallet domain, and the ones the API exposes."""

from typing import Any

from sqlalchemy import Table

from models import address, order, transaction, user
from models.access import ANONYMOUS, Access, Grants, Viewer
from models.address import Address
from models.base import Base
from models.enums import AssetType, OrderType, Role
from models.exposed import Exposed
from models.login_failure import LoginFailure
from models.order import Order
from models.persisted_operation import PersistedOperation
from models.session import UserSession
from models.transaction import Transaction
from models.user import User

# What the API serves, in the order its root fields and mutations are listed.
EXPOSED: tuple[Exposed[Any], ...] = (user.API, address.API, order.API, transaction.API)


def exposed_of(model: type[Base]) -> Exposed[Any]:
    """The declaration of `model` (its grants and owner)."""
    for api in EXPOSED:
        if api.model is model:
            return api
    raise LookupError(f"{model.__name__} is not exposed")


def model_of(table: Table) -> type[Base]:
    """The model mapped to `table` (foreign keys name tables, loaders take models)."""
    for mapper in Base.registry.mappers:
        if mapper.local_table is table:
            model: type[Base] = mapper.class_
            return model
    raise LookupError(f"no model maps table {table.name}")


__all__ = [
    "ANONYMOUS",
    "EXPOSED",
    "Access",
    "Address",
    "AssetType",
    "Base",
    "Exposed",
    "Grants",
    "LoginFailure",
    "Order",
    "OrderType",
    "PersistedOperation",
    "Role",
    "Transaction",
    "User",
    "UserSession",
    "Viewer",
    "exposed_of",
    "model_of",
]
