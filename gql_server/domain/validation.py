"""Input checks derived from the columns themselves, plus the few domain rules.

Column metadata gives lengths, nullability, money precision, small-int ranges
and foreign keys, so a new model is validated without new code; `rules.py`
adds what columns cannot say (email format, non-negative amounts, ...).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Float, SmallInteger, Table

from gql_server.domain.errors import InvalidInput
from models.types import MONEY_PRECISION, MONEY_SCALE, Money

MAX_ID = 2**63 - 1


class UndecodableBase64(bytes):
    """Input that is not valid base64 (the `Base64` scalar keeps it for validation to
    report on its field)."""


SMALLINT_RANGE = (-(2**15), 2**15 - 1)


def parse_id(value: object, column: str = "id") -> int:
    """A positive int8, from the string a client sends as `ID`."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(column, f"{value!r} is not a valid id (a positive 64-bit integer)")
    return int(text)


def check_columns(table: Table, values: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Checked and normalised values; a null for a column with a default takes the default."""
    checked: dict[str, Any] = {}
    for name, value in values.items():
        column = table.c[name]
        if value is None and creating and not column.nullable and column.default is not None:
            continue
        checked[name] = check_value(column, value)
    return checked


def check_value(column: Column[Any], value: Any) -> Any:
    name, kind = column.key, column.type
    if value is None:
        if not column.nullable:
            raise InvalidInput(name, "must not be null")
        return None
    if column.foreign_keys:
        return parse_id(value, name)
    if isinstance(value, UndecodableBase64):
        raise InvalidInput(name, "is not valid base64")
    if isinstance(value, str):
        check_text(name, value, getattr(kind, "length", None), required=not column.nullable)
    elif isinstance(kind, Money):
        check_money(name, value)
    elif isinstance(kind, SmallInteger) and not SMALLINT_RANGE[0] <= value <= SMALLINT_RANGE[1]:
        raise InvalidInput(name, f"must be between {SMALLINT_RANGE[0]} and {SMALLINT_RANGE[1]}")
    elif isinstance(kind, Float) and not math.isfinite(value):
        raise InvalidInput(name, "must be a finite number")
    return value


def check_text(name: str, value: str, max_length: int | None, *, required: bool) -> None:
    if "\x00" in value:
        raise InvalidInput(name, "must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(name, "is not valid unicode (lone surrogate)") from None
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(name, f"must be at most {max_length} characters")
    if required and not value.strip():
        raise InvalidInput(name, "must not be empty")


def check_money(name: str, value: Decimal) -> None:
    """Exact amounts only: never rounded, never NaN or infinite.

    Read from the digits themselves, not through a decimal context, so that an
    extreme exponent such as 1E-9999999999 cannot underflow to zero on the way.
    """
    if not value.is_finite():
        raise InvalidInput(name, "must be a finite number")
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite decimals have an int exponent
    significant = "".join(map(str, digits)).rstrip("0")
    places = -(exponent + len(digits) - len(significant)) if significant else 0
    if places > MONEY_SCALE:
        raise InvalidInput(name, f"must have at most {MONEY_SCALE} decimal places")
    if significant and value.adjusted() + 1 > MONEY_PRECISION - MONEY_SCALE:
        raise InvalidInput(
            name, f"must have at most {MONEY_PRECISION - MONEY_SCALE} digits before the point"
        )
