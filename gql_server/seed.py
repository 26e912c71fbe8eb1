"""Deterministic demo data, written by the same SQL writes as mutations (`domain/store.py`),
and the demo accounts that sign in to it (`auth/demo.py`): Ada, the customer who owns the
first share of the data, and an operator. The other people are customers without a password.
"""

from __future__ import annotations

import json
import logging
import shlex
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from gql_server.auth import demo
from gql_server.auth.passwords import hash_password
from gql_server.database import create_engine, create_session_maker
from gql_server.domain.store import insert_row
from loaders import create_loaders
from models import Address, AssetType, Order, OrderType, Role, Transaction, User

log = logging.getLogger(__name__)

PEOPLE = [
    (demo.CUSTOMER.name, demo.CUSTOMER.surname),
    ("Alan", "Turing"),
    ("Grace", "Hopper"),
    ("Satoshi", "Nakamoto"),
    ("Chioma", "Okafor"),
]
NETWORKS = ["bitcoin", "litecoin"]
ASSETS = list(AssetType)
ORDER_TYPES = list(OrderType)
EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z


async def seed(database_url: str) -> bool:
    """Insert the demo rows into an empty database; leave a non-empty one alone."""
    engine = create_engine(database_url)
    try:
        loaders = create_loaders(create_session_maker(engine))
        if await loaders.by_id(User).page(0, 1):
            log.info("database already has users; not seeding")
            return False
        for n, (name, surname) in enumerate(PEOPLE, start=1):
            user = await insert_row(
                loaders, User, await person(name, surname, f"{name.lower()}@example.com")
            )
            for k, network in enumerate(NETWORKS):
                await insert_row(
                    loaders,
                    Address,
                    {
                        "user_id": user.id,
                        "address": f"{network[:3]}1q{n:04d}{k:02d}demo",
                        "network": network,
                        "is_default": k == 0,
                        "address_balance": Decimal(n * 100 + k) / 8,
                        "label": f"{name}'s {network} wallet",
                    },
                )
            for j in range(2):
                order = await insert_row(
                    loaders,
                    Order,
                    {
                        "user_id": user.id,
                        "order_type": ORDER_TYPES[(n + j) % len(ORDER_TYPES)],
                        "asset": ASSETS[(n + j) % len(ASSETS)],
                        "start": EPOCH + 3600 * (n * 10 + j),
                        "expected_end": EPOCH + 3600 * (n * 10 + j + 24),
                        "memo": f"demo order {n}-{j}",
                    },
                )
                for t in range(2):
                    await insert_row(
                        loaders,
                        Transaction,
                        {
                            "order_id": order.id,
                            "tranx_ref": f"demo-{n}-{j}-{t}",
                            "tranx_id": f"{n:02d}{j:02d}{t:02d}".ljust(64, "a"),
                            "confirmations": 3 * t + j,
                            "meta": {"fee": str(Decimal("0.0001") * (t + 1)), "demo": True},
                        },
                    )
        staff = demo.OPERATOR
        await insert_row(loaders, User, await person(staff.name, staff.surname, staff.email))
        return True
    finally:
        await engine.dispose()


async def person(name: str, surname: str, email: str) -> Mapping[str, Any]:
    """A user's row: a demo account's role and password hash, else a customer without one."""
    account = next((found for found in demo.ACCOUNTS if found.email == email), None)
    if account is None:
        return {"name": name, "surname": surname, "email": email, "role": Role.CUSTOMER}
    return {
        "name": name,
        "surname": surname,
        "email": email,
        "role": account.role,
        "password_hash": await hash_password(account.password),
    }


async def demo_accounts(database_url: str) -> list[demo.DemoAccount]:
    """The demo accounts that sign in to this database with their published passwords."""
    engine = create_engine(database_url)
    try:
        session_maker = create_session_maker(engine)
        return [
            account
            for account in demo.ACCOUNTS
            if await demo.demo_user(session_maker, account) is not None
        ]
    finally:
        await engine.dispose()


def how_to_sign_in(accounts: list[demo.DemoAccount], url: str, graphiql: bool) -> str:
    """What `mwallet-gql seed` prints: the accounts, and a `logIn` to paste into a shell."""
    if not accounts:
        return (
            "no demo account signs in to this database (not seeded by `mwallet-gql seed`, "
            "or its passwords were changed): sign up with the signUp mutation\n"
        )
    first = accounts[0]
    log_in = (
        f'mutation {{ logIn(email: "{first.email}", password: "{first.password}") '
        "{ __typename ... on Session { accessToken refreshToken expiresAt } "
        "... on AuthError { message } } }"
    )
    body = json.dumps({"query": log_in})
    signed_in = graphiql and demo.CUSTOMER in accounts
    lines = [
        "demo accounts"
        + (f" (GraphiQL at {url} opens signed in as {demo.CUSTOMER.email}):" if signed_in else ":"),
        *(f"  {a.role.value.lower():<9} {a.email:<22} {a.password}" for a in accounts),
        "sign in, then send `Authorization: Bearer <accessToken>` with every request:",
        f"  curl -s {url} -H 'Content-Type: application/json' -d {shlex.quote(body)}",
    ]
    return "\n".join(lines) + "\n"
