"""Root connections as a client pages them: every order, forwards and backwards, keyset
cursors that survive inserts and deletes, and the refusals a client can act on."""

from __future__ import annotations

import base64
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from loaders import Loaders
from models import AssetType, Order, OrderType
from tests.conftest import GraphQLClient, StatementCounter
from tests.factories import make_address, make_order, make_transaction, make_user

# connection -> (its page field, the fields its orders read, its OrderBy terms by column)
MODELS: dict[str, tuple[str, dict[str, str]]] = {
    "usersConnection": ("users", {"SURNAME": "surname", "EMAIL": "email"}),
    "addressesConnection": (
        "addresses",
        {"ADDRESS_BALANCE": "addressBalance", "NETWORK": "network"},
    ),
    "ordersConnection": (
        "orders",
        {
            "START": "start",
            "EXPECTED_END": "expectedEnd",
            "ASSET": "asset",
            "ORDER_TYPE": "orderType",
        },
    ),
    "transactionsConnection": ("transactions", {"CONFIRMATIONS": "confirmations"}),
}
ALWAYS = {"ID": "id", "LASTCHANGE": "lastchange"}


async def make_rows(loaders: Loaders) -> None:
    """Rows whose sort keys repeat (ties broken by id), with NULLs, and money whose text
    order is not its numeric order."""
    surnames = ["berg", "ames", "cole", "ames", "berg", "ames", "dorn"]
    users = [
        await make_user(loaders, surname=s, email=f"u{9 - i}x@example.com")
        for i, s in enumerate(surnames)
    ]
    balances = ["10.5", "9.25", "0", "10.5", "100", "9.25", "0.00000001"]
    for i, balance in enumerate(balances):
        network = "litecoin" if i % 3 else "bitcoin"
        await make_address(
            loaders, users[i % 3].id, network=network, address_balance=Decimal(balance)
        )
    assets, kinds = list(AssetType), list(OrderType)
    for i in range(9):
        start = float(i % 3)
        end = None if i % 4 == 0 else start + (i % 2) + 0.5
        await make_order(
            loaders,
            users[i % 2].id,
            start=start,
            expected_end=end,
            asset=assets[i % len(assets)],
            order_type=kinds[(i // 2) % len(kinds)],
        )
        if i < 7:
            order = await last_order(loaders)
            await make_transaction(loaders, order, confirmations=(i * 5) % 3)


async def last_order(loaders: Loaders) -> int:
    rows = await loaders.by_id(Order).filter_by()
    return int(max(row.id for row in rows))


def python_order(rows: list[dict[str, Any]], terms: list[tuple[str, bool]]) -> list[str]:
    """Ids in the order the terms give, NULLs last in either direction, id last."""
    if "id" not in [field for field, _ in terms]:
        terms = [*terms, ("id", False)]

    def value(row: dict[str, Any], field: str) -> Any:
        raw = row[field]
        if field == "id":
            return int(raw)
        if field == "addressBalance":
            return Decimal(raw)
        return raw

    ordered = list(rows)
    for field, descending in reversed(terms):  # stable sorts, the last term first
        present = [r for r in ordered if r[field] is not None]
        absent = [r for r in ordered if r[field] is None]
        present.sort(key=partial(value, field=field), reverse=descending)
        ordered = present + absent
    return [row["id"] for row in ordered]


ORDERS = [
    (connection, [(term, descending)])
    for connection, (_, columns) in MODELS.items()
    for term in [*ALWAYS, *columns]
    for descending in (False, True)
] + [
    ("ordersConnection", [("START", True), ("EXPECTED_END", False)]),
    ("ordersConnection", [("EXPECTED_END", True), ("ASSET", False), ("ID", True)]),
    ("addressesConnection", [("NETWORK", False), ("ADDRESS_BALANCE", True)]),
    ("usersConnection", [("SURNAME", True), ("LASTCHANGE", False)]),
]


def order_by(terms: list[tuple[str, bool]]) -> list[str]:
    return [f"{term}_{'DESC' if descending else 'ASC'}" for term, descending in terms]


TYPES = {
    "usersConnection": "User",
    "addressesConnection": "Address",
    "ordersConnection": "Order",
    "transactionsConnection": "Transaction",
}


def page_query(connection: str, fields: str) -> str:
    terms = f"{TYPES[connection]}OrderBy"
    return f"""query($first: Int, $after: String, $last: Int, $before: String,
                     $orderBy: [{terms}!]) {{
      page: {connection}(first: $first, after: $after, last: $last, before: $before,
                         orderBy: $orderBy) {{
        edges {{ cursor node {{ {fields} }} }}
        pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
      }}
    }}"""


async def walk(
    gql: GraphQLClient,
    query: str,
    variables: dict[str, Any],
    size: int,
    *,
    backwards: bool = False,
    between: Callable[[], Any] | None = None,
) -> list[str]:
    """Every id the connection lists, page by page, in the connection's order."""
    seen: list[str] = []
    cursor = None
    while True:
        if backwards:
            asked = {**variables, "last": size, "before": cursor}
        else:
            asked = {**variables, "first": size, "after": cursor}
        page = (await gql(query, asked))["page"]
        ids = [edge["node"]["id"] for edge in page["edges"]]
        info = page["pageInfo"]
        assert len(ids) <= size
        if ids:
            assert info["startCursor"] == page["edges"][0]["cursor"]
            assert info["endCursor"] == page["edges"][-1]["cursor"]
        seen = ids + seen if backwards else seen + ids
        more = info["hasPreviousPage"] if backwards else info["hasNextPage"]
        if not more:
            return seen
        assert len(ids) == size
        cursor = info["startCursor"] if backwards else info["endCursor"]
        if between is not None:
            await between()


@pytest.mark.parametrize(
    ("connection", "terms"), ORDERS, ids=[f"{c}:{','.join(order_by(t))}" for c, t in ORDERS]
)
async def test_every_order_pages_forwards_and_backwards_alike(
    gql: GraphQLClient, loaders: Loaders, connection: str, terms: list[tuple[str, bool]]
) -> None:
    # given
    await make_rows(loaders)
    page_field, columns = MODELS[connection]
    names = {**ALWAYS, **columns}
    fields = " ".join(dict.fromkeys(["id", *names.values()]))
    rows = (await gql(f"{{ {page_field}(limit: 100) {{ {fields} }} }}"))[page_field]
    expected = python_order(rows, [(names[term], descending) for term, descending in terms])
    query = page_query(connection, "id")
    variables = {"orderBy": order_by(terms)}

    # when
    forwards = await walk(gql, query, variables, 3)
    backwards = await walk(gql, query, variables, 3, backwards=True)

    # then
    assert forwards == expected
    assert backwards == expected


async def test_the_default_order_is_by_id(gql: GraphQLClient, loaders: Loaders) -> None:
    for _ in range(3):
        await make_user(loaders)

    data = await gql("{ usersConnection { nodes { id } edges { node { id } } } }")

    ids = [node["id"] for node in data["usersConnection"]["nodes"]]
    assert ids == sorted(ids, key=int)
    assert [edge["node"]["id"] for edge in data["usersConnection"]["edges"]] == ids


@pytest.mark.parametrize("backwards", [False, True], ids=["forwards", "backwards"])
async def test_rows_inserted_and_deleted_between_pages_never_repeat_or_hide_the_others(
    gql: GraphQLClient, loaders: Loaders, engine: AsyncEngine, backwards: bool
) -> None:
    # given: orders whose sort keys repeat, some without an end
    user = await make_user(loaders)
    for i in range(24):
        await make_order(loaders, user.id, start=float(i % 4), expected_end=None if i % 3 else 9.0)
    query = page_query("ordersConnection", "id")
    variables = {"orderBy": ["START_DESC", "EXPECTED_END_ASC"]}
    before = await walk(gql, query, variables, 100)
    deleted: set[str] = set()
    step = iter(range(100))

    async def churn() -> None:
        """An insert that sorts anywhere, and a delete of the row the cursor names or
        of one a page ahead, turn about."""
        n = next(step)
        await make_order(loaders, user.id, start=float(n % 5) - 0.5, expected_end=None)
        now = await walk(gql, query, variables, 100)
        alive = [i for i in now if i in before and i not in deleted]
        victim = alive[(n * 7) % len(alive)]
        async with engine.begin() as connection:
            await connection.execute(delete(Order).where(Order.id == int(victim)))
        deleted.add(victim)

    # when
    seen = await walk(gql, query, variables, 4, backwards=backwards, between=churn)

    # then
    assert len(seen) == len(set(seen)), "a row was listed twice"
    throughout = [i for i in before if i not in deleted]
    assert [i for i in seen if i in throughout] == throughout, "a row was skipped or moved"
    assert deleted, "the test deleted nothing"


async def cursor_of(gql: GraphQLClient, field: str, order: str = "ID_ASC") -> str:
    data = await gql(
        f"{{ c: {field}(first: 1, orderBy: [{order}]) {{ pageInfo {{ endCursor }} }} }}"
    )
    cursor: str = data["c"]["pageInfo"]["endCursor"]
    return cursor


def forged(document: str) -> str:
    """A cursor as a client could make one: base64url of any text."""
    return base64.urlsafe_b64encode(document.encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor",
        "!!!!",
        "W10",  # []
        forged("[1,"),
        forged('[2,"Order",["ID_ASC"],[1]]'),  # another version
        forged('[true,"Order",["ID_ASC"],[1]]'),
        forged('[1,"Order",["ID_ASC"],["1"]]'),  # the id as text
        forged('[1,"Order",["ID_ASC"],[1.5]]'),
        forged('[1,"Order",["ID_ASC"],[null]]'),
        forged('[1,"Order",["ID_ASC"],[99999999999999999999]]'),
        forged('[1,"Order",["ID_ASC"],[1,2]]'),
        forged('[1,"Order",["START_ASC","ID_ASC"],[NaN,1]]'),
        forged('[1,"Order",["START_ASC","ID_ASC"],["x",1]]'),
        forged('[1,"Order",["ASSET_ASC","ID_ASC"],["GOLD",1]]'),
        forged('[1,"Order",["LASTCHANGE_ASC","ID_ASC"],["2026-01-01T00:00:00",1]]'),
        forged('[1,"Order",["LASTCHANGE_ASC","ID_ASC"],["yesterday",1]]'),
        forged('[1,"Order",["ID_ASC"],{"id":1}]'),
        forged('[1,"Order",["ID_ASC"],[9223372036854775808]]'),  # beyond int8
        forged('[1,"Order",["START_ASC","ID_ASC"],[1e999,1]]'),
        forged('[1,"Order",["ORDER_TYPE_ASC","ID_ASC"],["OPEN\\u0000",1]]'),
        forged('[1,"Order",["ORDER_TYPE_ASC","ID_ASC"],["\\ud800",1]]'),
        forged("[" * 1500),  # nested deeper than a JSON parser goes
        "A" * 5000,
    ],
)
async def test_a_forged_or_malformed_cursor_is_a_clear_error(
    gql: GraphQLClient, loaders: Loaders, cursor: str
) -> None:
    await make_order(loaders, (await make_user(loaders)).id)
    for argument in ("after", "before"):
        size = "first" if argument == "after" else "last"
        body = await gql.raw(
            f"query($c: String) {{ ordersConnection({size}: 2, {argument}: $c) {{ totalCount }} }}",
            {"c": cursor},
        )

        assert body["data"] is None
        assert body["errors"][0]["message"].startswith(f"{argument} is not a cursor of this list")


@pytest.mark.parametrize(
    ("field", "cursor"),
    [
        ("transactionsConnection", '[1,"Transaction",["CONFIRMATIONS_ASC","ID_ASC"],[40000,1]]'),
        ("addressesConnection", '[1,"Address",["ADDRESS_BALANCE_ASC","ID_ASC"],["1e99999",1]]'),
        ("addressesConnection", '[1,"Address",["ADDRESS_BALANCE_ASC","ID_ASC"],["Infinity",1]]'),
        ("usersConnection", '[1,"User",["EMAIL_ASC","ID_ASC"],["a\\u0000b",1]]'),
        ("usersConnection", '[1,"User",["EMAIL_ASC","ID_ASC"],[null,1]]'),  # not nullable
    ],
)
async def test_a_cursor_value_its_column_cannot_hold_is_refused_before_any_sql(
    gql: GraphQLClient, sql: StatementCounter, field: str, cursor: str
) -> None:
    sql.reset()
    body = await gql.raw(
        f"query($c: String) {{ {field}(after: $c) {{ nodes {{ id }} }} }}", {"c": forged(cursor)}
    )

    assert body["data"] is None
    assert "after is not a cursor of this list" in body["errors"][0]["message"]
    assert sql.count == 0


async def test_a_cursor_of_another_type_or_another_order_is_refused(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)
    await make_order(loaders, user.id, expected_end=None)
    foreign = [
        ("ordersConnection", await cursor_of(gql, "usersConnection"), "ID_ASC"),
        ("ordersConnection", await cursor_of(gql, "ordersConnection", "START_ASC"), "ID_ASC"),
        ("ordersConnection", await cursor_of(gql, "ordersConnection"), "ID_DESC"),
        (
            "ordersConnection",
            await cursor_of(gql, "ordersConnection", "EXPECTED_END_ASC"),
            "EXPECTED_END_DESC",
        ),
    ]
    for field, cursor, order in foreign:
        body = await gql.raw(
            f"query($c: String) {{ {field}(after: $c, orderBy: [{order}]) {{ nodes {{ id }} }} }}",
            {"c": cursor},
        )

        assert body["data"] is None, (field, order)
        assert "after is not a cursor of this list in this order" in body["errors"][0]["message"]


async def test_a_cursor_of_a_deleted_row_still_marks_its_place(
    gql: GraphQLClient, loaders: Loaders, engine: AsyncEngine
) -> None:
    user = await make_user(loaders)
    orders = [await make_order(loaders, user.id) for _ in range(3)]
    cursor = await cursor_of(gql, "ordersConnection")
    async with engine.begin() as connection:
        await connection.execute(delete(Order).where(Order.id == orders[0].id))

    data = await gql(
        "query($c: String) { ordersConnection(after: $c) { nodes { id } } }", {"c": cursor}
    )

    assert [n["id"] for n in data["ordersConnection"]["nodes"]] == [str(o.id) for o in orders[1:]]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("first: 101", "first must be between 0 and 100, got 101"),
        ("last: 101", "last must be between 0 and 100, got 101"),
        ("first: -1", "first must be between 0 and 100, got -1"),
        ("last: -1", "last must be between 0 and 100, got -1"),
        ("first: 1, last: 1", "give first or last, not both"),
        ("orderBy: [START_ASC, START_DESC]", "orderBy names a column more than once"),
        ("orderBy: [ID_ASC, ID_ASC]", "orderBy names a column more than once"),
    ],
)
async def test_page_arguments_out_of_range_are_refused(
    gql: GraphQLClient, arguments: str, message: str
) -> None:
    body = await gql.raw(f"{{ ordersConnection({arguments}) {{ nodes {{ id }} }} }}")

    assert body["data"] is None
    assert message in body["errors"][0]["message"]


async def test_first_and_last_up_to_a_hundred_and_zero_are_pages(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)
    for _ in range(101):
        await make_order(loaders, user.id)

    data = await gql(
        """{ a: ordersConnection(first: 100) { nodes { id } pageInfo { hasNextPage } }
             b: ordersConnection(last: 100) { nodes { id } pageInfo { hasPreviousPage } }
             c: ordersConnection(first: 0) { nodes { id } pageInfo { hasNextPage endCursor } }
             d: ordersConnection { nodes { id } } }"""
    )

    assert len(data["a"]["nodes"]) == len(data["b"]["nodes"]) == 100
    assert data["a"]["pageInfo"]["hasNextPage"] and data["b"]["pageInfo"]["hasPreviousPage"]
    assert data["c"] == {"nodes": [], "pageInfo": {"hasNextPage": True, "endCursor": None}}
    assert len(data["d"]["nodes"]) == 20


async def test_first_and_last_with_both_cursors_page_between_them(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    user = await make_user(loaders)
    ids = [str((await make_order(loaders, user.id)).id) for _ in range(8)]
    data = await gql("{ ordersConnection(first: 8) { edges { cursor } } }")
    cursors = [edge["cursor"] for edge in data["ordersConnection"]["edges"]]
    query = """query($a: String, $b: String, $first: Int, $last: Int) {
      ordersConnection(after: $a, before: $b, first: $first, last: $last) {
        nodes { id } pageInfo { hasNextPage hasPreviousPage } } }"""

    first = await gql(query, {"a": cursors[1], "b": cursors[6], "first": 2})
    last = await gql(query, {"a": cursors[1], "b": cursors[6], "last": 2})

    assert first["ordersConnection"] == {
        "nodes": [{"id": i} for i in ids[2:4]],
        "pageInfo": {"hasNextPage": True, "hasPreviousPage": False},
    }
    assert last["ordersConnection"] == {
        "nodes": [{"id": i} for i in ids[4:6]],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": True},
    }


async def test_total_count_counts_every_page_of_the_filter(
    gql: GraphQLClient, loaders: Loaders
) -> None:
    alice, bob = await make_user(loaders), await make_user(loaders)
    for _ in range(5):
        await make_order(loaders, alice.id)
    await make_order(loaders, bob.id)

    data = await gql(
        """query($alice: ID!) { ordersConnection(first: 2, where: {userId: $alice}) {
             nodes { userId } totalCount } }""",
        {"alice": str(alice.id)},
    )

    assert data["ordersConnection"]["totalCount"] == 5
    assert data["ordersConnection"]["nodes"] == [{"userId": str(alice.id)}] * 2


async def test_a_page_is_one_statement_and_its_count_one_more(
    gql: GraphQLClient, loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders)
    for _ in range(30):
        await make_order(loaders, user.id, expected_end=None)
    page = await gql("{ ordersConnection(first: 10) { pageInfo { endCursor } } }")
    cursor = page["ordersConnection"]["pageInfo"]["endCursor"]
    query = """query($c: String) { ordersConnection(first: 10, after: $c,
      orderBy: [EXPECTED_END_DESC, START_ASC]) { edges { cursor node { id } } %s } }"""

    sql.reset()
    await gql(query % "", {"c": None})
    alone = sql.count
    sql.reset()
    await gql(query % "totalCount", {"c": None})
    counted = sql.count
    sql.reset()
    await gql(
        "query($c: String) { ordersConnection(last: 5, before: $c) { nodes { user { id } } } }",
        {"c": cursor},
    )
    nested = sql.count

    assert (alone, counted, nested) == (1, 2, 2)


async def test_a_connection_costs_its_page_size_per_nested_list(gql: GraphQLClient) -> None:
    deep = """{ ordersConnection(first: %d) {
      nodes { transactions { order { transactions { order { id } } } } } } }"""

    refused = await gql.raw(deep % 100)  # 1 + 100 + 500 + 500 + 2,500 + 2,500: over 5,000
    allowed = await gql.raw(deep % 10)

    assert refused["data"] is None
    assert "more than the limit of" in refused["errors"][0]["message"]
    assert "errors" not in allowed


async def test_a_pages_rows_serve_later_loads_by_id_in_the_request(
    gql: GraphQLClient, loaders: Loaders, sql: StatementCounter
) -> None:
    user = await make_user(loaders)
    for _ in range(3):
        await make_transaction(loaders, (await make_order(loaders, user.id)).id)
    sql.reset()

    data = await gql("{ ordersConnection { nodes { id transactions { order { id } } } } }")

    nodes = data["ordersConnection"]["nodes"]
    assert [n["transactions"][0]["order"]["id"] for n in nodes] == [n["id"] for n in nodes]
    assert sql.count == 2  # the page and the transactions: the orders came with the page
