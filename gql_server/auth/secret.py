"""The key that signs access tokens: the configured one, or outside production a
random one generated once and kept in a git-ignored file beside the SQLite database,
so `make run` needs no set-up and a restart keeps everyone signed in."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine.url import make_url

from gql_server.settings import Settings

SECRET_FILE = ".mwallet-jwt-secret"


def secret_file(database_url: str) -> Path:
    """Beside the SQLite database file; in the working directory for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).resolve().parent / SECRET_FILE
    return Path.cwd() / SECRET_FILE


def signing_secret(settings: Settings) -> str:
    if settings.auth.jwt_secret is not None:
        return settings.auth.jwt_secret
    assert not settings.production  # refused by the settings
    path = secret_file(settings.database_url)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    # Written whole under another name, then linked: workers starting together agree.
    draft = path.with_name(f"{SECRET_FILE}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another worker won: use its secret
    finally:
        draft.unlink()
    return path.read_text().strip()
