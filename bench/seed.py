"""Deterministic benchmark data on PostgreSQL: 2,000 customers, 2 addresses each, 5 orders
each, 4 transactions per order (56,000 rows), and one operator with no rows of its own,
built through the project's migrations.

The operator's id comes after every customer's, so a page of users still starts at
customer 1 and the workloads read exactly the rows they read before identity.

Rows are generated inside PostgreSQL with `generate_series`, so seeding takes seconds.
Usage: `python -m bench.seed [DATABASE_URL]` (default: the local `bench` database).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

from alembic import command
from sqlalchemy import text

from gql_server.database import create_engine
from gql_server.settings import normalize_database_url
from migrations import alembic_config, empty_postgres_schema

log = logging.getLogger("bench.seed")

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench"
USERS = 2_000
ADDRESSES_PER_USER = 2
ORDERS_PER_USER = 5
TRANSACTIONS_PER_ORDER = 4
SEEDED_AT = "2026-01-01T00:00:00+00:00"
OPERATOR_ID = USERS + 1
OPERATOR_EMAIL = "operator@example.com"

INSERTS = [
    f"""
    INSERT INTO users (id, lastchange, name, surname, email)
    SELECT g, '{SEEDED_AT}', 'Name' || g, 'Surname' || g, 'user' || g || '@example.com'
    FROM generate_series(1, {USERS}) AS g
    """,
    f"""
    INSERT INTO users (id, lastchange, name, surname, email, role)
    VALUES ({OPERATOR_ID}, '{SEEDED_AT}', 'Bench', 'Operator', '{OPERATOR_EMAIL}', 'OPERATOR')
    """,
    f"""
    INSERT INTO addresses
        (id, lastchange, user_id, address, network, is_default, address_balance, label)
    SELECT g, '{SEEDED_AT}', (g - 1) / {ADDRESSES_PER_USER} + 1, 'bc1q' || lpad(g::text, 12, '0'),
           (ARRAY['bitcoin', 'litecoin'])[g % 2 + 1], true, (g % 1000) / 8.0, 'wallet ' || g
    FROM generate_series(1, {USERS * ADDRESSES_PER_USER}) AS g
    """,
    f"""
    INSERT INTO orders (id, lastchange, user_id, order_type, asset, start, expected_end, memo)
    SELECT g, '{SEEDED_AT}', (g - 1) / {ORDERS_PER_USER} + 1,
           (ARRAY['OPEN', 'CLOSED', 'SATISFIED', 'PARTIAL'])[g % 4 + 1],
           (ARRAY['BITCOIN', 'DASH', 'DOGECOIN', 'LITECOIN', 'NAIRA'])[g % 5 + 1],
           1767225600 + g * 60, 1767225600 + g * 60 + 86400, 'order ' || g
    FROM generate_series(1, {USERS * ORDERS_PER_USER}) AS g
    """,
    f"""
    INSERT INTO transactions
        (id, lastchange, order_id, tranx_ref, tranx_id, confirmations, meta)
    SELECT g, '{SEEDED_AT}', (g - 1) / {TRANSACTIONS_PER_ORDER} + 1, 'ref-' || g,
           md5(g::text) || md5((g + 1)::text), g % 7,
           json_build_object('fee', '0.0001', 'n', g)
    FROM generate_series(1, {USERS * ORDERS_PER_USER * TRANSACTIONS_PER_ORDER}) AS g
    """,
]
TABLES = ["users", "addresses", "orders", "transactions"]


def reset_and_migrate(url: str) -> None:
    empty_postgres_schema(url)
    command.upgrade(alembic_config(url), "head")


async def insert_rows(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for statement in INSERTS:
                await connection.execute(text(statement))
            for table in TABLES:
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                await connection.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table}"))
            counts = [
                (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
                for table in TABLES
            ]
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f"VACUUM ANALYZE {', '.join(TABLES)}"))
        return int(sum(counts))
    finally:
        await engine.dispose()


def seed(url: str) -> tuple[int, float]:
    """Empty the database, migrate it to head and insert the rows: (rows, seconds)."""
    started = time.perf_counter()
    reset_and_migrate(url)
    rows = asyncio.run(insert_rows(url))
    return rows, time.perf_counter() - started


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    url = normalize_database_url(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
    rows, seconds = seed(url)
    log.info("seeded %d rows in %.1f s", rows, seconds)


if __name__ == "__main__":
    main()
