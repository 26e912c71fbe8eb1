"""What one customer must never see of another's rows: every value stored in them, as a
response would spell it, searched for in every response body."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from gql_server.schema.scalars import serialize_datetime
from tests.identity.world import TABLES, World


async def values_of(world: World, tag: str) -> frozenset[str]:
    """Every value stored in customer `tag`'s rows, as a response would spell it,
    that no other row holds (enums, defaults and booleans are not telling)."""
    mine: set[str] = set()
    others: set[str] = set()
    owner_of_order: dict[int, int] = {}
    for model in ("User", "Address", "Order", "Transaction"):
        table = TABLES[model].__table__
        async with world.system.session_maker() as session:
            rows = (await session.execute(select(table))).mappings().all()
        for row in rows:
            if model == "User":
                owner = row["id"]
            elif model == "Transaction":
                owner = owner_of_order[row["order_id"]]
            else:
                owner = row["user_id"]
            if model == "Order":
                owner_of_order[row["id"]] = owner
            mine_or_not = mine if owner == world.customers[tag] else others
            mine_or_not.update(spellings(row.values()))
    return frozenset(value for value in mine - others if len(value) >= 4)


async def hidden_from(world: World, viewer: str) -> frozenset[str]:
    """The values `viewer` must never receive: a customer, the other's; an
    anonymous client, both customers'."""
    if viewer == "anonymous":
        return await values_of(world, "A") | await values_of(world, "B")
    if viewer.startswith("customer"):
        return await values_of(world, "B" if viewer.endswith("A") else "A")
    return frozenset()


def spellings(values: Any) -> Iterator[str]:
    """How each stored value reads in a response body (ids and decimals as text,
    bytes as base64, timestamps as the API writes them, JSON by its leaves)."""
    for value in values:
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, dict | list):
            yield from spellings(value.values() if isinstance(value, dict) else value)
        elif isinstance(value, datetime):
            yield serialize_datetime(value)
        elif isinstance(value, bytes):
            yield base64.b64encode(value).decode()
        elif isinstance(value, Decimal):
            yield format(value, "f")
        elif isinstance(value, float):
            yield json.dumps(value)
        else:
            yield str(getattr(value, "value", value))


def found(value: str, text: str) -> bool:
    """`value` occurs in `text` as a whole token (not inside a longer number or word)."""
    pattern = rf"(?<![0-9A-Za-z_.]){re.escape(value)}(?!\.?[0-9A-Za-z_])"
    return re.search(pattern, text) is not None


def leaks(secrets: frozenset[str], request: str, response: str) -> list[str]:
    """The secrets a response holds that its request did not send (ids echoed back in
    a `NotFoundError` are the client's own words)."""
    return sorted(s for s in secrets if found(s, response) and not found(s, request))
