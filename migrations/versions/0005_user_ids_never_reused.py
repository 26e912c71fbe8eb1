"""user ids never reused on SQLite

A token names its user by id. SQLite gives a new row the highest id plus one, so after
the newest user is deleted the next sign-up would get that id, and the deleted user's
tokens would read the newcomer's rows. AUTOINCREMENT makes SQLite never reuse an id, as
PostgreSQL's sequences never do; PostgreSQL needs no change.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "users", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("users", recreate="always"):
            pass
