"""The console script as an operator uses it: migrate, seed, export-schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gql_server.cli import main
from models import Base

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


# When each row was written, and password hashes (salted afresh by every seed).
VARYING = frozenset({"lastchange", "password_hash"})


def rows_without_tokens(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, less the columns that differ from one seed to the next."""
    with sqlite3.connect(database) as connection:
        return {
            table.name: connection.execute(
                f"SELECT {', '.join(c.key for c in table.c if c.key not in VARYING)} "
                f"FROM {table.name} ORDER BY id"
            ).fetchall()
            for table in Base.metadata.sorted_tables
        }


def migrate_and_seed_twice(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    main(["migrate"])
    main(["seed"])
    main(["seed"])
    return capsys.readouterr().out


def test_seed_fills_an_empty_database_once_and_always_with_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # when: two empty databases are migrated, then seeded twice each
    first = migrate_and_seed_twice(tmp_path / "first.db", monkeypatch, capsys)
    second = migrate_and_seed_twice(tmp_path / "second.db", monkeypatch, capsys)

    # then: the second seed leaves each alone, and both hold the same demo rows
    assert first == second
    assert first.startswith("seeded demo data\n")
    assert first.count("database not empty: left as it is\n") == 1
    rows = rows_without_tokens(tmp_path / "first.db")
    assert rows == rows_without_tokens(tmp_path / "second.db")
    assert {name: len(found) for name, found in rows.items()} == {
        "users": 6,
        "addresses": 10,
        "orders": 10,
        "transactions": 20,
        "persisted_operations": 0,
        "login_failures": 0,
        "sessions": 0,
    }


def test_export_schema_prints_the_checked_in_contract(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["export-schema"])

    assert capsys.readouterr().out == SCHEMA_FILE.read_text()
