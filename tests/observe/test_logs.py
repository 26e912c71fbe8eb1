"""One structured line per request, with its id, operation, statements and outcome,
and never a secret or a variable's value."""

from __future__ import annotations

import base64
import json
import logging

import pytest

from gql_server.settings import ObservabilitySettings
from loaders import Loaders
from tests.apps import serving
from tests.factories import make_user

REQUESTS = "mwallet.requests"
POINT = "query OneUser($id: ID!) { user(id: $id) { id email } }"
CREATE_ADDRESS = """mutation AddAddress($input: CreateAddressInput!) {
  createAddress(input: $input) { __typename }
}"""


def lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == REQUESTS]


async def test_a_request_is_one_json_line_with_its_operation_statements_and_outcome(
    database_url: str, loaders: Loaders, caplog: pytest.LogCaptureFixture
) -> None:
    user = await make_user(loaders)
    json_lines = ObservabilitySettings(log_format="json")
    async with serving(database_url, observability=json_lines) as served:
        caplog.set_level(logging.INFO, REQUESTS)
        response = await served.post(POINT, {"id": str(user.id)})

    (line,) = lines(caplog)
    logged = json.loads(line.getMessage())
    assert logged["request_id"] == response.headers["x-request-id"]
    assert {k: logged[k] for k in ("operation", "type", "outcome", "statements", "status")} == {
        "operation": "OneUser",
        "type": "query",
        "outcome": "ok",
        "statements": 1,
        "status": 200,
    }
    assert logged["duration_ms"] > 0 and len(logged["document"]) == 16


async def test_the_clients_request_id_is_kept_and_echoed_and_a_bad_one_replaced(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(database_url) as served:
        caplog.set_level(logging.INFO, REQUESTS)
        body = {"query": "{ __typename }"}
        kept = await served.http.post("/graphql", json=body, headers={"X-Request-Id": "abc-123"})
        bad = await served.http.post("/graphql", json=body, headers={"X-Request-Id": "a b\x7f"})
        none = await served.http.post("/graphql", json=body)

    assert kept.headers["x-request-id"] == "abc-123"
    assert bad.headers["x-request-id"] != "a b\x7f" and len(bad.headers["x-request-id"]) == 32
    assert none.headers["x-request-id"] != bad.headers["x-request-id"]
    assert [
        f"request_id={r.headers['x-request-id']}" in line.getMessage()
        for r, line in zip((kept, bad, none), lines(caplog), strict=True)
    ] == [True] * 3


async def test_a_graphql_error_and_a_refused_request_are_outcomes_of_their_own(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(database_url) as served:
        caplog.set_level(logging.INFO, REQUESTS)
        await served.post('{ user(id: "not a number") { id } }')
        await served.http.post(
            "/graphql", content=b"{", headers={"content-type": "application/json"}
        )

    outcomes = [line.getMessage().split("outcome=")[1].split()[0] for line in lines(caplog)]
    assert outcomes == ["graphql_error", "http_4xx"]


async def test_a_slow_operation_is_a_warning_with_its_document_hash(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    everything_slow = ObservabilitySettings(slow_operation_ms=0)
    async with serving(database_url, observability=everything_slow) as served:
        caplog.set_level(logging.INFO, REQUESTS)
        await served.post("query Slow { users(limit: 1) { id } }")

    (line,) = lines(caplog)
    assert line.levelno == logging.WARNING
    assert "operation=Slow" in line.getMessage() and "slow=True" in line.getMessage()
    assert "document=" in line.getMessage()


async def test_no_log_line_holds_a_secret_or_a_variables_value(
    database_url: str, loaders: Loaders, caplog: pytest.LogCaptureFixture
) -> None:
    user = await make_user(loaders)
    secret_key = "the-account-key-0f9e8d7c"
    password = "correct horse battery staple 42"
    encoded_key = base64.b64encode(secret_key.encode()).decode()
    address = {
        "userId": str(user.id),
        "address": "bc1q-secret-address-7741",
        "network": "bitcoin",
        "accountKey": encoded_key,
    }
    variables: dict[str, object] = {"input": address, "password": password}
    async with serving(database_url) as served:
        caplog.set_level(logging.DEBUG)
        response = await served.post(CREATE_ADDRESS, variables)
    assert response.json()["data"]["createAddress"]["__typename"] == "Address"

    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        for record in caplog.records
    )
    assert lines(caplog)  # the request was logged at all
    for value in (secret_key, encoded_key, password, "bc1q-secret-address"):
        assert value not in logged


async def test_a_path_with_a_line_break_stays_on_one_quoted_line(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(database_url) as served:
        caplog.set_level(logging.INFO, REQUESTS)
        await served.http.get("/graphql%0Aforged=1 status=200")

    (line,) = lines(caplog)
    assert "\n" not in line.getMessage()
    assert 'path="/graphql\\nforged=1 status=200"' in line.getMessage()


async def test_a_clients_bad_variable_is_logged_as_its_mistake_not_as_a_fault(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(database_url) as served:
        caplog.set_level(logging.INFO, "mwallet.graphql")
        await served.post(POINT, {"id": {"not": "an id"}})

    refused = [r for r in caplog.records if r.name == "mwallet.graphql"]
    assert refused and all(r.levelno == logging.INFO for r in refused)
