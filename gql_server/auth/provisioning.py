"""Accounts and tokens made by an operator from the command line (`mwallet-gql
create-user`, `issue-token`): the first operator of a new deployment, service accounts
for the chain watchers, a token to try the API with. Written by the same create flow as
every user, as the server itself (no viewer)."""

from __future__ import annotations

from gql_server.auth.accounts import user_by_email
from gql_server.auth.passwords import check_password, hash_password
from gql_server.auth.tokens import AccessTokens, IssuedToken
from gql_server.database import create_engine, create_session_maker
from gql_server.domain import writes
from loaders import AnyRow, create_loaders
from models import Role, User


async def create_account(
    database_url: str, email: str, role: Role, name: str, surname: str, password: str
) -> AnyRow:
    """The new user; `InvalidInput` when a rule refuses it (the email is taken, ...)."""
    check_password("password", password)
    values = {
        "name": name,
        "surname": surname,
        "email": email.strip().lower(),
        "role": role,
        "password_hash": await hash_password(password),
    }
    engine = create_engine(database_url)
    try:
        return await writes.create(create_loaders(create_session_maker(engine)), User, values)
    finally:
        await engine.dispose()


async def access_token(
    database_url: str, tokens: AccessTokens, email: str, seconds: int | None = None
) -> IssuedToken:
    """An access token for the user with `email`, with the role of their row;
    `LookupError` when there is none."""
    engine = create_engine(database_url)
    try:
        async with create_session_maker(engine)() as session:
            user = await user_by_email(session, email)
    finally:
        await engine.dispose()
    if user is None:
        raise LookupError(f"no user has the email {email!r}")
    return tokens.issue(user.id, user.role, seconds)
