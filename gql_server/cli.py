"""`mwallet-gql`: serve, migrate, seed, export-schema, and accounts and tokens."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from gql_server.auth_settings import AuthSettingsError
from gql_server.observe.metrics_endpoint import MULTIPROCESS_DIRECTORY
from gql_server.settings import Settings, SettingsError


def serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    exit_zero_after_graceful_stop()
    with shared_metrics_directory(args.workers):
        uvicorn.run(
            "gql_server.http.app:create_app",
            factory=True,
            host=args.host or settings.host,
            port=args.port or settings.port,
            workers=args.workers,
            loop="uvloop",  # uvicorn[standard]: the faster event loop and HTTP parser
            http="httptools",
            log_level=settings.log_level,
            access_log=settings.access_log and not args.no_access_log,
            proxy_headers=False,
        )


@contextmanager
def shared_metrics_directory(workers: int) -> Iterator[None]:
    """Several workers write their metrics to files in one fresh directory, so /metrics,
    whichever worker answers it, sums them all (prometheus-client's multiprocess mode).
    The variable is set before uvicorn spawns the workers, which inherit it; a directory
    the operator chose (PROMETHEUS_MULTIPROC_DIR already set) is used as it is."""
    if workers <= 1 or os.environ.get(MULTIPROCESS_DIRECTORY):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="mwallet-metrics-") as directory:
        os.environ[MULTIPROCESS_DIRECTORY] = directory
        try:
            yield
        finally:
            del os.environ[MULTIPROCESS_DIRECTORY]


def exit_zero_after_graceful_stop() -> None:
    """uvicorn lets in-flight requests finish on SIGTERM, then raises the signal again
    under the handler it found; with this one the process exits 0, as a clean stop should."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def migrate(args: argparse.Namespace, settings: Settings) -> None:
    from alembic import command

    from migrations import alembic_config

    command.upgrade(alembic_config(settings.database_url), args.revision)


def seed(_: argparse.Namespace, settings: Settings) -> None:
    """Demo data, then how to sign in to it (every time: `make run` runs it at each start)."""
    from gql_server.seed import demo_accounts, how_to_sign_in
    from gql_server.seed import seed as seed_database

    if settings.production:
        raise SystemExit(
            "mwallet-gql seed: refused in production: it writes demo accounts whose "
            "passwords are published (create real ones with signUp)"
        )
    seeded = asyncio.run(seed_database(settings.database_url))
    sys.stdout.write("seeded demo data\n" if seeded else "database not empty: left as it is\n")
    accounts = asyncio.run(demo_accounts(settings.database_url))
    sys.stdout.write(how_to_sign_in(accounts, graphql_url(settings), settings.explorer))


def graphql_url(settings: Settings) -> str:
    """Where `serve` answers with these settings, as a client on this host reaches it."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{f'[{host}]' if ':' in host else host}:{settings.port}/graphql"


def export_schema(_: argparse.Namespace, __: Settings) -> None:
    from gql_server.schema.build import schema

    sys.stdout.write(schema.as_str() + "\n")


def register_operations(args: argparse.Namespace, settings: Settings) -> None:
    from gql_server.operation_store import register_documents

    paths = [Path(path) for path in args.files]
    hashes = asyncio.run(
        register_documents(settings.database_url, [path.read_text() for path in paths])
    )
    sys.stdout.writelines(f"{sha256}  {path}\n" for sha256, path in zip(hashes, paths, strict=True))


def create_user(args: argparse.Namespace, settings: Settings) -> None:
    """The password is read from the first line of stdin: never from an argument, which
    other users of the machine can see in the process list and shells keep in history."""
    from gql_server.auth.provisioning import create_account
    from gql_server.domain.errors import InvalidInput
    from models import Role

    role = Role[args.role.upper()]
    password = sys.stdin.readline().rstrip("\r\n")
    name = args.name or args.email.split("@", 1)[0]
    surname = args.surname or role.value.capitalize()
    try:
        user = asyncio.run(
            create_account(settings.database_url, args.email, role, name, surname, password)
        )
    except InvalidInput as refused:
        raise SystemExit(f"mwallet-gql: {refused.field} {refused.message}") from None
    sys.stdout.write(f"created user {user.id} <{user.email}> ({role.value})\n")


def issue_token(args: argparse.Namespace, settings: Settings) -> None:
    from gql_server.auth.provisioning import access_token
    from gql_server.auth.secret import signing_secret
    from gql_server.auth.tokens import AccessTokens

    tokens = AccessTokens(settings.auth, signing_secret(settings))
    try:
        issued = asyncio.run(access_token(settings.database_url, tokens, args.email, args.ttl))
    except LookupError as missing:
        raise SystemExit(f"mwallet-gql: {missing}") from None
    sys.stdout.write(issued.token + "\n")


def positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="mwallet-gql", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="serve the API (uvicorn)")
    serve_cmd.add_argument("--host", help="bind address (default: MWALLET_HOST or 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, help="port (default: MWALLET_PORT or 8000)")
    serve_cmd.add_argument("--workers", type=int, default=1, help="worker processes")
    serve_cmd.add_argument(
        "--no-access-log",
        action="store_true",
        help="no log line per request (default: MWALLET_ACCESS_LOG, on)",
    )
    serve_cmd.set_defaults(run=serve)
    migrate_cmd = commands.add_parser("migrate", help="apply migrations (alembic upgrade)")
    migrate_cmd.add_argument("revision", nargs="?", default="head")
    migrate_cmd.set_defaults(run=migrate)
    commands.add_parser(
        "seed", help="insert demo data into an empty database (not in production)"
    ).set_defaults(run=seed)
    commands.add_parser("export-schema", help="print the SDL").set_defaults(run=export_schema)
    register_cmd = commands.add_parser(
        "register-operations", help="store GraphQL documents as persisted operations"
    )
    register_cmd.add_argument("files", nargs="+", help=".graphql files, registered as written")
    register_cmd.set_defaults(run=register_operations)
    user_cmd = commands.add_parser(
        "create-user", help="create a user with a password read from stdin (12-256 characters)"
    )
    user_cmd.add_argument("--email", required=True)
    user_cmd.add_argument("--role", required=True, choices=["customer", "operator", "service"])
    user_cmd.add_argument("--name", help="default: the email's local part")
    user_cmd.add_argument("--surname", help="default: the role")
    user_cmd.set_defaults(run=create_user)
    token_cmd = commands.add_parser(
        "issue-token", help="print an access token for a user (with the role of their row)"
    )
    token_cmd.add_argument("--email", required=True)
    token_cmd.add_argument(
        "--ttl", type=positive, help="lifetime in seconds (default: MWALLET_ACCESS_TOKEN_SECONDS)"
    )
    token_cmd.set_defaults(run=issue_token)
    return root


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except (SettingsError, AuthSettingsError) as refused:
        raise SystemExit(f"mwallet-gql: {refused}") from None
    logging.basicConfig(level=settings.log_level.upper())
    args.run(args, settings)
