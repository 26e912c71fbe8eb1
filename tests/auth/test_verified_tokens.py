"""A token is verified once, then answered from memory until it expires."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from gql_server.auth.tokens import VERIFIED_TOKENS, AccessTokens, InvalidToken
from gql_server.auth_settings import AuthSettings
from models import Role, Viewer

SECRET = "a secret of more than thirty-two bytes, for tests"


def test_a_token_is_verified_once_then_known(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = AccessTokens(AuthSettings(), SECRET)
    issued = tokens.issue(7, Role.CUSTOMER).token
    decodes: list[str] = []
    real_decode = jwt.decode

    def counted(*args: Any, **kwargs: Any) -> Any:
        decodes.append(issued)
        return real_decode(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)

    viewers = [tokens.viewer(issued) for _ in range(3)]

    assert viewers == [Viewer(7, Role.CUSTOMER)] * 3
    assert len(decodes) == 1


def test_a_known_token_is_refused_once_it_expires() -> None:
    tokens = AccessTokens(AuthSettings(), SECRET)
    issued = tokens.issue(7, Role.CUSTOMER, seconds=1).token
    assert tokens.viewer(issued) == Viewer(7, Role.CUSTOMER)

    time.sleep(2)  # past its `exp` (whole seconds)

    assert tokens.known(issued) is None
    with pytest.raises(InvalidToken):
        tokens.viewer(issued)


def test_a_refused_token_is_not_remembered() -> None:
    tokens = AccessTokens(AuthSettings(), SECRET)
    forged = tokens.issue(7, Role.CUSTOMER).token[:-2] + "xx"

    for _ in range(2):
        with pytest.raises(InvalidToken):
            tokens.viewer(forged)
    assert tokens.verified == {}


def test_the_memory_of_verified_tokens_is_bounded() -> None:
    tokens = AccessTokens(AuthSettings(), SECRET)
    for n in range(VERIFIED_TOKENS + 5):
        tokens.verified[f"token-{n}"] = (Viewer(n, Role.CUSTOMER), time.time() + 60)
    tokens.viewer(tokens.issue(1, Role.CUSTOMER).token)

    assert len(tokens.verified) <= VERIFIED_TOKENS
