"""The planned read path answers with exactly the bytes of field-by-field execution.

Two apps share one database: the planner on (`app`) and off (`plain_app`).
Every query is sent to both; bodies must be byte-identical and the planned
path must not need more SQL statements.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from loaders import Loaders
from tests.planner.both_apps import DOCUMENTS, PLANNER_LOG, Both
from tests.query_strategies import queries


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


async def test_changing_a_skip_variable_changes_the_plan(both: Both, wallet: Loaders) -> None:
    query = 'query($s: Boolean!) { user(id: "2") { id email @skip(if: $s) } }'

    shown = await both.same(query, {"s": False})
    hidden = await both.same(query, {"s": True})

    assert shown["data"]["user"] == {"id": "2", "email": "user1@example.com"}
    assert hidden["data"]["user"] == {"id": "2"}


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
