"""Signing in, as the API offers it: `viewer`, and `signUp`, `logIn`, `refreshSession`,
`logOut` and `changePassword`.

The flows live in `gql_server/auth/`; this module only maps what they return to the
`AuthResult` union (a `Session`, a `ValidationError` naming the input field, or an
`AuthError`). A session created here does not change who the rest of the same request
acts for: the request was authenticated before it ran (`http/authenticate.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types.field import StrawberryField

from gql_server.auth import login, password_change, refresh, signup
from gql_server.auth.accounts import AuthRefused, Identity, SignedIn
from gql_server.domain.errors import InvalidInput, WriteConflict, WriteRefused
from gql_server.observe.record import note_auth_failure
from gql_server.schema.classes import resolver
from gql_server.schema.context import Info
from gql_server.schema.objects import OBJECT_TYPES, from_row
from gql_server.schema.results import Error, ValidationError
from models import User

USER = OBJECT_TYPES[User]


@strawberry.type(
    description="A signed-in session. Send `accessToken` as `Authorization: Bearer <token>`; "
    "before `expiresAt`, trade `refreshToken` for a new session with `refreshSession` "
    "(each refresh token works once)."
)
class Session:
    access_token: str
    refresh_token: str
    expires_at: datetime = strawberry.field(description="When the access token expires.")
    user: USER  # type: ignore[valid-type]


@strawberry.type(
    description="Not signed in: wrong credentials, an expired, unknown or reused refresh "
    "token, or too many attempts (the message says when to retry)."
)
class AuthError(Error):
    pass


AuthResult = Annotated[Session | ValidationError | AuthError, strawberry.union("AuthResult")]


@strawberry.input(description="A new customer account; the password takes 12 to 256 characters.")
class SignUpInput:
    name: str
    surname: str
    email: str
    password: str


def identity(info: Info) -> Identity:
    request = info.context.request
    assert request is not None  # served over HTTP only
    return Identity(info.context.loaders, request.app.state.tokens)


async def answer(flow: Awaitable[SignedIn]) -> AuthResult:
    """The session `flow` opens, or why it did not."""
    try:
        signed_in = await flow
    except AuthRefused as refused:
        note_auth_failure(refused.reason)
        return AuthError(message=refused.message)
    except InvalidInput as invalid:
        return ValidationError(field=invalid.field, message=f"{invalid.field} {invalid.message}")
    except WriteConflict:
        return ValidationError(
            field="input", message="the input conflicts with a concurrent change; retry"
        )
    except WriteRefused:
        raise  # no other refusal can come from these flows: a bug, masked as unexpected
    return Session(
        access_token=signed_in.access.token,
        refresh_token=signed_in.refresh_token,
        expires_at=signed_in.access.expires_at,
        user=from_row(USER, signed_in.user),
    )


async def sign_up(info: Info, input: SignUpInput) -> AuthResult:
    flow = signup.sign_up(identity(info), input.name, input.surname, input.email, input.password)
    return await answer(flow)


async def log_in(info: Info, email: str, password: str) -> AuthResult:
    return await answer(login.log_in(identity(info), email, password))


async def refresh_session(info: Info, refresh_token: str) -> AuthResult:
    return await answer(refresh.refresh_session(identity(info), refresh_token))


async def log_out(info: Info, refresh_token: str) -> bool:
    return await refresh.log_out(identity(info), refresh_token)


async def change_password(info: Info, current_password: str, new_password: str) -> AuthResult:
    viewer = info.context.loaders.viewer
    flow = password_change.change_password(identity(info), viewer, current_password, new_password)
    return await answer(flow)


async def viewer(*, info: Info) -> Any:
    # By id, as the viewer's own row (a service, which reads no other user, sees itself);
    # a deleted user's token finds nothing.
    return await info.context.loaders.viewer_row()


def mutation(function: Callable[..., Any], description: str) -> StrawberryField:
    field: StrawberryField = strawberry.mutation(resolver=function, description=description)
    return field


AUTH_QUERY_FIELDS: list[StrawberryField] = [
    strawberry.field(
        resolver=resolver("viewer", viewer, {}, USER | None),
        description="The signed-in user; null when anonymous.",
    )
]
AUTH_MUTATION_FIELDS: list[StrawberryField] = [
    mutation(sign_up, description="Create a customer account and sign in to it."),
    mutation(
        log_in,
        "Sign in. Too many failed attempts for one email (by default 5 within 15 "
        "minutes) lock it for a while: the AuthError says when to retry.",
    ),
    mutation(
        refresh_session,
        "Trade a refresh token for a new session. A refresh token presented "
        "a second time ends its session everywhere.",
    ),
    mutation(
        log_out,
        "End the session `refreshToken` belongs to (false: no such token). "
        "Access tokens already issued stay valid until they expire.",
    ),
    mutation(
        change_password,
        "Set a new password. Every session of the user ends, the caller's "
        "too: the answer is a new session to continue with.",
    ),
]
