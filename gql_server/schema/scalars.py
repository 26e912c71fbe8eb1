"""Scalars with exact wire formats: `DateTime`, `Decimal` and `Base64` (JSON is Strawberry's).

`DateTime` always carries microseconds and an offset, because `lastchange`
round-trips through clients as a concurrency token and must compare exactly.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.scalars import Base64
from strawberry.types.scalar import ScalarDefinition

from gql_server.domain.validation import UndecodableBase64


def serialize_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def parse_datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise StrawberryInputCoercionError("DateTime must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise StrawberryInputCoercionError(
            f"DateTime cannot represent {value!r}: expected ISO 8601, "
            "e.g. 2026-01-31T12:00:00.000000+00:00"
        ) from None
    if parsed.tzinfo is None:
        raise StrawberryInputCoercionError(
            f"DateTime {value!r} has no UTC offset; send the value exactly as the API returned it"
        )
    return parsed


def serialize_base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def parse_base64(value: object) -> bytes:
    if not isinstance(value, str):
        raise StrawberryInputCoercionError("Base64 must be a string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return UndecodableBase64(value.encode("utf-8", "replace"))


def serialize_decimal(value: Decimal) -> str:
    """Fixed-point text, never exponent notation ("0.00000000", not "0E-8")."""
    return format(value, "f")


# Plain decimal text only: Python's Decimal also takes " 1 ", "1_000", "NaN", "Infinity".
DECIMAL_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def parse_decimal(value: object) -> Decimal:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise StrawberryInputCoercionError(
            'Decimal must be a string such as "12.50" (or an integer)'
        )
    if isinstance(value, str) and not DECIMAL_TEXT.fullmatch(value):
        raise StrawberryInputCoercionError(
            f"Decimal cannot represent {value!r}: expected digits with an optional sign, "
            'point and exponent, e.g. "12.50"'
        )
    try:
        return Decimal(value)
    except InvalidOperation:
        raise StrawberryInputCoercionError(f"Decimal cannot represent {value!r}") from None


SCALAR_MAP: dict[object, ScalarDefinition] = {
    Decimal: strawberry.scalar(
        name="Decimal",
        description='Exact decimal number, as a string (e.g. "12.50000000").',
        serialize=serialize_decimal,
        parse_value=parse_decimal,
    ),
    datetime: strawberry.scalar(
        name="DateTime",
        description="ISO 8601 date and time with microseconds and UTC offset.",
        serialize=serialize_datetime,
        parse_value=parse_datetime,
    ),
    Base64: strawberry.scalar(
        name="Base64",
        description="Binary data as standard base64 (RFC 4648).",
        serialize=serialize_base64,
        parse_value=parse_base64,
    ),
}
