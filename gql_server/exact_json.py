"""JSON read with orjson, with the standard library's exact integers.

orjson reads an integer beyond 64 bits as a float (123456789012345678901234567890
becomes 1.2345678901234568e+29). Text with a run of 19 or more digits may hold
one, so it goes to the standard decoder, which keeps every digit; everything else
takes orjson's fast path. Both raise a `ValueError` for text that is not JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

LONG_DIGITS = re.compile(r"\d{19}")
LONG_DIGITS_IN_BYTES = re.compile(rb"\d{19}")


def loads(data: str | bytes) -> Any:
    long_digits = LONG_DIGITS if isinstance(data, str) else LONG_DIGITS_IN_BYTES
    if long_digits.search(data):  # type: ignore[arg-type]
        return json.loads(data)
    return orjson.loads(data)
