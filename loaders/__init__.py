"""The DataLoader layer: every read and write of the API goes through here."""

from loaders.container import Loaders, Projection, create_loaders, projection_of
from loaders.errors import ConstraintViolated, RowInUse, RowNotFound, StaleWrite, WriteRefused
from loaders.fkey_loader import FkeyLoader, create_fkey_loader
from loaders.id_loader import AnyRow, IdLoader, SessionMaker, create_id_loader

__all__ = [
    "AnyRow",
    "ConstraintViolated",
    "FkeyLoader",
    "IdLoader",
    "Loaders",
    "Projection",
    "RowInUse",
    "RowNotFound",
    "SessionMaker",
    "StaleWrite",
    "WriteRefused",
    "create_fkey_loader",
    "create_id_loader",
    "create_loaders",
    "projection_of",
]
