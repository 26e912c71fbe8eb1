"""JSON in and out: orjson's speed, with the standard library's exactness and reach.

The one encoder of the server (responses on both read paths, JSON columns): orjson,
and the standard encoder, with the same compact separators, for what orjson refuses
(integers beyond 64 bits).

Reading: orjson reads an integer beyond 64 bits as a float (123456789012345678901234567890
becomes 1.2345678901234568e+29), so text with a run of 19 or more digits, which may
hold one, goes to the standard decoder: it keeps every digit. So does what orjson
refuses but JSON allows (a lone surrogate escape such as "\\ud800"), so validation
can name the field it arrived in. Request bodies and JSON columns are both read
here; anything that is not JSON, or nests too deep to read, is a `ValueError`.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

LONG_DIGITS = re.compile(r"\d{19}")
LONG_DIGITS_IN_BYTES = re.compile(rb"\d{19}")


def dumps(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":")).encode()


def loads(data: str | bytes) -> Any:
    long_digits = LONG_DIGITS if isinstance(data, str) else LONG_DIGITS_IN_BYTES
    if long_digits.search(data) is None:  # type: ignore[arg-type]
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
