"""Configuration, read once from the environment into a typed object.

Every limit has a safe production default; see docs/security.md.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import TypeVar
from urllib.parse import urlsplit

from gql_server.auth_settings import AuthSettings, auth_from_env, check_secret

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./mwallet.db"
FALSE_WORDS = frozenset({"0", "off", "false", "no"})
ANY_ORIGIN = "*"
DEFAULT_PORTS = {"http": 80, "https": 443}
DNS_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


class SettingsError(ValueError):
    """A value the server must not start with; the message names the variable and the fix."""


def normalize_database_url(url: str) -> str:
    """Accept the usual `postgresql://` and `sqlite:///` forms; use the async drivers."""
    for plain, async_form in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return async_form + url[len(plain) :]
    return url


def env_flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    return default if value is None else value.strip().lower() not in FALSE_WORDS


@dataclass(frozen=True)
class QueryLimits:
    """What one request may ask for; checked before any SQL runs."""

    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2_000
    max_cost: int = 5_000
    # Weight of a to-many field that has no `limit` argument (children of one parent).
    nested_list_size: int = 5
    max_body_bytes: int = 256 * 1024
    # 0: batched arrays of operations are refused.
    max_batch: int = 0


@dataclass(frozen=True)
class DatabaseLimits:
    """Connection pool and server-side timeouts (PostgreSQL); 0 disables a timeout."""

    pool_size: int = 20
    max_overflow: int = 10
    pool_timeout_seconds: float = 5.0
    statement_timeout_ms: int = 10_000
    lock_timeout_ms: int = 5_000


@dataclass(frozen=True)
class ObservabilitySettings:
    """Metrics, request logs and traces (see the README's "Operating it")."""

    # /metrics needs `Authorization: Bearer <token>` when set; in production it is not
    # served at all without one.
    metrics_token: str | None = None
    # Distinct operation names kept as metric labels per process; the rest fold into one.
    max_operation_names: int = 200
    # "json" (one JSON object per line) or "text"; json by default in production.
    log_format: str = "text"
    # Operations slower than this log a warning with their document hash.
    slow_operation_ms: int = 1000
    # OpenTelemetry traces: on with MWALLET_TRACING=on or when an OTLP endpoint is set.
    tracing: bool = False
    # Where spans go: "otlp" (OTLP over HTTP, to OTEL_EXPORTER_OTLP_ENDPOINT), "console"
    # (stdout) or "none" (made, then dropped); OTEL_TRACES_EXPORTER, else otlp with an
    # endpoint and console without one.
    traces_exporter: str = "console"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    access_log: bool = True
    graphiql: bool = True
    planner: bool = True
    operations_allowlist: bool = False
    # Production: no introspection, no "Did you mean" suggestions, no GraphiQL.
    production: bool = False
    limits: QueryLimits = QueryLimits()
    database: DatabaseLimits = DatabaseLimits()
    observability: ObservabilitySettings = ObservabilitySettings()
    # Browser origins allowed to call the API cross-origin (CORS); none: no CORS headers.
    cors_origins: tuple[str, ...] = ()
    auth: AuthSettings = AuthSettings()

    def __post_init__(self) -> None:
        check_cors_origins(self.cors_origins, self.production)
        check_secret(self.auth.jwt_secret, self.production)

    @property
    def explorer(self) -> bool:
        """GraphiQL is served: asked for, and never in production."""
        return self.graphiql and not self.production

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        production = env_flag(
            env, "MWALLET_PRODUCTION", env.get("MWALLET_ENV", "").lower() == "production"
        )
        return cls(
            database_url=normalize_database_url(env.get("DATABASE_URL", DEFAULT_DATABASE_URL)),
            host=env.get("MWALLET_HOST", cls.host),
            port=int(env.get("MWALLET_PORT", str(cls.port))),
            log_level=env.get("MWALLET_LOG_LEVEL", cls.log_level).lower(),
            access_log=env_flag(env, "MWALLET_ACCESS_LOG", True),
            graphiql=env_flag(env, "MWALLET_GRAPHIQL", not production),
            production=production,
            planner=env_flag(env, "MWALLET_PLANNER", True),
            operations_allowlist=env_flag(env, "MWALLET_OPERATIONS_ALLOWLIST", False),
            limits=query_limits_from_env(env),
            database=database_limits_from_env(env),
            observability=observability_from_env(env, production),
            cors_origins=listed(env.get("MWALLET_CORS_ORIGINS", "")),
            auth=auth_from_env(env, production),
        )


def listed(value: str) -> tuple[str, ...]:
    """`a, b,` -> `("a", "b")`: comma-separated, blanks dropped."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


def is_origin(text: str) -> bool:
    """`scheme://host[:port]` exactly as a browser sends it in `Origin` (lower case, no
    default port, no path): origins are compared byte for byte, so any other spelling
    would silently never match."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.scheme not in DEFAULT_PORTS or port in (0, DEFAULT_PORTS[parts.scheme]):
        return False
    if ":" in host:  # an IPv6 address, written in brackets
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        host = f"[{host}]"
    elif not DNS_NAME.fullmatch(host):
        return False
    return text == f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def check_cors_origins(origins: tuple[str, ...], production: bool) -> None:
    """Refused at start-up rather than served wrong: `*` lets any site's scripts read
    answers, which production must never do by accident."""
    if ANY_ORIGIN in origins:
        if production:
            raise SettingsError(
                "MWALLET_CORS_ORIGINS: `*` (any origin) is refused in production; "
                "list the exact origins, e.g. https://app.example.com"
            )
        if len(origins) > 1:
            raise SettingsError("MWALLET_CORS_ORIGINS: `*` allows every origin; list it alone")
        return
    for origin in origins:
        if not is_origin(origin):
            raise SettingsError(
                f"MWALLET_CORS_ORIGINS: {origin!r} is not an origin; write "
                "scheme://host[:port] as a browser sends it (http or https, lower case, "
                "no default port, no path or trailing slash), e.g. https://app.example.com"
            )


T = TypeVar("T")


def numbers_from_env(defaults: T, env: Mapping[str, str], prefix: str) -> T:
    """`defaults` with each field read from `<prefix><FIELD>` when that is set (`max_depth`:
    `MWALLET_MAX_DEPTH`), as a number of the field's own type (a bad value fails at start-up)."""
    changes = {
        field.name: type(getattr(defaults, field.name))(env[prefix + field.name.upper()])
        for field in fields(defaults)  # type: ignore[arg-type]
        if prefix + field.name.upper() in env
    }
    return replace(defaults, **changes)  # type: ignore[type-var]


def observability_from_env(env: Mapping[str, str], production: bool) -> ObservabilitySettings:
    default = ObservabilitySettings()
    endpoint = bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
    return ObservabilitySettings(
        metrics_token=env.get("MWALLET_METRICS_TOKEN") or None,
        max_operation_names=int(
            env.get("MWALLET_METRICS_MAX_OPERATIONS", default.max_operation_names)
        ),
        log_format=env.get("MWALLET_LOG_FORMAT", "json" if production else "text").lower(),
        slow_operation_ms=int(env.get("MWALLET_SLOW_OPERATION_MS", default.slow_operation_ms)),
        tracing=env_flag(env, "MWALLET_TRACING", endpoint),
        traces_exporter=env.get("OTEL_TRACES_EXPORTER", "otlp" if endpoint else "console").lower(),
    )


def query_limits_from_env(env: Mapping[str, str]) -> QueryLimits:
    return numbers_from_env(QueryLimits(), env, "MWALLET_")


def database_limits_from_env(env: Mapping[str, str]) -> DatabaseLimits:
    return numbers_from_env(DatabaseLimits(), env, "MWALLET_DB_")
