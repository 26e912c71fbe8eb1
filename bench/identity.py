"""Who the benchmark's requests act as: an operator (who may read and write every row),
signed in with a key of this run's own.

`bench.seed` adds the operator after the users the workloads read, so no page of theirs
meets it and the numbers stay comparable with runs before identity. The servers a run
starts get the key as `MWALLET_JWT_SECRET`; apps made in-process get `AUTH`.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select

from gql_server.auth.tokens import AccessTokens
from gql_server.auth_settings import AuthSettings
from gql_server.database import create_engine, create_session_maker
from gql_server.domain.store import insert_row
from loaders import create_loaders
from models import Role, User

OPERATOR_EMAIL = "operator@bench.example"
SECRET = secrets.token_urlsafe(48)
AUTH = AuthSettings(jwt_secret=SECRET)
ENV = {"MWALLET_JWT_SECRET": SECRET}
TOKEN_SECONDS = 24 * 3600  # outlives any run


async def ensure_operator(database_url: str) -> int:
    """The operator's id in the database at `database_url`; its row is added if missing."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(select(User.id).where(User.email == OPERATOR_EMAIL))
        if found is not None:
            return int(found)
        operator = {"name": "Bench", "surname": "Operator", "email": OPERATOR_EMAIL}
        system = create_loaders(create_session_maker(engine))
        row = await insert_row(system, User, {**operator, "role": Role.OPERATOR})
        return int(row.id)
    finally:
        await engine.dispose()


def operator_token(operator_id: int) -> str:
    """A bearer token of the operator, as every server of this run accepts it."""
    tokens = AccessTokens(AUTH, SECRET)
    return tokens.issue(operator_id, Role.OPERATOR, seconds=TOKEN_SECONDS).token


def authorization(operator_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {operator_token(operator_id)}"}
