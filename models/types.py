"""Column types that behave the same on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

MONEY_SCALE = 8
MONEY_PRECISION = 28
_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)


class AwareDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamp with microseconds, written in UTC; naive values refused.

    On PostgreSQL reads need nothing more: asyncpg returns `timestamptz` as an
    aware UTC datetime itself, so this type adds no step per row read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; give a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value


class UtcDateTime(AwareDateTime):
    """`AwareDateTime` that also reads values back as aware UTC datetimes.

    SQLite has no timestamp type: values are stored as UTC text with six
    fractional digits, so equality (the `lastchange` compare-and-set) is exact.
    """

    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is UTC:
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_timestamp() -> TypeEngine[datetime]:
    """`UtcDateTime`, leaving reads to asyncpg on PostgreSQL (every row has a `lastchange`)."""
    return UtcDateTime().with_variant(AwareDateTime(), "postgresql")


class Money(TypeDecorator[Decimal]):
    """Numeric(28, 8); kept as exact text on SQLite, whose NUMERIC is a float."""

    impl = Numeric(MONEY_PRECISION, MONEY_SCALE)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return Decimal

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(MONEY_PRECISION + 2))
        return dialect.type_descriptor(Numeric(MONEY_PRECISION, MONEY_SCALE))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = Decimal(value).quantize(_QUANTUM)
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value).quantize(_QUANTUM)
