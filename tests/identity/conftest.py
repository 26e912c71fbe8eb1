"""Fixtures of the identity tests: a world of two customers, a service and an operator,
with tokens; clients of the planned and the plain app; the served schema."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import GraphQLSchema
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from tests.identity.schema_fields import introspected
from tests.identity.world import World, build_world
from tests.planner.conftest import plain_app

__all__ = ["plain_app"]  # the planner tests' planner-off app, over the same database


@pytest.fixture
async def world(app: Starlette, engine: AsyncEngine) -> World:
    return await build_world(app)


@pytest.fixture
def http(anonymous: httpx.AsyncClient) -> httpx.AsyncClient:
    """A client of the planned app with no token of its own: each request carries its
    viewer's."""
    return anonymous


@pytest.fixture
async def plain_http(plain_app: Starlette, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=plain_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def schema(http: httpx.AsyncClient) -> GraphQLSchema:
    return await introspected(http)
