"""The auth operations as a client calls them: anonymously (signing up and in), or with
the bearer token a session gave it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from tests.conftest import operation

PASSWORD = "correct horse battery staple"


class AuthClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        body = {"query": query, "variables": variables or {}}
        return await self.http.post("/graphql", json=body, headers=headers)

    async def call(
        self, name: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> Any:
        """The `data` of the shared operation `name`, which must succeed."""
        response = await self.post(operation(name), variables, token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def sign_up(self, email: str, password: str = PASSWORD, name: str = "Ada") -> Any:
        given = {"name": name, "surname": "Lovelace", "email": email, "password": password}
        return (await self.call("SignUp", {"input": given}))["result"]

    async def log_in(self, email: str, password: str = PASSWORD) -> Any:
        return (await self.call("LogIn", {"email": email, "password": password}))["result"]

    async def refresh(self, refresh_token: str) -> Any:
        return (await self.call("RefreshSession", {"refreshToken": refresh_token}))["result"]

    async def log_out(self, refresh_token: str) -> bool:
        found: bool = (await self.call("LogOut", {"refreshToken": refresh_token}))["loggedOut"]
        return found

    async def change_password(self, access_token: str | None, current: str, new: str) -> Any:
        given = {"currentPassword": current, "newPassword": new}
        return (await self.call("ChangePassword", given, access_token))["result"]

    async def viewer(self, access_token: str | None) -> Any:
        return (await self.call("Viewer", token=access_token))["viewer"]

    async def session(self, email: str, password: str = PASSWORD) -> Any:
        """A new account's session."""
        session = await self.sign_up(email, password)
        assert session["__typename"] == "Session", session
        return session


def refused(result: Any, containing: str = "") -> None:
    """`result` is an AuthError whose message contains `containing`."""
    assert result["__typename"] == "AuthError", result
    assert containing in result["message"], result


@pytest.fixture
async def anonymous(app: Starlette, engine: AsyncEngine) -> AsyncIterator[AuthClient]:
    """A client without credentials (the suite's default client may carry a token)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield AuthClient(http)
