"""The planned read path needs no more SQL than field-by-field execution, and reads
only the columns a query selects."""

from __future__ import annotations

from loaders import Loaders
from tests.planner.both_apps import DOCUMENTS, Both


async def test_the_nested_page_is_planned_with_four_statements(both: Both, wallet: Loaders) -> None:
    await both.same(DOCUMENTS["w2_nested"])

    assert both.planned_sql.count == 4


async def test_a_planned_query_does_not_read_a_secret_it_does_not_select(
    both: Both, wallet: Loaders
) -> None:
    await both.same("{ addresses(limit: 3) { id network } }")

    planned = " ".join(both.planned_sql.statements)  # the fast path's run of the second
    plain = " ".join(both.plain_sql.statements)
    assert "addresses.network" in planned
    assert "addresses.account_key" in plain  # field by field reads whole rows
    assert "addresses.account_key" not in planned  # the secret is not even read


async def test_a_planned_nested_query_leaves_unselected_columns_in_the_database(
    both: Both, wallet: Loaders
) -> None:
    await both.same("{ transactions(limit: 3) { id order { asset user { email } } } }")

    planned = " ".join(both.planned_sql.statements)
    for column in ("transactions.order_id", "orders.asset", "orders.user_id", "users.email"):
        assert column in planned
    for column in ("transactions.meta", "orders.memo", "users.surname", "users.lastchange"):
        assert column not in planned


async def test_root_lookups_are_batched_per_loader_as_field_by_field(
    both: Both, wallet: Loaders
) -> None:
    body = await both.same(DOCUMENTS["many_roots"], {"id": "3"})

    # users 1, 3 and 999999 in one read, the address in another, both pages in a third
    assert body["data"]["missing"] is None
    assert both.planned_sql.count == both.plain_sql.count == 3
