"""Production mode hides the schema's shape; the errors a client acts on stay readable."""

from __future__ import annotations

import pytest

from gql_server.settings import Settings
from tests.apps import serving
from tests.conftest import SUITE_JWT_SECRET, operation

INTROSPECTION = "{ __schema { types { name } } }"
MISSPELLED = [
    pytest.param("{ usres { id } }", id="field"),
    pytest.param("{ users(limt: 1) { id } }", id="argument"),
    pytest.param("{ orders(where: { asset: BITCOI }) { id } }", id="enum"),
    pytest.param("{ users { id emial } }", id="nested-field"),
]


@pytest.mark.parametrize("query", MISSPELLED)
async def test_production_strips_did_you_mean_from_every_message(
    database_url: str, query: str
) -> None:
    async with serving(database_url) as development:
        assert "Did you mean" in (await development.post(query)).text
    async with serving(database_url, production=True) as production:
        response = await production.post(query)
        assert response.status_code == 200
        messages = [error["message"] for error in response.json()["errors"]]
        assert messages and all(messages), messages
        assert "Did you mean" not in response.text
        assert production.sql.count == 0


async def test_production_refuses_introspection(database_url: str) -> None:
    async with serving(database_url) as development:
        assert (await development.post(INTROSPECTION)).json()["data"]["__schema"]["types"]
    async with serving(database_url, production=True) as production:
        body = (await production.post(INTROSPECTION)).json()
        assert body["data"] is None
        assert "introspection" in body["errors"][0]["message"].lower()


async def test_production_serves_no_graphiql(database_url: str) -> None:
    headers = {"accept": "text/html"}
    async with serving(database_url) as development:
        page = await development.http.get("/graphql", headers=headers)
        assert page.status_code == 200 and "graphiql" in page.text.lower()
    async with serving(database_url, production=True) as production:
        assert (await production.http.get("/graphql", headers=headers)).status_code == 404


async def test_production_keeps_validation_and_typed_errors_readable(database_url: str) -> None:
    async with serving(database_url, production=True) as production:
        invalid = (await production.post("{ users(limit: 1000) { id } }")).json()
        assert invalid["errors"][0]["message"] == "limit must be between 0 and 100, got 1000"
        bad_type = (await production.post('{ users(limit: "x") { id } }')).json()
        assert "Int cannot represent non-integer value" in bad_type["errors"][0]["message"]
        created = await production.post(
            operation("CreateUser"),
            {"input": {"name": "Ada", "surname": "Lovelace", "email": "not-an-email"}},
        )
        result = created.json()["data"]["result"]
        assert result["__typename"] == "ValidationError"
        assert result["field"] == "email"


@pytest.mark.parametrize(
    ("env", "production"),
    [
        ({}, False),
        ({"MWALLET_ENV": "production"}, True),
        ({"MWALLET_ENV": "Production", "MWALLET_PRODUCTION": "off"}, False),
        ({"MWALLET_PRODUCTION": "1"}, True),
    ],
)
def test_production_mode_defaults_on_when_mwallet_env_is_production(
    env: dict[str, str], production: bool
) -> None:
    settings = Settings.from_env({**env, "MWALLET_JWT_SECRET": SUITE_JWT_SECRET})
    assert settings.production is production
    assert settings.graphiql is not production
