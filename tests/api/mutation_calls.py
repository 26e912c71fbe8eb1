"""Calling a mutation by its stored operation and checking what the tables hold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import AnyRow
from models import Base, User
from tests.conftest import OPERATOR_ID, GraphQLClient, operation


async def row_count(engine: AsyncEngine, model: type[Base]) -> int:
    """Rows of `model` the test made: the suite's operator is not one of them."""
    rows = select(model.__table__)
    if model is User:
        rows = rows.where(User.id != OPERATOR_ID)
    async with engine.connect() as connection:
        return len((await connection.execute(rows)).all())


async def mutate(gql: GraphQLClient, name: str, **variables: Any) -> dict[str, Any]:
    data = await gql(operation(name), variables)
    result: dict[str, Any] = data["result"]
    return result


def token(row: AnyRow) -> str:
    return row.lastchange.isoformat(timespec="microseconds")
