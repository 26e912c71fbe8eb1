"""The schema is a contract: the checked-in SDL is the code's, and secrets have no field."""

from __future__ import annotations

from pathlib import Path

from gql_server.schema.build import schema
from tests.conftest import GraphQLClient

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"

INTROSPECT_FIELDS = """{
  __schema { types { name kind fields { name } inputFields { name } } }
}"""


def test_schema_file_is_what_the_code_exports() -> None:
    assert SCHEMA_FILE.read_text() == schema.as_str() + "\n", (
        "schema.graphql is out of date: run `make schema` and commit it"
    )


async def test_account_key_appears_in_no_output_type(gql: GraphQLClient) -> None:
    types = (await gql(INTROSPECT_FIELDS))["__schema"]["types"]

    output_fields = {
        (t["name"], f["name"])
        for t in types
        if t["kind"] in {"OBJECT", "INTERFACE"}
        for f in t["fields"] or []
    }
    input_fields = {
        (t["name"], f["name"])
        for t in types
        if t["kind"] == "INPUT_OBJECT"
        for f in t["inputFields"] or []
    }

    assert not [pair for pair in output_fields if "accountkey" in pair[1].lower()]
    assert ("CreateAddressInput", "accountKey") in input_fields  # accepted, never returned


async def test_the_contract_names_the_issue_promises(gql: GraphQLClient) -> None:
    types = {t["name"]: t for t in (await gql(INTROSPECT_FIELDS))["__schema"]["types"]}

    assert {
        "DateTime",
        "Decimal",
        "JSON",
        "Base64",
        "OrderType",
        "AssetType",
        "Error",
        "ValidationError",
        "NotFoundError",
        "StaleDataError",
        "InUseError",
        "Deleted",
        "UserResult",
        "AddressResult",
        "OrderResult",
        "TransactionResult",
        "DeleteResult",
    } <= set(types)
    assert [f["name"] for f in types["StaleDataError"]["fields"]] == ["message", "id", "lastchange"]
