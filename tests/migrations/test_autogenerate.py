"""`alembic revision --autogenerate` writes migrations that run unchanged on both backends.

The project runs one chain of migrations on PostgreSQL and on SQLite, so a generated
file must apply on both whichever backend it was generated against: it must name only
what it imports, and alter tables in a way SQLite can follow.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Column, ForeignKey, MetaData, Table, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url

from gql_server.database import create_engine
from migrations import MIGRATIONS_DIR, alembic_config, empty_postgres_schema
from models import Base, Order, Transaction, User
from models.base import BigId
from models.types import Money, utc_timestamp
from tests.conftest import require_postgres

BACKENDS = ["sqlite", "postgresql"]
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def project_head() -> str:
    """The project's last migration, which the models describe: a generated one follows it."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


HEAD = project_head()


def changed_metadata() -> MetaData:
    """A copy of the models' metadata with new columns of our custom types, an index and
    a foreign key on `orders` (which `transactions` refers to), and a new table.
    `Base.metadata` itself is left as it is: other tests use it."""
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    orders = metadata.tables["orders"]
    orders.append_column(Column("fee", Money(), nullable=True))
    orders.append_column(Column("settled_at", utc_timestamp(), nullable=True))
    orders.append_column(Column("address_id", BigId, ForeignKey("addresses.id"), index=True))
    Table(
        "ledger_entries",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("lastchange", utc_timestamp(), nullable=False),
        Column("order_id", BigId, ForeignKey("orders.id"), nullable=False, index=True),
        Column("amount", Money(), nullable=False),
    )
    return metadata


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """An empty PostgreSQL database of this test's own, named after TEST_DATABASE_URL's
    (so runs against different databases do not collide), dropped afterwards."""
    admin = require_postgres()
    name = f"{make_url(admin).database}_autogenerate"
    run_admin(admin, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    run_admin(admin, f'DROP DATABASE IF EXISTS "{name}"')


def run_admin(url: str, *statements: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                for statement in statements:
                    await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    asyncio.run(run())


def config_for(url: str, versions: Path, metadata: MetaData | None = None) -> Config:
    """The project's alembic config (its env.py and script template) with the revisions
    read from and written to `versions`, comparing against `metadata`."""
    config = alembic_config(url)
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(versions))
    if metadata is not None:
        config.attributes["target_metadata"] = metadata
    return config


def copy_versions(directory: Path) -> Path:
    directory.mkdir()
    for revision in (MIGRATIONS_DIR / "versions").glob("0*.py"):
        shutil.copy(revision, directory)
    return directory


def undefined_names(source: str) -> set[str]:
    """Names the module reads but never imports, binds or gets from builtins: each one is
    a NameError when alembic runs the file."""
    tree = ast.parse(source)
    bound = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
    read = {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    return read - bound


def database_url(backend: str, directory: Path, postgres: str, name: str) -> str:
    """An empty database of `backend`: a new SQLite file, or the emptied PostgreSQL one."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{directory / name}.db"
    empty_postgres_schema(postgres)
    return postgres


def on_database(url: str, work: Any) -> Any:
    """`work(connection)` in one committed transaction on `url`."""

    async def run() -> Any:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def add_an_order_with_a_transaction(connection: Connection) -> None:
    """Rows in and referring to `orders`, which the migration alters."""
    user = {"lastchange": NOW, "name": "A", "surname": "B", "email": "a@example.com"}
    user_id = connection.execute(insert(User).values(user).returning(User.id)).scalar_one()
    order = {"lastchange": NOW, "user_id": user_id, "start": 1.0}
    order_id = connection.execute(insert(Order).values(order).returning(Order.id)).scalar_one()
    transaction = {"lastchange": NOW, "order_id": order_id, "tranx_ref": "r", "tranx_id": "t"}
    connection.execute(insert(Transaction).values(transaction))


def schema_and_rows(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    return {
        "tables": set(inspector.get_table_names()),
        "order columns": {column["name"] for column in inspector.get_columns("orders")},
        "order indexes": {index["name"] for index in inspector.get_indexes("orders")},
        "order foreign keys": {
            (tuple(key["constrained_columns"]), key["referred_table"])
            for key in inspector.get_foreign_keys("orders")
        },
        "transactions": connection.execute(
            select(Transaction.tranx_ref, Order.start).join(Order)
        ).all(),
    }


def generate(backend: str, tmp_path: Path, postgres: str = "") -> tuple[Path, str]:
    """Autogenerate the change of `changed_metadata()` against `backend` at head:
    the versions folder it was written into, and the file's source."""
    versions = copy_versions(tmp_path / "versions")
    url = database_url(backend, tmp_path, postgres, "generate")
    command.upgrade(config_for(url, versions), "head")
    script = command.revision(
        config_for(url, versions, changed_metadata()),
        message="ledger",
        autogenerate=True,
        rev_id="0100",
    )
    assert not isinstance(script, list) and script is not None
    return versions, Path(script.path).read_text()


@pytest.mark.parametrize("generated_on", BACKENDS)
def test_an_autogenerated_migration_upgrades_and_downgrades_unchanged_on_both_backends(
    generated_on: str, tmp_path: Path, postgres_database: str
) -> None:
    versions, source = generate(generated_on, tmp_path, postgres_database)

    assert undefined_names(source) == set(), source
    for backend in BACKENDS:
        url = database_url(backend, tmp_path, postgres_database, "apply")
        config = config_for(url, versions, changed_metadata())
        command.upgrade(config, HEAD)
        on_database(url, add_an_order_with_a_transaction)

        command.upgrade(config, "head")

        found = on_database(url, schema_and_rows)
        assert "ledger_entries" in found["tables"], backend
        assert {"fee", "settled_at", "address_id"} <= found["order columns"], backend
        assert "ix_orders_address_id" in found["order indexes"], backend
        assert (("address_id",), "addresses") in found["order foreign keys"], backend
        assert found["transactions"] == [("r", 1.0)], backend  # rows survive the ALTERs
        command.check(config)  # raises when the database still differs from the metadata

        command.downgrade(config, HEAD)

        found = on_database(url, schema_and_rows)
        assert "ledger_entries" not in found["tables"], backend
        assert not {"fee", "settled_at", "address_id"} & found["order columns"], backend
        assert found["transactions"] == [("r", 1.0)], backend


def test_custom_types_render_as_the_column_types_of_the_initial_migration(tmp_path: Path) -> None:
    """Migrations hold the database types, not our Python types: a later change to
    `Money` or `utc_timestamp()` must not rewrite what an old migration creates."""
    _, source = generate("sqlite", tmp_path)

    assert "models" not in source
    money = "sa.Numeric(precision=28, scale=8).with_variant(sa.String(length=30), 'sqlite')"
    assert f"sa.Column('fee', {money}, nullable=True)" in source
    assert f"sa.Column('amount', {money}, nullable=False)" in source
    assert "sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True)" in source


def test_a_migration_that_leaves_a_broken_foreign_key_fails_on_sqlite(tmp_path: Path) -> None:
    """Foreign keys are not enforced while migrations run on SQLite (a batch must drop
    tables that rows refer to), so env.py checks them after each migration, before it commits."""
    versions = copy_versions(tmp_path / "versions")
    (versions / "0100_orphan.py").write_text(
        '"""an order of no user"""\n'
        "from alembic import op\n"
        'revision = "0100"\n'
        f'down_revision = "{HEAD}"\n'
        "def upgrade() -> None:\n"
        '    op.execute("INSERT INTO orders (lastchange, user_id, order_type, asset, start)'
        " VALUES ('2026-01-01 00:00:00', 404, 'OPEN', 'BITCOIN', 1)\")\n"
    )
    url = database_url("sqlite", tmp_path, "", "orphan")

    with pytest.raises(RuntimeError, match="broken foreign keys"):
        command.upgrade(config_for(url, versions), "head")

    assert on_database(url, lambda connection: connection.scalar(select(Order.id))) is None
