"""Passwords: Argon2id hashes (argon2-cffi's defaults, RFC 9106's low-memory profile).

Hashing takes a fifth of a second of CPU on purpose, so it runs in a worker thread:
the event loop keeps serving other requests meanwhile. A log-in for an email nobody
has is checked against a dummy hash made with the same parameters, so it costs what
a wrong password costs and its timing does not tell which emails have accounts.
Passwords never leave this module except as hashes, and no message names one.
"""

from __future__ import annotations

import asyncio
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gql_server.domain.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256
HASHER = PasswordHasher()


def check_password(field: str, password: str) -> None:
    """Refuse a new password that is too short to resist guessing or too long to hash
    cheaply (`InvalidInput` on `field`; the message never repeats the value)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput(field, f"must be between {MIN_LENGTH} and {MAX_LENGTH} characters")
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(field, "is not valid unicode (lone surrogate)") from None


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(HASHER.hash, password)


async def password_matches(password_hash: str | None, password: str) -> bool:
    """True when `password` is the one `password_hash` was made from. None (no such user,
    or one who signs in elsewhere) is checked against the dummy hash and never matches."""
    return await asyncio.to_thread(verify, password_hash, password)


def verify(password_hash: str | None, password: str) -> bool:
    try:
        matched = HASHER.verify(password_hash or dummy_hash(), password)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False
    return matched and password_hash is not None


@cache
def dummy_hash() -> str:
    """A hash of a random password nobody knows, made once per process when first needed."""
    return HASHER.hash(secrets.token_urlsafe(32))
