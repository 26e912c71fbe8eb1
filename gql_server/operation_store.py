"""Registered GraphQL documents, by SHA-256, in the database every instance shares."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import suppress

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gql_server.database import create_engine, create_session_maker
from gql_server.domain.clock import utcnow
from loaders.reconnect import on_a_live_connection
from loaders.statement_count import count_statement
from models import PersistedOperation


def sha256_of(document: str) -> str:
    """The hash clients send: hex SHA-256 of the document's UTF-8 text, as sent."""
    return hashlib.sha256(document.encode()).hexdigest()


async def find(session_maker: async_sessionmaker[AsyncSession], sha256: str) -> str | None:
    """The document registered under `sha256`, if any."""
    statement = select(PersistedOperation.document).where(PersistedOperation.sha256 == sha256)

    async def read() -> str | None:
        async with session_maker() as session:
            count_statement()
            found: str | None = await session.scalar(statement)
        return found

    return await on_a_live_connection(read)


async def register(session_maker: async_sessionmaker[AsyncSession], document: str) -> str:
    """Store `document` under its hash (once: registering again changes nothing)."""
    sha256 = sha256_of(document)
    values = {"sha256": sha256, "document": document, "lastchange": utcnow()}

    async def store() -> None:
        # Registered already (by this or another instance) means the same document.
        with suppress(IntegrityError):
            async with session_maker.begin() as session:
                count_statement()
                await session.execute(insert(PersistedOperation).values(values))

    await on_a_live_connection(store)  # storing twice changes nothing
    return sha256


async def register_documents(database_url: str, documents: Iterable[str]) -> list[str]:
    """Register `documents` (a deploy step for the allow-list); their hashes, in order."""
    engine = create_engine(database_url)
    try:
        session_maker = create_session_maker(engine)
        return [await register(session_maker, document) for document in documents]
    finally:
        await engine.dispose()
