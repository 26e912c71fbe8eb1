"""The matrix covers the whole schema: every root field, relation field, mutation and
object type a client can reach has a rule in `rules.py`, and every rule a field. A
field or type added without deciding what each role gets from it fails here."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLSchema, get_named_type, is_list_type

from tests.identity.rules import (
    CONNECTION_TYPES,
    CONNECTIONS,
    GRANTS,
    MODELS,
    MUTATIONS,
    RELATIONS,
    RESULT_TYPES,
    ROOT_FIELDS,
)
from tests.identity.schema_fields import (
    mutation_fields,
    reachable_types,
    relation_fields,
    root_fields,
)


def test_every_root_field_has_a_rule(schema: GraphQLSchema) -> None:
    fields = root_fields(schema)

    assert set(fields) == set(ROOT_FIELDS) | set(CONNECTIONS), (
        "root fields without a rule, or rules without one"
    )
    for name, (model, many) in ROOT_FIELDS.items():
        assert get_named_type(fields[name].type).name == model, name
        assert is_list_type(getattr(fields[name].type, "of_type", None)) == many, name
    for name, model in CONNECTIONS.items():
        assert get_named_type(fields[name].type).name == f"{model}Connection", name


def test_every_relation_field_has_a_rule(schema: GraphQLSchema) -> None:
    assert relation_fields(schema) == RELATIONS


def test_every_mutation_has_a_rule(schema: GraphQLSchema) -> None:
    assert set(mutation_fields(schema)) == set(MUTATIONS)


def test_every_type_a_client_reaches_is_a_model_or_a_write_result(
    schema: GraphQLSchema,
) -> None:
    assert set(reachable_types(schema)) == set(MODELS) | RESULT_TYPES | CONNECTION_TYPES


def test_every_role_has_a_rule_for_every_model(schema: GraphQLSchema) -> None:
    role = schema.get_type("Role")
    assert isinstance(role, GraphQLEnumType)
    roles = set(role.values)

    assert roles == {"CUSTOMER", "SERVICE", "OPERATOR"}
    assert set(GRANTS) == {(r, m) for r in roles for m in MODELS}
    user = schema.get_type("User")
    assert get_named_type(user.fields["role"].type) is role  # type: ignore[union-attr]
