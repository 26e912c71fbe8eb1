"""Opaque, versioned keyset cursors: where a row sits in one order of one type.

A cursor is base64url (unpadded) of the JSON `[version, type, order, values]`: the
type's name, the order's terms (`["START_DESC", "ID_ASC"]`, the primary key always
last) and the row's sort-key values, each encoded as its column's type asks (money
and timestamps as text, enums by name). Clients must treat it as opaque; the server
checks every part when it comes back, so a forged, malformed or foreign cursor (made
for another type or another order) is a `BadRequest`, never a wrong page or a
database error.
"""

from __future__ import annotations

import base64
import binascii
import enum
import math
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, SmallInteger

from gql_server import json_codec
from gql_server.domain.errors import BadRequest

VERSION = 1
MAX_CURSOR_LENGTH = 2048
MONEY_QUANTUM = Decimal(1).scaleb(-8)


def encode(type_name: str, terms: Sequence[str], values: Sequence[Any]) -> str:
    """The cursor of a row whose sort-key values are `values`."""
    document = [VERSION, type_name, list(terms), [plain(value) for value in values]]
    return base64.urlsafe_b64encode(json_codec.dumps(document)).rstrip(b"=").decode()


def plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def decode(
    argument: str, cursor: str, type_name: str, terms: Sequence[str], columns: Sequence[Column[Any]]
) -> list[Any]:
    """The sort-key values in `cursor`, checked against the type, order and columns."""
    refused = BadRequest(
        f"{argument} is not a cursor of this list in this order; "
        "use a cursor this connection returned, with the same orderBy"
    )
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise refused
    try:
        document = json_codec.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise refused from None
    if not (
        isinstance(document, list)
        and len(document) == 4
        and document[0] == VERSION
        and type(document[0]) is int
        and document[1] == type_name
        and document[2] == list(terms)
        and isinstance(document[3], list)
        and len(document[3]) == len(columns)
    ):
        raise refused
    try:
        return [value_of(column, value) for column, value in zip(columns, document[3], strict=True)]
    except (TypeError, ValueError, KeyError, InvalidOperation):
        raise refused from None


def value_of(column: Column[Any], value: Any) -> Any:
    """`value` as `column` holds it; anything else raises."""
    if value is None:
        if not column.nullable:
            raise ValueError("null in a column that holds none")
        return None
    kind = column.type.python_type
    if issubclass(kind, enum.Enum):
        return kind[text(value)]
    if kind is bool:
        if type(value) is not bool:
            raise TypeError("not a boolean")
        return value
    if kind is int:
        bound = 2 ** (int_bits(column) - 1)
        if type(value) is not int or not -bound <= value < bound:
            raise TypeError("not an integer the column holds")
        return value
    if kind is float:
        if type(value) not in (int, float) or not math.isfinite(value):
            raise TypeError("not a finite number")
        return float(value)
    if kind is Decimal:
        number = Decimal(text(value))
        if not number.is_finite():
            raise ValueError("not a finite number")
        return number.quantize(MONEY_QUANTUM)  # too large a number raises InvalidOperation
    if kind is datetime:
        moment = datetime.fromisoformat(text(value))
        if moment.tzinfo is None:
            raise ValueError("a timestamp without an offset")
        return moment
    return text(value)


def int_bits(column: Column[Any]) -> int:
    """The width of an integer column, as the database binds a value compared with it."""
    if isinstance(column.type, SmallInteger):
        return 16
    if isinstance(column.type, BigInteger):
        return 64
    return 32 if isinstance(column.type, Integer) else 64


def text(value: Any) -> str:
    """`value` if it is text a database can hold (UTF-8, no NUL character)."""
    if not isinstance(value, str) or "\x00" in value:
        raise TypeError("not text")
    value.encode()  # a lone surrogate raises UnicodeEncodeError, a ValueError
    return value
