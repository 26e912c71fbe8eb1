"""Access tokens: short-lived JWTs (HS256) naming the user and the role they had when
the token was issued.

Verification accepts exactly one algorithm per key (`alg: none` and HS/RS confusion
are refused by PyJWT's `algorithms=`), and requires every claim we issue. The role in
a token is a claim about the past: statements that grant more than the viewer's own
rows check it against the `users` row (`loaders/scoping.py`).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from gql_server.auth_settings import AuthSettings
from gql_server.domain.clock import utcnow
from models import Role, Viewer

ALGORITHM = "HS256"
VERIFIED_TOKENS = 10_000  # tokens remembered as verified, per process
REQUIRED_CLAIMS = ("sub", "role", "iat", "exp", "iss", "aud", "jti")


class InvalidToken(Exception):
    """The bearer token is not one we accept; the request is refused with 401."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


class AccessTokens:
    def __init__(self, settings: AuthSettings, secret: str) -> None:
        self.settings = settings
        self.secret = secret
        self.verified: dict[str, tuple[Viewer, float]] = {}

    def issue(self, user_id: int, role: Role, seconds: int | None = None) -> IssuedToken:
        now = utcnow().replace(microsecond=0)
        expires = now + timedelta(seconds=seconds or self.settings.access_token_seconds)
        claims = {
            "sub": str(user_id),
            "role": role.value,
            "iat": now,
            "exp": expires,
            "iss": self.settings.issuer,
            "aud": self.settings.audience,
            "jti": secrets.token_urlsafe(12),
        }
        return IssuedToken(jwt.encode(claims, self.secret, algorithm=ALGORITHM), expires)

    def viewer(self, token: str) -> Viewer:
        """Who `token` speaks for; `InvalidToken` unless we issued it, unchanged and current.

        A token verified before is answered from `verified` until it expires: a client
        sends the same token with every request for its 15 minutes, and verifying it
        costs more than the rest of a point read (PyJWT checks each base64 character in
        Python). The answer of a signed, unchanging string cannot change; revocation is
        the statements' business (the viewer's row is checked in each one)."""
        known = self.known(token)
        if known is not None:
            return known
        viewer, expires = self.verify(token)
        if len(self.verified) >= VERIFIED_TOKENS:
            self.verified.clear()  # bounded: clients choose the keys
        self.verified[token] = (viewer, expires)
        return viewer

    def known(self, token: str) -> Viewer | None:
        """The viewer of a token verified before and not yet expired, else None."""
        known = self.verified.get(token)
        if known is None or known[1] <= time.time():
            return None
        return known[0]

    def verify(self, token: str) -> tuple[Viewer, float]:
        """The viewer and expiry (a POSIX time) of a token we issued, or `InvalidToken`."""
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                options={"require": list(REQUIRED_CLAIMS)},
            )
            viewer = Viewer(user_id=int(claims["sub"]), role=Role(claims["role"]))
            return viewer, float(claims["exp"])
        except (jwt.InvalidTokenError, ValueError, TypeError) as error:
            raise InvalidToken(type(error).__name__) from None
