"""initial schema

Revision ID: 0001
Revises:
Money is exact text on SQLite (its NUMERIC would round through a float).

Create Date: 2026-11-24 02:51:15.419234
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("lastchange", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("surname", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "addresses",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("lastchange", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("network", sa.String(length=32), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "address_balance",
            sa.Numeric(precision=28, scale=8).with_variant(sa.String(length=30), "sqlite"),
            server_default="0",
            nullable=False,
        ),
        sa.Column("label", sa.String(length=50), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("account_number", sa.String(length=64), nullable=True),
        sa.Column("account_key", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "address_balance >= 0", name=op.f("ck_addresses_address_balance_not_negative")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_addresses_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addresses")),
    )
    op.create_index(op.f("ix_addresses_user_id"), "addresses", ["user_id"], unique=False)
    op.create_index(
        "uq_addresses_one_default_per_network",
        "addresses",
        ["user_id", "network"],
        unique=True,
        postgresql_where=sa.text("is_default"),
        sqlite_where=sa.text("is_default"),
    )
    op.create_table(
        "orders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("lastchange", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "order_type",
            sa.Enum(
                "OPEN",
                "CLOSED",
                "SATISFIED",
                "PARTIAL",
                name="order_type",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            server_default="OPEN",
            nullable=False,
        ),
        sa.Column(
            "asset",
            sa.Enum(
                "BITCOIN",
                "DASH",
                "DOGECOIN",
                "LITECOIN",
                "NAIRA",
                name="asset_type",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            server_default="BITCOIN",
            nullable=False,
        ),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("expected_end", sa.Float(), nullable=True),
        sa.Column("memo", sa.String(length=128), nullable=True),
        sa.CheckConstraint(
            "expected_end IS NULL OR expected_end >= start",
            name=op.f("ck_orders_expected_end_after_start"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_orders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    op.create_index(op.f("ix_orders_user_id"), "orders", ["user_id"], unique=False)
    op.create_table(
        "transactions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("lastchange", sa.DateTime(timezone=True), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tranx_ref", sa.String(length=256), nullable=False),
        sa.Column("tranx_id", sa.String(length=256), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=True),
        sa.Column("outputs", sa.Text(), nullable=True),
        sa.Column("confirmations", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("pubkey", sa.LargeBinary(), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "confirmations >= 0", name=op.f("ck_transactions_confirmations_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_transactions_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transactions")),
        sa.UniqueConstraint("tranx_ref", name=op.f("uq_transactions_tranx_ref")),
    )
    op.create_index(op.f("ix_transactions_order_id"), "transactions", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_transactions_order_id"), table_name="transactions")
    op.drop_table("transactions")
    op.drop_index(op.f("ix_orders_user_id"), table_name="orders")
    op.drop_table("orders")
    op.drop_index(
        "uq_addresses_one_default_per_network",
        table_name="addresses",
        postgresql_where=sa.text("is_default"),
        sqlite_where=sa.text("is_default"),
    )
    op.drop_index(op.f("ix_addresses_user_id"), table_name="addresses")
    op.drop_table("addresses")
    op.drop_table("users")
