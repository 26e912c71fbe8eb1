"""How requests prove who they are: token keys and lifetimes, log-in throttling, and an
external identity provider (OIDC) when operators run one. Read once with the settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MIN_SECRET_BYTES = 32


class AuthSettingsError(ValueError):
    """The identity settings cannot be served as given (says which and why)."""


@dataclass(frozen=True)
class AuthSettings:
    # HS256 key of our access tokens (MWALLET_JWT_SECRET); outside production, when unset,
    # one is generated once and kept beside the SQLite database (gql_server/auth/secret.py).
    jwt_secret: str | None = None
    issuer: str = "mwallet-gql"
    audience: str = "mwallet-gql"
    access_token_seconds: int = 15 * 60
    refresh_token_seconds: int = 30 * 24 * 3600
    # Brute force: this many failed log-ins for one email within the window lock it out.
    max_failed_logins: int = 5
    failed_login_window_seconds: int = 15 * 60
    # An external identity provider: RS256/ES256 tokens from this issuer are accepted too.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    # A token naming a key the cached key set lacks refetches it, at most this often: a
    # flood of made-up key ids must not become a flood of requests to the provider.
    oidc_jwks_cooldown_seconds: float = 30.0

    @property
    def oidc(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_audience and self.oidc_jwks_url)


def check_secret(secret: str | None, production: bool) -> None:
    """In production the secret is required and long enough to resist guessing."""
    if secret is not None and len(secret.encode()) < MIN_SECRET_BYTES:
        raise AuthSettingsError(
            f"MWALLET_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    if production and secret is None:
        raise AuthSettingsError(
            "MWALLET_JWT_SECRET is required in production (at least "
            f"{MIN_SECRET_BYTES} bytes): it signs every access token"
        )


def auth_from_env(env: Mapping[str, str], production: bool) -> AuthSettings:
    default = AuthSettings()
    settings = AuthSettings(
        jwt_secret=env.get("MWALLET_JWT_SECRET") or None,
        issuer=env.get("MWALLET_JWT_ISSUER", default.issuer),
        audience=env.get("MWALLET_JWT_AUDIENCE", default.audience),
        access_token_seconds=int(
            env.get("MWALLET_ACCESS_TOKEN_SECONDS", default.access_token_seconds)
        ),
        refresh_token_seconds=int(
            env.get("MWALLET_REFRESH_TOKEN_SECONDS", default.refresh_token_seconds)
        ),
        max_failed_logins=int(env.get("MWALLET_MAX_FAILED_LOGINS", default.max_failed_logins)),
        failed_login_window_seconds=int(
            env.get("MWALLET_FAILED_LOGIN_WINDOW_SECONDS", default.failed_login_window_seconds)
        ),
        oidc_issuer=env.get("MWALLET_OIDC_ISSUER") or None,
        oidc_audience=env.get("MWALLET_OIDC_AUDIENCE") or None,
        oidc_jwks_url=env.get("MWALLET_OIDC_JWKS_URL") or None,
        oidc_jwks_cooldown_seconds=float(
            env.get("MWALLET_OIDC_JWKS_COOLDOWN_SECONDS", default.oidc_jwks_cooldown_seconds)
        ),
    )
    check_secret(settings.jwt_secret, production)
    return settings
