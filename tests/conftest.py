"""Fixtures: both backends migrated with the real migrations, the app as a client
sees it, and a counter of SQL statements.

PostgreSQL comes from TEST_DATABASE_URL (default: the local `test` database).
When it is unreachable the PostgreSQL half is skipped locally, but under
CI=true that is a failure: CI must never go green without it.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from graphql import FragmentDefinitionNode, parse, print_ast, separate_operations
from sqlalchemy import delete, event, text
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from gql_server.auth.tokens import AccessTokens
from gql_server.auth_settings import AuthSettings
from gql_server.database import create_engine, create_session_maker
from gql_server.domain.store import insert_row
from gql_server.http.app import create_app
from gql_server.settings import Settings
from loaders import Loaders, create_loaders
from loaders.driver_reads import ReadObserver, observe_reads, stop_observing_reads
from migrations import alembic_config, empty_postgres_schema
from models import Base, Role, User

POSTGRES_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
OPERATIONS = Path(__file__).resolve().parent.parent / "clients" / "operations"
FRAGMENTS = [OPERATIONS / "errors.graphql", OPERATIONS / "fields.graphql"]
TABLES = [table.name for table in reversed(Base.metadata.sorted_tables)]


def postgres_reachable(url: str = POSTGRES_URL) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), 2):
            return True
    except OSError:
        return False


def require_postgres() -> str:
    """The PostgreSQL URL, or skip (locally) / fail (CI) when it is down."""
    if postgres_reachable():
        return POSTGRES_URL
    message = f"PostgreSQL is not reachable at {make_url(POSTGRES_URL).render_as_string()}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: PostgreSQL is required)")
    pytest.skip(message)


_migrated: set[str] = set()


def migrated_url(backend: str, directory: Path) -> str:
    """A database of `backend`, emptied and brought to head by the real migrations
    (once per test session: engines of earlier fixtures may still be connected)."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / 'test.db'}"
    else:
        url = require_postgres()
    if url not in _migrated:
        if backend == "postgresql":
            empty_postgres_schema(url)
        command.upgrade(alembic_config(url), "head")
        _migrated.add(url)
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated_url(request.param, tmp_path_factory.mktemp(request.param))


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """For tests that only mean something on PostgreSQL (real concurrent connections)."""
    return migrated_url("postgresql", tmp_path_factory.mktemp("pg"))


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[Starlette]:
    application = create_app(suite_settings(database_url))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def engine(app: Starlette) -> AsyncEngine:
    """The app's own engine, so statement counts see what requests run."""
    result: AsyncEngine = app.state.engine
    return result


@pytest.fixture(scope="session")
def session_maker(app: Starlette) -> async_sessionmaker[AsyncSession]:
    result: async_sessionmaker[AsyncSession] = app.state.session_maker
    return result


@pytest.fixture(autouse=True)
async def clean_tables(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Every test that touches a database starts from empty tables."""
    yield
    if "engine" in request.fixturenames:
        await truncate(request.getfixturevalue("engine"))


async def truncate(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        else:
            for table in TABLES:
                await connection.execute(text(f"DELETE FROM {table}"))
            # AUTOINCREMENT tables (users) remember their highest id: restart it, as
            # PostgreSQL's RESTART IDENTITY does
            await connection.execute(text("DELETE FROM sqlite_sequence"))


def in_use(app: Starlette) -> int:
    """Connections checked out of `app`'s pool for work: not the ones kept open, idle,
    for the next request's reads (`loaders/reads.py`)."""
    pool_checked_out = int(app.state.engine.pool.checkedout())
    kept: int = app.state.kept_connections.waiting
    return pool_checked_out - kept


# The operator the suite acts as unless a test signs in as someone else: a real `users`
# row (statements check the role against it), with an id clients never use, so the
# ids tests create are 1, 2, ... on both backends.
OPERATOR_ID = 0
OPERATOR_EMAIL = "operator@suite.example"
OPERATOR_ROW = {
    "id": OPERATOR_ID,
    "name": "Suite",
    "surname": "Operator",
    "email": OPERATOR_EMAIL,
    "role": Role.OPERATOR,
}
# Signs the tokens of the apps and server processes the suite starts with a key of its
# own (production requires one): `MWALLET_JWT_SECRET` in a server's environment.
SUITE_JWT_SECRET = secrets.token_urlsafe(48)


def suite_settings(database_url: str, **settings: Any) -> Settings:
    """Settings of an app the suite builds: signing with the suite's key, so no key file
    is generated into the checkout and one token serves every app of the suite."""
    return Settings(
        database_url=database_url, auth=AuthSettings(jwt_secret=SUITE_JWT_SECRET), **settings
    )


async def make_operator(app: Starlette) -> str:
    """The suite's operator row, and a bearer token for it."""
    await insert_row(create_loaders(app.state.session_maker), User, OPERATOR_ROW)
    return operator_token_of(app)


def operator_token_of(app: Starlette) -> str:
    """A bearer token for the suite's operator, signed with `app`'s key."""
    return str(app.state.tokens.issue(OPERATOR_ID, Role.OPERATOR).token)


def operator_token_for_servers(secret: str = SUITE_JWT_SECRET) -> str:
    """The operator's bearer token for a server that signs with `secret`."""
    tokens = AccessTokens(AuthSettings(), secret)
    return str(tokens.issue(OPERATOR_ID, Role.OPERATOR).token)


async def add_operator(database_url: str) -> bool:
    """The operator's row in the database at `database_url` (for apps and servers the
    suite starts besides its own), unless it is there: whether it was added."""
    engine = create_engine(database_url)
    try:
        system = create_loaders(create_session_maker(engine))
        if await system.by_id(User).load(OPERATOR_ID) is not None:
            return False
        await insert_row(system, User, OPERATOR_ROW)
        return True
    finally:
        await engine.dispose()


async def remove_operator(database_url: str) -> None:
    """The operator's row gone again, for a test that does not empty the tables itself."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(delete(User).where(User.id == OPERATOR_ID))
    finally:
        await engine.dispose()


def bearer(token: str) -> dict[str, str]:
    """The header that signs a request in with `token`."""
    return {"Authorization": f"Bearer {token}"}


def made(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The users a test made, of `users` as a query listed them (with their `id`): every
    one but the suite's operator."""
    return [user for user in users if user["id"] != str(OPERATOR_ID)]


@pytest.fixture
async def operator_token(app: Starlette, engine: AsyncEngine) -> str:
    return await make_operator(app)


@pytest.fixture
async def anonymous(app: Starlette, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sends no token."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def client(
    app: Starlette, engine: AsyncEngine, operator_token: str
) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as the suite's operator (who may read and write everything)."""
    transport = httpx.ASGITransport(app=app)
    headers = bearer(operator_token)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as http:
        yield http


@pytest.fixture
async def loaders(session_maker: async_sessionmaker[AsyncSession], engine: AsyncEngine) -> Loaders:
    """Loaders as one request would have them (for setting up and unit tests)."""
    return create_loaders(session_maker)


class StatementCounter:
    """Counts the SQL statements an engine sends, as a `before_cursor_execute` listener
    (`listening`, which also tells it of the reads sent on PostgreSQL's driver)."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.parameters: list[Any] = []

    def __call__(self, *args: Any) -> None:
        self.statements.append(args[2])
        self.parameters.append(args[3])

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()
        self.parameters.clear()


def as_read_observer(listener: Callable[..., Any]) -> ReadObserver:
    """A `before_cursor_execute` listener told of the reads sent on the driver too."""

    def heard(statement: str, parameters: tuple[Any, ...]) -> None:
        listener(None, None, statement, parameters, None, False)

    return heard


@contextmanager
def listening(engine: AsyncEngine, name: str, listener: Callable[..., Any]) -> Iterator[None]:
    """`listener` hears the engine's event `name` for the duration of the block; for
    `before_cursor_execute`, every statement sent: the reads PostgreSQL's driver runs
    itself (`loaders/driver_reads.py`) as well as what SQLAlchemy sends."""
    event.listen(engine.sync_engine, name, listener)
    observer = as_read_observer(listener)
    if name == "before_cursor_execute":
        observe_reads(engine.sync_engine, observer)
    try:
        yield
    finally:
        event.remove(engine.sync_engine, name, listener)
        if name == "before_cursor_execute":
            stop_observing_reads(engine.sync_engine, observer)


@pytest.fixture
def sql(engine: AsyncEngine) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    with listening(engine, "before_cursor_execute", counter):
        yield counter


def operation(name: str) -> str:
    """A GraphQL document shared by the README, the clients and the tests: the file as
    written, then the shared fragments it spreads (a document must define them)."""
    document = (OPERATIONS / f"{name}.graphql").read_text()
    shared = "".join(path.read_text() for path in FRAGMENTS)
    needed = separate_operations(parse(document + shared))[name].definitions
    fragments = [print_ast(node) for node in needed if isinstance(node, FragmentDefinitionNode)]
    return "\n".join([document, *fragments])


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """The `data` of a response that must have no errors."""
        body = await self.raw(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def raw(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)
