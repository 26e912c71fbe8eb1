"""Tokens of an external identity provider (OIDC): RS256 or ES256, checked against the
keys it publishes (JWKS) and its issuer and audience, naming a verified email.

The token only says who the person is: what they may do comes from our `users` row with
that email (`authenticator.py`), never from the provider's claims. PyJWT's key client
caches the key set and refetches it when a token names a key it lacks (the provider
rotated its keys), at most once per `oidc_jwks_cooldown_seconds`. It fetches with
blocking I/O, so it runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import jwt
from jwt import PyJWK, PyJWKClient
from jwt.exceptions import PyJWKClientConnectionError

from gql_server.auth.tokens import InvalidToken
from gql_server.auth_settings import AuthSettings

ALGORITHMS = ("RS256", "ES256")
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "sub", "email")
KEY_SET_SECONDS = 300  # how long a fetched key set is trusted without a refetch
FETCH_TIMEOUT_SECONDS = 5.0

log = logging.getLogger(__name__)


class ProviderTokens:
    def __init__(self, settings: AuthSettings) -> None:
        if not (settings.oidc_issuer and settings.oidc_audience and settings.oidc_jwks_url):
            raise ValueError("OIDC needs an issuer, an audience and a JWKS URL")
        self.issuer, self.audience = settings.oidc_issuer, settings.oidc_audience
        self.keys = PyJWKClient(
            settings.oidc_jwks_url,
            lifespan=KEY_SET_SECONDS,
            timeout=FETCH_TIMEOUT_SECONDS,
            cooldown_duration=settings.oidc_jwks_cooldown_seconds,
        )

    async def verified_email(self, token: str, header: Mapping[str, Any]) -> str:
        """The email `token` vouches for; `InvalidToken` unless the provider signed it
        for us, it is current, and the provider verified the email."""
        key = await self.signing_key(header)
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm_name],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(type(error).__name__) from None
        email = claims["email"]
        if claims.get("email_verified") is not True or not isinstance(email, str):
            raise InvalidToken("the provider has not verified the email")
        return email

    async def signing_key(self, header: Mapping[str, Any]) -> PyJWK:
        """The published key the header names, of the algorithm the header claims (an RSA
        key verifies RS256 only, a P-256 key ES256 only)."""
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise InvalidToken("no key id")
        try:
            key = await asyncio.to_thread(self.keys.get_signing_key, kid)
        except PyJWKClientConnectionError as error:
            log.warning("OIDC keys could not be fetched: %s", type(error.__cause__).__name__)
            raise InvalidToken("keys unavailable") from None
        except jwt.PyJWTError:  # no such key, or a key set we cannot use
            raise InvalidToken("unknown key") from None
        if key.algorithm_name not in ALGORITHMS or header.get("alg") != key.algorithm_name:
            raise InvalidToken("algorithm does not match the key")
        return key
