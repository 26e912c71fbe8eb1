"""Batched, per-request reads: every read of the API goes through here."""

from loaders.container import LoaderKey, Loaders, Projection, create_loaders, projection_of
from loaders.fkey_loader import FkeyLoader
from loaders.id_loader import IdLoader, SessionMaker
from loaders.reads import AnyRow

__all__ = [
    "AnyRow",
    "FkeyLoader",
    "IdLoader",
    "LoaderKey",
    "Loaders",
    "Projection",
    "SessionMaker",
    "create_loaders",
    "projection_of",
]
