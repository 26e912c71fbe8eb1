"""Reading rows for root fields: one by id, or a page by equality filters.

Both read paths (resolvers and the query planner) refuse bad arguments here,
with the same messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strawberry import UNSET

from gql_server.domain.errors import BadRequest, InvalidInput
from gql_server.domain.validation import parse_id
from loaders import AnyRow, IdLoader

MAX_LIMIT = 100


async def fetch_one(loader: IdLoader, id: str) -> AnyRow | None:
    try:
        return await loader.load(parse_id(id))
    except InvalidInput as invalid:
        raise BadRequest(f"id {invalid.message}") from None


async def fetch_page(loader: IdLoader, skip: int, limit: int, where: object | None) -> list[AnyRow]:
    """A page of rows; `where` is a filter input (fields left out are UNSET)."""
    given = given_filters(where)
    check_page(skip, limit)
    return await loader.page(skip, limit, **filters(loader, given))


def given_filters(where: object | None) -> dict[str, Any]:
    """The fields of a filter input the client gave (those left out are UNSET)."""
    return {k: v for k, v in vars(where).items() if v is not UNSET} if where else {}


def check_page(skip: int, limit: int) -> None:
    if not 0 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 0 and {MAX_LIMIT}, got {limit}")
    if skip < 0:
        raise BadRequest(f"skip must not be negative, got {skip}")


def filters(loader: IdLoader, given: Mapping[str, Any]) -> dict[str, Any]:
    """Equality filters the client gave; ids are parsed like everywhere else."""
    try:
        return {
            name: parse_id(value, name)
            if loader.table.c[name].foreign_keys and value is not None
            else value
            for name, value in given.items()
        }
    except InvalidInput as invalid:
        raise BadRequest(f"where.{invalid.field} {invalid.message}") from None
