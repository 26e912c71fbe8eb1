"""Comparing the planned read path with field-by-field execution.

Two apps share one database: the planner on (`app`) and off (`plain_app`).
`Both` sends a query to each; bodies must be byte-identical and the planned
path must not need more SQL statements.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import OPERATIONS, StatementCounter

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
