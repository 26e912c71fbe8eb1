"""Calling a mutation by its stored operation and checking what the tables hold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import AnyRow
from models import Base
from tests.conftest import GraphQLClient, operation


async def row_count(engine: AsyncEngine, model: type[Base]) -> int:
    async with engine.connect() as connection:
        return len((await connection.execute(select(model.__table__))).all())


async def mutate(gql: GraphQLClient, name: str, **variables: Any) -> dict[str, Any]:
    data = await gql(operation(name), variables)
    result: dict[str, Any] = data["result"]
    return result


def token(row: AnyRow) -> str:
    return row.lastchange.isoformat(timespec="microseconds")
