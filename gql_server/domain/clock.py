"""`lastchange` tokens: timestamps that strictly increase on every write of a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

ONE_MICROSECOND = timedelta(microseconds=1)


def utcnow() -> datetime:
    return datetime.now(UTC)


def next_lastchange(seen: datetime) -> datetime:
    """The token for a write that replaces `seen`.

    The update statement only matches while the row still holds `seen`, so
    `max(now, seen + 1µs)` is strictly greater than the row's previous token
    even when two writes land in the same clock tick or clocks drift apart.
    """
    return max(utcnow(), seen + ONE_MICROSECOND)
