"""Who the benchmark's requests act for, and the bearer tokens they carry.

As the operator (the default), every request carries the token of the operator the
seed inserts: it sees every row, the data the API served anonymous clients before it
knew who asked, so its figures compare with earlier tables. As a customer, each
request carries the token of the customer whose rows it reads, and sees those alone.

The servers the benchmark starts sign with `SECRET`; tokens are minted here with it,
once per user, and last longer than any run.
"""

from __future__ import annotations

from bench.seed import OPERATOR_ID
from gql_server.auth.tokens import AccessTokens
from gql_server.auth_settings import AuthSettings
from gql_server.settings import Settings
from models import Role

# The benchmark's own signing key (MWALLET_JWT_SECRET of the servers it starts);
# it signs nothing outside the benchmark's loopback servers.
SECRET = "mwallet-bench-signing-key-for-loopback-servers-only"
ENV = {"MWALLET_JWT_SECRET": SECRET}
TOKEN_SECONDS = 6 * 3600  # longer than a whole run
ROLES = {"operator": Role.OPERATOR, "customer": Role.CUSTOMER}
TOKENS = AccessTokens(AuthSettings(jwt_secret=SECRET), SECRET)


def token(user_id: int, role: Role) -> str:
    """A bearer token for `user_id` as `role`, accepted by the benchmark's servers."""
    return TOKENS.issue(user_id, role, seconds=TOKEN_SECONDS).token


class Identity:
    """Tokens for requests made as `role`: the seeded operator's, or each customer's own."""

    def __init__(self, role: Role) -> None:
        if role not in ROLES.values():
            raise ValueError(f"the benchmark acts as an operator or a customer, not {role}")
        self.role = role
        self.minted: dict[int, str] = {}

    @property
    def sees_all(self) -> bool:
        return self.role is Role.OPERATOR

    @property
    def name(self) -> str:
        return self.role.value.lower()

    def bearer(self, owner: int) -> str:
        """The token of a request for `owner`'s rows: the operator's, or `owner`'s own."""
        user_id = OPERATOR_ID if self.sees_all else owner
        minted = self.minted.get(user_id)
        if minted is None:
            minted = self.minted[user_id] = token(user_id, self.role)
        return minted

    def viewers(self, customers: list[int]) -> list[int]:
        """Whose tokens the requests of a workload that names no user carry, one per
        request line: the operator's alone, or each of `customers`' in turn."""
        return [OPERATOR_ID] if self.sees_all else customers


def serving_settings(database_url: str) -> Settings:
    """Settings of an app run in-process that accepts the benchmark's tokens."""
    return Settings(database_url=database_url, auth=AuthSettings(jwt_secret=SECRET))
