"""Documents built to exhaust the server are refused while validating: no SQL runs."""

from __future__ import annotations

from typing import cast

import httpx
import pytest

from tests.apps import serving
from tests.conftest import OPERATOR_ID, GraphQLClient, StatementCounter, made, operation

OPERATOR = {"id": str(OPERATOR_ID)}  # the suite's operator: the one user a test starts with


async def refused(client: httpx.AsyncClient, sql: StatementCounter, query: str) -> str:
    """The one error message of a refused document; asserts that no statement ran."""
    sql.reset()
    response = await client.post("/graphql", json={"query": query})
    body = response.json()
    assert body.get("data") is None, body
    assert len(body["errors"]) >= 1, body
    assert sql.count == 0, sql.statements
    return " ".join(error["message"] for error in body["errors"])


def nested(depth: int) -> str:
    """`users { orders { user { orders { ... } } } }` with `depth` levels of objects."""
    fields = ["users", *["orders", "user"] * depth][:depth]
    return "{ " + " { ".join(fields) + " { id" + " }" * depth + " }"


async def test_query_deeper_than_ten_levels_is_refused(database_url: str) -> None:
    async with serving(database_url, max_cost=10**9) as served:
        allowed = (await served.post(nested(10))).json()
        assert allowed == {"data": {"users": [{"orders": []}]}}  # the operator's
        served.sql.reset()
        body = (await served.post(nested(11))).json()
        assert "exceeds maximum operation depth of 10" in body["errors"][0]["message"]
        assert served.sql.count == 0


async def test_more_than_thirty_aliases_are_refused(
    client: httpx.AsyncClient, sql: StatementCounter, gql: GraphQLClient
) -> None:
    def aliased(n: int) -> str:
        return "{ users(limit: 1) { " + " ".join(f"a{i}: id" for i in range(n)) + " } }"

    await gql(aliased(30))
    assert "31 aliases found. Allowed: 30" in await refused(client, sql, aliased(31))


async def test_aliases_are_counted_through_fragment_spreads(
    client: httpx.AsyncClient, sql: StatementCounter
) -> None:
    fragment = "fragment Many on User { " + " ".join(f"f{i}: id" for i in range(16)) + " }"
    query = "{ users(limit: 1) { ...Many again: orders { id } } a: users { ...Many } } " + fragment
    assert "aliases found. Allowed: 30" in await refused(client, sql, query)


async def test_more_than_two_thousand_tokens_are_refused(
    client: httpx.AsyncClient, sql: StatementCounter, gql: GraphQLClient
) -> None:
    def tokens(n: int) -> str:
        """Exactly `n` tokens: 10 around the selection, 9 per fragment, 1 per extra `id`."""
        fragments = (n - 10) // 9
        spreads = " ".join(f"...F{i}" for i in range(fragments))
        extra_ids = "id " * (n - 10 - 9 * fragments)
        definitions = " ".join(f"fragment F{i} on User {{ id }}" for i in range(fragments))
        return f"{{ users(limit: 1) {{ {extra_ids}{spreads} }} }} {definitions}"

    await gql(tokens(2_000))
    assert "more than 2000 tokens" in await refused(client, sql, tokens(2_001))


FAN_OUT = "{ users(limit: 100) { orders { transactions { order { user { orders { id } } } } } } }"


async def test_fan_out_over_the_cost_limit_is_refused(
    client: httpx.AsyncClient, sql: StatementCounter
) -> None:
    assert "more than the limit of 5000" in await refused(client, sql, FAN_OUT)


async def test_a_page_size_given_as_a_variable_costs_the_largest_page(
    client: httpx.AsyncClient, sql: StatementCounter, gql: GraphQLClient
) -> None:
    # given: a fan-out that is cheap with a small literal page
    deep = "{ users(limit: 5) { orders { transactions { order { user { id } } } } } }"
    await gql(deep)
    sql.reset()

    # when: the page size comes from a variable (any value, or a default)
    variable = deep.replace("{ users(limit: 5)", "query($n: Int!) { users(limit: $n)")
    response = await client.post("/graphql", json={"query": variable, "variables": {"n": 5}})
    by_default = deep.replace("{ users(limit: 5)", "query($n: Int = 5) { users(limit: $n)")

    # then: it is priced at the largest page the field accepts, whatever the request says,
    # so the verdict depends on the document alone (and is safe to cache with it)
    assert "more than the limit" in response.json()["errors"][0]["message"]
    assert "more than the limit" in await refused(client, sql, by_default)
    assert sql.count == 0


async def test_a_full_page_of_users_with_their_wallets_is_within_the_cost_limit(
    gql: GraphQLClient,
) -> None:
    assert made((await gql(operation("UserPage"), {"limit": 100}))["users"]) == []


async def test_circular_fragments_are_a_validation_error_not_a_crash(
    client: httpx.AsyncClient, sql: StatementCounter
) -> None:
    query = """
        { users { ...A } }
        fragment A on User { orders { user { ...B } } }
        fragment B on User { id ...A }
    """
    assert "Cannot spread fragment 'A' within itself" in await refused(client, sql, query)


async def test_self_spreading_fragment_is_a_validation_error(
    client: httpx.AsyncClient, sql: StatementCounter
) -> None:
    query = "{ users { ...Loop } } fragment Loop on User { id ...Loop }"
    assert "within itself" in await refused(client, sql, query)


@pytest.mark.parametrize("size", [300 * 1024, 2 * 1024 * 1024])
async def test_body_over_256_kib_is_refused_with_413(
    client: httpx.AsyncClient, sql: StatementCounter, size: int
) -> None:
    body = b'{"query": "{ users { id } }", "padding": "' + b"x" * size + b'"}'
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "exceeds 262144 bytes" in response.json()["errors"][0]["message"]
    assert sql.count == 0


async def test_chunked_body_over_the_limit_is_refused_while_streaming(
    client: httpx.AsyncClient, sql: StatementCounter
) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"query": "{ users { id } }", "padding": "'
        for _ in range(100):
            yield b"x" * 4096
        yield b'"}'

    body = chunks()
    try:
        response = await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
    finally:
        # The server stopped reading part way: close the generator now, or a later
        # collector pass finalizes it wherever it runs (inside a deep recursion it fails).
        await body.aclose()
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert sql.count == 0


async def test_body_within_the_limit_is_served(client: httpx.AsyncClient) -> None:
    padding = "#" + "x" * (200 * 1024) + "\n"
    response = await client.post("/graphql", json={"query": padding + "{ users { id } }"})
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"users": [OPERATOR]}}


MALFORMED = [
    pytest.param(b"[" * 100_000, "application/json", id="deeply-nested-array"),
    pytest.param(b"{" * 100_000, "application/json", id="deeply-nested-object"),
    # a run of 19+ digits sends the body to the standard decoder (exact big integers)
    pytest.param(b"[" * 100_000 + b"12345678901234567890", "application/json", id="deep-long-int"),
    pytest.param(b"42", "application/json", id="number"),
    pytest.param(b"null", "application/json", id="null"),
    pytest.param(b'"x"', "application/json", id="string"),
    pytest.param(b"[1, 2]", "application/json", id="array-of-numbers"),
    pytest.param(b"{query: }", "application/json", id="not-json"),
    pytest.param(b"\xff\xfe\x00", "application/json", id="not-utf8"),
    pytest.param(b"", "application/json", id="empty"),
    pytest.param(b'{"query": 42}', "application/json", id="query-not-a-string"),
    pytest.param(b'{"query": "{ users { id } }", "variables": 1}', "application/json", id="vars"),
    pytest.param(b'{"query": "{ users { id } }"}', "application/xml", id="wrong-content-type"),
    pytest.param(b'{"query": "{ users { id } }"}', "", id="no-content-type"),
]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_malformed_body_gets_400_with_a_graphql_error(
    client: httpx.AsyncClient, sql: StatementCounter, body: bytes, content_type: str
) -> None:
    response = await client.post("/graphql", content=body, headers={"content-type": content_type})
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert isinstance(errors[0]["message"], str) and errors[0]["message"]
    assert "Traceback" not in response.text
    assert sql.count == 0


async def test_malformed_bodies_get_400_once_a_document_is_vetted_too(
    database_url: str,
) -> None:
    async with serving(database_url) as served:
        await served.post("{ users { id } }")  # vetted: plain requests now try the fast path
        for param in MALFORMED[:3]:
            body, content_type = cast(tuple[bytes, str], param.values)
            response = await served.http.post(
                "/graphql", content=body, headers={"content-type": content_type}
            )
            assert response.status_code == 400, (param.id, response.text)


async def test_batched_operations_are_refused_by_default(
    client: httpx.AsyncClient, sql: StatementCounter
) -> None:
    batch = [{"query": "{ users { id } }"}, {"query": "{ orders { id } }"}]
    response = await client.post("/graphql", json=batch)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Batching is not enabled"
    assert sql.count == 0


async def test_batching_when_enabled_is_capped(database_url: str) -> None:
    async with serving(database_url, max_batch=3) as served:
        three = [{"query": "{ users { id } }"}] * 3
        response = await served.http.post("/graphql", json=three)
        assert response.json() == [{"data": {"users": [OPERATOR]}}] * 3
        served.sql.reset()
        response = await served.http.post("/graphql", json=three + three[:1])
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"] == "Too many operations"
        assert served.sql.count == 0
