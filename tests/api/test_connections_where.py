"""A connection's `filter`: every operator, nested `and`/`or`/`not`, literal text
matching, and the limits and refusals a client can act on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from loaders import Loaders
from models import AssetType, Role
from tests.conftest import GraphQLClient, StatementCounter, bearer
from tests.factories import make_address, make_order, make_user

Row = dict[str, Any]
FIELDS = "id userId start expectedEnd asset orderType lastchange"


@pytest.fixture
async def orders(gql: GraphQLClient, loaders: Loaders) -> list[Row]:
    """Orders of two users with repeated starts, some without an end, every asset."""
    users = [await make_user(loaders), await make_user(loaders)]
    assets = list(AssetType)
    for i in range(10):
        end = None if i % 3 == 0 else float(i % 5) + 1.5
        await make_order(
            loaders,
            users[i % 2].id,
            start=float(i % 5),
            expected_end=end,
            asset=assets[i % len(assets)],
        )
    rows: list[Row] = (await gql(f"{{ orders(limit: 100) {{ {FIELDS} }} }}"))["orders"]
    return rows


async def ids_of(gql: GraphQLClient, field: str, filter: str, **variables: Any) -> list[str]:
    declared = ", ".join(f"${name}: {kind}" for name, (kind, _) in variables.items())
    values = {name: value for name, (_, value) in variables.items()}
    query = (
        f"query{f'({declared})' if declared else ''} {{ c: {field}(first: 100, filter: {filter}) "
        "{ nodes { id } totalCount } }"
    )
    data = (await gql(query, values))["c"]
    ids = [node["id"] for node in data["nodes"]]
    assert data["totalCount"] == len(ids)
    return ids


CASES: list[tuple[str, Callable[[Row], bool]]] = [
    ("{start: {eq: 2}}", lambda r: r["start"] == 2),
    ("{start: {ne: 2}}", lambda r: r["start"] != 2),
    ("{start: {in: [1, 3]}}", lambda r: r["start"] in (1, 3)),
    ("{start: {notIn: [1, 3]}}", lambda r: r["start"] not in (1, 3)),
    ("{start: {lt: 2}}", lambda r: r["start"] < 2),
    ("{start: {lte: 2}}", lambda r: r["start"] <= 2),
    ("{start: {gt: 2}}", lambda r: r["start"] > 2),
    ("{start: {gte: 2}}", lambda r: r["start"] >= 2),
    ("{start: {gt: 0, lt: 4}}", lambda r: 0 < r["start"] < 4),
    ("{expectedEnd: {isNull: true}}", lambda r: r["expectedEnd"] is None),
    ("{expectedEnd: {isNull: false}}", lambda r: r["expectedEnd"] is not None),
    # SQL: a NULL matches no comparison, `ne` and `not` included
    ("{expectedEnd: {ne: 2.5}}", lambda r: r["expectedEnd"] not in (None, 2.5)),
    ("{not: {expectedEnd: {eq: 2.5}}}", lambda r: r["expectedEnd"] not in (None, 2.5)),
    ("{asset: {eq: DASH}}", lambda r: r["asset"] == "DASH"),
    ("{asset: {in: [DASH, BITCOIN]}}", lambda r: r["asset"] in ("DASH", "BITCOIN")),
    ("{asset: {notIn: [DASH]}, orderType: {eq: OPEN}}", lambda r: r["asset"] != "DASH"),
    ('{id: {in: ["1", "3", "5"]}}', lambda r: r["id"] in ("1", "3", "5")),
    ('{id: {gt: "7"}}', lambda r: int(r["id"]) > 7),
    ('{userId: {eq: "2"}}', lambda r: r["userId"] == "2"),
    (
        "{or: [{start: {eq: 0}}, {and: [{start: {eq: 4}}, {expectedEnd: {isNull: false}}]}]}",
        lambda r: r["start"] == 0 or (r["start"] == 4 and r["expectedEnd"] is not None),
    ),
    (
        "{not: {or: [{start: {lt: 1}}, {start: {gt: 3}}]}, and: [{asset: {ne: DASH}}]}",
        lambda r: 1 <= r["start"] <= 3 and r["asset"] != "DASH",
    ),
    ("{or: []}", lambda r: False),
    ("{and: []}", lambda r: True),
    ("{}", lambda r: True),
]


@pytest.mark.parametrize(("filter", "matches"), CASES, ids=[c[0] for c in CASES])
async def test_each_operator_selects_what_it_says(
    gql: GraphQLClient, orders: list[Row], filter: str, matches: Callable[[Row], bool]
) -> None:
    assert await ids_of(gql, "ordersConnection", filter) == [r["id"] for r in orders if matches(r)]


async def test_timestamps_compare_as_instants(gql: GraphQLClient, orders: list[Row]) -> None:
    middle = orders[4]["lastchange"]

    found = await ids_of(
        gql, "ordersConnection", "{lastchange: {gte: $t}}", t=("DateTime!", middle)
    )

    assert found == [r["id"] for r in orders if r["lastchange"] >= middle]


async def test_money_compares_as_a_number(gql: GraphQLClient, loaders: Loaders) -> None:
    user = await make_user(loaders)
    made = {}
    for balance in ["10.5", "9.25", "100", "0.00000001"]:
        row = await make_address(loaders, user.id, address_balance=Decimal(balance))
        made[balance] = str(row.id)

    found = await ids_of(gql, "addressesConnection", '{addressBalance: {gt: "9.5"}}')

    assert found == [made["10.5"], made["100"]]


SURNAMES = ["ames", "Ames", "amesbury", "50%off", "500off", "a_b", "axb", "back\\slash", "zed"]


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ('{surname: {startsWith: "AM"}}', ["ames", "Ames", "amesbury"]),
        ('{surname: {startsWith: "50%"}}', ["50%off"]),
        ('{surname: {contains: "_"}}', ["a_b"]),
        ('{surname: {contains: "%O"}}', ["50%off"]),
        ('{surname: {contains: "\\\\"}}', ["back\\slash"]),
        ('{surname: {contains: "MESB"}}', ["amesbury"]),
        ('{surname: {eq: "ames"}}', ["ames"]),
        ('{surname: {gte: "y"}}', ["zed"]),
    ],
)
async def test_text_matching_is_case_insensitive_and_literal(
    gql: GraphQLClient, loaders: Loaders, filter: str, expected: list[str]
) -> None:
    by_id = {str((await make_user(loaders, surname=s)).id): s for s in SURNAMES}

    found = await ids_of(gql, "usersConnection", filter)

    assert [by_id[i] for i in found] == expected


def nested(depth: int) -> str:
    return "{not: " * depth + "{start: {eq: 1}}" + "}" * depth


@pytest.mark.parametrize(
    ("filter", "message"),
    [
        (nested(6), "filter.not.not.not.not.not.not nests and, or and not more than 5 deep"),
        (
            "{or: [" + ", ".join(["{start: {eq: 1}}"] * 21) + "]}",
            "filter.or has 21 operands, more than 20",
        ),
        ("{start: {eq: null}}", "filter.start.eq may not be null; use isNull"),
        ("{start: {in: null}}", "filter.start.in may not be null"),
        ("{and: null}", "filter.and may not be null"),
        ('{userId: {eq: "x"}}', "filter.userId.eq 'x' is not a valid id"),
        ('{id: {in: ["1", "0"]}}', "filter.id.in '0' is not a valid id"),
        (
            "{start: {in: [" + ", ".join(str(i) for i in range(101)) + "]}}",
            "filter.start.in has 101 values, more than 100",
        ),
    ],
)
async def test_a_filter_past_the_limits_or_without_values_is_refused(
    gql: GraphQLClient, filter: str, message: str
) -> None:
    body = await gql.raw(f"{{ ordersConnection(filter: {filter}) {{ nodes {{ id }} }} }}")

    assert body["data"] is None
    assert message in body["errors"][0]["message"]


async def test_filters_as_deep_and_wide_as_allowed_are_served(gql: GraphQLClient) -> None:
    wide = "{or: [" + ", ".join(["{start: {eq: 1}}"] * 20) + "]}"

    assert await ids_of(gql, "ordersConnection", nested(5)) == []
    assert await ids_of(gql, "ordersConnection", wide) == []


@pytest.mark.parametrize(
    ("field", "filter"),
    [
        ("transactionsConnection", "{confirmations: {gt: 40000}}"),
        ("addressesConnection", '{addressBalance: {lt: "1e40"}}'),
        ("usersConnection", '{email: {contains: "a\\u0000"}}'),
    ],
)
async def test_a_value_its_column_cannot_hold_is_refused_before_any_sql(
    gql: GraphQLClient, sql: StatementCounter, field: str, filter: str
) -> None:
    sql.reset()
    body = await gql.raw(f"{{ {field}(filter: {filter}) {{ nodes {{ id }} }} }}")

    assert body["data"] is None
    assert "filter." in body["errors"][0]["message"]
    assert sql.count == 0


async def test_filter_where_and_cursors_combine_in_one_statement(
    gql: GraphQLClient, orders: list[Row], sql: StatementCounter
) -> None:
    user = orders[0]["userId"]
    expected = [r["id"] for r in orders if r["userId"] == user and r["start"] >= 1]
    query = """query($u: ID!, $after: String) {
      ordersConnection(first: 2, after: $after, where: {userId: $u}, filter: {start: {gte: 1}}) {
        nodes { id } pageInfo { endCursor hasNextPage } } }"""

    sql.reset()
    first = (await gql(query, {"u": user}))["ordersConnection"]
    statements = sql.count
    after = first["pageInfo"]["endCursor"]
    rest = (await gql(query, {"u": user, "after": after}))["ordersConnection"]

    assert statements == 1
    assert [n["id"] for n in first["nodes"] + rest["nodes"]] == expected[:4]


@pytest.fixture
async def customer(app: Starlette, loaders: Loaders) -> AsyncIterator[tuple[GraphQLClient, int]]:
    """A client signed in as a new customer, and the customer's id."""
    user = await make_user(loaders, role=Role.CUSTOMER)
    token = app.state.tokens.issue(user.id, Role.CUSTOMER).token
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=bearer(token)
    ) as http:
        yield GraphQLClient(http), user.id


async def test_a_customer_filters_and_counts_only_its_own_rows(
    gql: GraphQLClient, customer: tuple[GraphQLClient, int], orders: list[Row], loaders: Loaders
) -> None:
    client, user_id = customer
    own = [str((await make_order(loaders, user_id, start=float(i))).id) for i in range(3)]
    others = [r["userId"] for r in orders]

    everything = await ids_of(client, "ordersConnection", "{start: {gte: 0}}")
    asked_for_others = await ids_of(
        client, "ordersConnection", "{userId: {in: $others}}", others=("[ID!]", others)
    )
    users = await ids_of(
        client, "usersConnection", '{or: [{id: {gte: "1"}}, {email: {contains: "@"}}]}'
    )

    assert everything == own
    assert asked_for_others == []
    assert users == [str(user_id)]
