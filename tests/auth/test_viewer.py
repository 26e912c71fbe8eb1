"""`viewer` answers the signed-in user's own row, whatever the role may read of others."""

from __future__ import annotations

from starlette.applications import Starlette

from gql_server.domain.store import delete_row
from loaders import Loaders
from models import Role, User
from tests.auth.conftest import AuthClient
from tests.factories import make_user


async def test_a_service_token_sees_its_own_user_as_viewer_and_no_other_user(
    app: Starlette, anonymous: AuthClient, loaders: Loaders
) -> None:
    # given: the blockchain watcher's account, and a customer
    service = await make_user(loaders, email="watcher@example.com", role=Role.SERVICE)
    customer = await make_user(loaders, email="someone@example.com")
    token = app.state.tokens.issue(service.id, Role.SERVICE).token

    # when
    viewer = await anonymous.viewer(token)
    other = (
        await anonymous.post(
            "{ user(id: $id) { id } }".replace("$id", f'"{customer.id}"'), token=token
        )
    ).json()

    # then: itself, with its role; reading another user stays forbidden
    assert (viewer["email"], viewer["role"]) == ("watcher@example.com", "SERVICE")
    assert other["data"] == {"user": None}
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_deleted_users_token_has_no_viewer(
    app: Starlette, anonymous: AuthClient, loaders: Loaders
) -> None:
    gone = await make_user(loaders, email="gone@example.com")
    token = app.state.tokens.issue(gone.id, Role.CUSTOMER).token
    assert (await anonymous.viewer(token))["email"] == "gone@example.com"

    await delete_row(loaders, User, gone.id, gone.lastchange)

    assert await anonymous.viewer(token) is None
