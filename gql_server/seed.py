"""Deterministic demo data, written by the same SQL writes as mutations (`domain/store.py`)."""

from __future__ import annotations

import logging
from decimal import Decimal

from gql_server.database import create_engine, create_session_maker
from gql_server.domain.store import insert_row
from loaders import create_loaders
from models import Address, AssetType, Order, OrderType, Transaction, User

log = logging.getLogger(__name__)

PEOPLE = [
    ("Ada", "Lovelace"),
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
                loaders,
                User,
                {"name": name, "surname": surname, "email": f"{name.lower()}@example.com"},
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
        return True
    finally:
        await engine.dispose()
