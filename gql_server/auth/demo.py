"""The demo accounts `mwallet-gql seed` creates, whose passwords the README publishes,
and the access token GraphiQL opens with outside production.

An account counts as a demo account only while its password is still the published one:
then anyone could sign in as it anyway, so handing out its token (GraphiQL) or its
credentials (`seed`) reveals nothing. An account whose password was changed, or a
database seeded some other way, gets neither. Production never does: `seed` refuses to
run there, and `demo_access_token` refuses to mint.
"""

from __future__ import annotations

from dataclasses import dataclass

from gql_server.auth.accounts import user_by_email
from gql_server.auth.passwords import password_matches
from gql_server.auth.tokens import AccessTokens, IssuedToken
from loaders import AnyRow, SessionMaker
from loaders.reconnect import on_a_live_connection
from models import Role


@dataclass(frozen=True)
class DemoAccount:
    name: str
    surname: str
    email: str
    password: str
    role: Role


# The customer owns the demo data (addresses, orders, transactions); the operator none.
CUSTOMER = DemoAccount("Ada", "Lovelace", "ada@example.com", "demo-customer-pass", Role.CUSTOMER)
OPERATOR = DemoAccount(
    "Olive", "Operator", "operator@example.com", "demo-operator-pass", Role.OPERATOR
)
ACCOUNTS = (CUSTOMER, OPERATOR)


class DemoRefusedInProduction(RuntimeError):
    """Demo credentials and tokens are never handed out by a production server."""


async def demo_user(session_maker: SessionMaker, account: DemoAccount) -> AnyRow | None:
    """The user `account` names, while its password is the published one."""

    async def read() -> AnyRow | None:
        async with session_maker() as session:
            return await user_by_email(session, account.email)

    user = await on_a_live_connection(read)
    if user is None or not await password_matches(user.password_hash, account.password):
        return None
    return user


async def demo_access_token(
    session_maker: SessionMaker, tokens: AccessTokens, production: bool
) -> IssuedToken | None:
    """An access token for the demo customer, of the usual lifetime and with the role its
    row has, or None when no account has the demo customer's email and password."""
    if production:
        raise DemoRefusedInProduction("no demo access token in production")
    user = await demo_user(session_maker, CUSTOMER)
    return None if user is None else tokens.issue(user.id, user.role)
