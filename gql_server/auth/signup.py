"""`signUp`: a new customer with a password, signed in at once.

The user is written by the same create flow as `createUser` (`domain/writes.py`), so
the same rules hold: a valid email that no one has, names within their columns. It
writes as the server, not as the anonymous client asking (who may create nothing).
The email is kept in lower case, so signing in does not depend on how it was typed.
"""

from __future__ import annotations

from gql_server.auth.accounts import Identity, SignedIn, open_session
from gql_server.auth.passwords import check_password, hash_password
from gql_server.domain import writes
from gql_server.domain.clock import utcnow
from loaders import create_loaders
from models import Role, User


async def sign_up(
    identity: Identity, name: str, surname: str, email: str, password: str
) -> SignedIn:
    """Raises `InvalidInput` (on `password`, `email`, ...) when the account is refused."""
    check_password("password", password)
    values = {
        "name": name,
        "surname": surname,
        "email": email.strip().lower(),
        "role": Role.CUSTOMER,
        "password_hash": await hash_password(password),
    }
    # The server's own loaders, on the request's read connection (released before writing).
    server = create_loaders(identity.loaders.session_maker, identity.loaders.reads)
    user = await writes.create(server, User, values)
    return await identity.transaction(
        lambda session: open_session(session, identity, user, utcnow())
    )
