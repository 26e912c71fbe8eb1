"""The planned read path answers with exactly the bytes of field-by-field execution.

Two apps share one database: the planner on (`app`) and off (`plain_app`).
Every query is sent to both; bodies must be byte-identical and the planned
path must not need more SQL statements.
"""

from __future__ import annotations

import gc
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Row
from starlette.applications import Starlette
from starlette.routing import Route

from gql_server.http.app import create_app
from gql_server.settings import Settings
from loaders import Loaders
from models import AssetType, OrderType
from tests.conftest import OPERATIONS, StatementCounter, listening
from tests.factories import make_address, make_order, make_transaction, make_user
from tests.query_strategies import queries

CORPUS = Path(__file__).resolve().parents[1] / "planner_corpus"
DOCUMENTS = {
    path.stem: path.read_text()
    for path in [
        *sorted(CORPUS.glob("*.graphql")),
        OPERATIONS / "UserPage.graphql",
        OPERATIONS / "GetOrder.graphql",
    ]
}
PLANNER_LOG = "gql_server.planner.extension"


@pytest.fixture(scope="session")
async def plain_app(database_url: str) -> AsyncIterator[Starlette]:
    application = create_app(Settings(database_url=database_url, planner=False))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def plain_client(plain_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=plain_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def plain_sql(plain_app: Starlette) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    with listening(plain_app.state.engine, "before_cursor_execute", counter):
        yield counter


class Both:
    """Send one request to the planned and the plain app; compare what comes back."""

    def __init__(
        self,
        planned: httpx.AsyncClient,
        plain: httpx.AsyncClient,
        planned_sql: StatementCounter,
        plain_sql: StatementCounter,
    ) -> None:
        self.planned, self.plain = planned, plain
        self.planned_sql, self.plain_sql = planned_sql, plain_sql

    async def same(
        self, query: str, variables: dict[str, Any] | None = None, *, fewer_statements: bool = True
    ) -> Any:
        """The body; with `fewer_statements`, also that planning cost no extra SQL
        (a run-time fallback pays for the statements of its abandoned attempt)."""
        request = {"query": query, "variables": variables or {}}
        self.plain_sql.reset()
        plain = await self.plain.post("/graphql", json=request)
        self.planned_sql.reset()
        planned = await self.planned.post("/graphql", json=request)
        planned_statements = self.planned_sql.count
        self.planned_sql.reset()
        again = await self.planned.post("/graphql", json=request)  # served by the fast path

        assert planned.status_code == plain.status_code == again.status_code
        assert planned.content == plain.content == again.content
        assert planned.headers["content-type"] == plain.headers["content-type"]
        assert again.headers["content-type"] == plain.headers["content-type"]
        if fewer_statements:
            assert planned_statements <= self.plain_sql.count
            assert self.planned_sql.count <= self.plain_sql.count
        return json.loads(planned.content)


@pytest.fixture
def both(
    client: httpx.AsyncClient,
    plain_client: httpx.AsyncClient,
    sql: StatementCounter,
    plain_sql: StatementCounter,
) -> Both:
    return Both(client, plain_client, sql, plain_sql)


@pytest.fixture
async def wallet(loaders: Loaders) -> Loaders:
    """Varied rows: nulls and values in every nullable column, every enum, binary, JSON."""
    for n in range(6):
        user = await make_user(loaders, email=f"user{n}@example.com")
        for k in range(n % 3):
            await make_address(
                loaders,
                user.id,
                network=["bitcoin", "litecoin"][k],
                is_default=k == 0,
                address_balance=Decimal(n) / 3 if n % 2 else Decimal(0),
                label=f"label {n}" if k else None,
                description="🚀 עברית \u200b" if n == 4 else None,
                account_number=str(n * 1000 + k),
            )
        for j in range(n % 4):
            order = await make_order(
                loaders,
                user.id,
                asset=list(AssetType)[(n + j) % 5],
                order_type=list(OrderType)[j % 4],
                expected_end=1_767_225_600.5 + j if j % 2 else None,
                memo=f"memo {n}-{j}" if j else None,
            )
            for t in range(j):
                await make_transaction(
                    loaders,
                    order.id,
                    confirmations=t,
                    pubkey=bytes([n, j, t]) if t else None,
                    meta={"n": n, "nested": {"t": t}} if t % 2 else None,
                    inputs="in" if t else None,
                )
    return loaders


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
@pytest.mark.parametrize(
    "variables",
    [
        {"id": "2", "skipEmail": False, "withOrders": True, "user": "3", "limit": 50},
        {"id": "5", "skipEmail": True, "withOrders": False, "network": "bitcoin", "user": "4"},
    ],
)
async def test_the_corpus_answers_the_same_bytes_planned_and_field_by_field(
    both: Both,
    wallet: Loaders,
    document: str,
    variables: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    query = DOCUMENTS[document]
    used = {name: value for name, value in variables.items() if f"${name}" in query}

    with caplog.at_level(logging.DEBUG, logger=PLANNER_LOG):
        body = await both.same(query, used)

    assert "errors" not in body
    assert not [r for r in caplog.records if r.name == PLANNER_LOG], "the planner fell back"


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


async def test_changing_a_skip_variable_changes_the_plan(both: Both, wallet: Loaders) -> None:
    query = 'query($s: Boolean!) { user(id: "2") { id email @skip(if: $s) } }'

    shown = await both.same(query, {"s": False})
    hidden = await both.same(query, {"s": True})

    assert shown["data"]["user"] == {"id": "2", "email": "user1@example.com"}
    assert hidden["data"]["user"] == {"id": "2"}


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("{ __schema { queryType { name } } }", "__schema is not a field of ours"),
        (
            'mutation { deleteUser(id: "1", lastchange: "2026-01-01T00:00:00+00:00") '
            "{ __typename } }",
            "mutation operations are not planned",
        ),
        ("{ users(limit: 500) { id } }", "limit must be between 0 and 100"),
        ('{ user(id: "abc") { id } }', "not a valid id"),
    ],
)
async def test_what_the_planner_does_not_serve_falls_back_and_says_so(
    both: Both, wallet: Loaders, caplog: pytest.LogCaptureFixture, query: str, reason: str
) -> None:
    with caplog.at_level(logging.DEBUG, logger=PLANNER_LOG):
        await both.same(query)

    assert any(reason in r.getMessage() for r in caplog.records if r.name == PLANNER_LOG)


async def test_a_null_in_a_non_null_position_falls_back_to_the_executors_error(
    both: Both, wallet: Loaders, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the users table answers nothing, so Address.user (non-null) meets a null
    from loaders.id_loader import IdLoader

    original = IdLoader.load_batch

    async def users_vanish(self: IdLoader, keys: list[int]) -> list[Any]:
        if self.table.name == "users":
            return [None] * len(keys)
        return await original(self, keys)

    monkeypatch.setattr(IdLoader, "load_batch", users_vanish)

    with caplog.at_level(logging.DEBUG, logger=PLANNER_LOG):
        body = await both.same("{ addresses { id user { id } } }", fewer_statements=False)

    assert body["errors"][0]["message"] == "Unexpected error."  # masked: an internal fault
    assert body["errors"][0]["path"] == ["addresses", 0, "user"]
    assert any("null relation" in r.getMessage() for r in caplog.records if r.name == PLANNER_LOG)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=queries())
async def test_generated_queries_answer_the_same_bytes_planned_and_field_by_field(
    both: Both, wallet: Loaders, caplog: pytest.LogCaptureFixture, generated: tuple[str, Any]
) -> None:
    query, variables = generated
    caplog.clear()

    with caplog.at_level(logging.DEBUG, logger=PLANNER_LOG):
        body = await both.same(query, variables)

    if "errors" in body:  # a wide random query may cost more than the limit: same refusal
        assert body["data"] is None and "more than the limit" in body["errors"][0]["message"]
        return
    assert not [r.getMessage() for r in caplog.records if r.name == PLANNER_LOG]


def graphql_view(app: Starlette) -> Any:
    return next(
        route.endpoint
        for route in app.routes
        if isinstance(route, Route) and route.path == "/graphql"
    )


async def test_a_repeated_query_is_served_without_strawberry_executing_it(
    app: Starlette,
    client: httpx.AsyncClient,
    wallet: Loaders,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a document text no earlier test has sent, and a count of Strawberry's executions
    query = f"{DOCUMENTS['w1_point']}\n# {uuid.uuid4()}"
    schema = graphql_view(app).schema
    executions: list[object] = []
    execute = schema.execute

    async def counted(*args: Any, **kwargs: Any) -> Any:
        executions.append(args)
        return await execute(*args, **kwargs)

    monkeypatch.setattr(schema, "execute", counted)

    # when: it is sent again and again with different variables
    answers = [
        (await client.post("/graphql", json={"query": query, "variables": {"id": id}})).json()
        for id in ("2", "3", "4")
    ]

    negotiated = await client.post(
        "/graphql",
        json={"query": query, "variables": {"id": "5"}},
        headers={"accept": "application/graphql-response+json"},
    )

    # then: Strawberry executed it once; the fast path answered the rest, each for its id,
    # in the media type each client asked for
    assert len(executions) == 1
    assert [a["data"]["user"]["id"] for a in answers] == ["2", "3", "4"]
    assert negotiated.headers["content-type"] == "application/graphql-response+json"
    assert negotiated.json()["data"]["user"]["id"] == "5"


async def test_a_vetted_query_with_variables_that_do_not_coerce_gets_the_normal_error(
    both: Both, wallet: Loaders
) -> None:
    query = "query($limit: Int!) { users(limit: $limit) { id } }"
    await both.same(query, {"limit": 2})

    body = await both.same(query, {"limit": "two"})

    assert "Int cannot represent non-integer value" in body["errors"][0]["message"]


async def test_the_fast_path_leaves_no_rows_for_the_garbage_collector(
    client: httpx.AsyncClient, wallet: Loaders
) -> None:
    # given: a document the normal path has vetted
    query = f"{DOCUMENTS['w2_nested']}\n# {uuid.uuid4()}"
    await client.post("/graphql", json={"query": query, "variables": {"limit": 5}})
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        # when: the fast path serves it
        served = await client.post("/graphql", json={"query": query, "variables": {"limit": 5}})
        gc.collect()
        rows_in_cycles = [found for found in gc.garbage if isinstance(found, Row)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()

    # then: its rows were freed by reference counting, none wait in cycles for the collector
    assert len(served.json()["data"]["users"]) == 5
    assert rows_in_cycles == []
