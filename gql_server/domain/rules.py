"""Domain rules that column metadata cannot express, and the database-backed checks.

A rule names the columns it reads: an update that gives only some of them
loads the current row (through the loaders) to check the merged result.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from gql_server.domain.errors import InvalidInput, RowNotFound
from loaders import Loaders
from models import Address, Base, Order, Transaction, User, model_of

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Scope:
    """Where a check runs: the request's loaders and the id being updated (None on create)."""

    loaders: Loaders
    own_id: int | None


@dataclass(frozen=True)
class Rule:
    columns: tuple[str, ...]
    check: Callable[[Row, Scope], Awaitable[None]]


async def valid_email(row: Row, _: Scope) -> None:
    try:
        validate_email(row["email"], check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput("email", f"is not a valid email address: {error}") from None


async def balance_not_negative(row: Row, _: Scope) -> None:
    if row["address_balance"] < 0:
        raise InvalidInput("address_balance", "must not be negative")


async def one_default_per_network(row: Row, scope: Scope) -> None:
    if not row["is_default"]:
        return
    defaults = await scope.loaders.by_id(Address).filter_by(
        user_id=row["user_id"], network=row["network"], is_default=True
    )
    if any(other.id != scope.own_id for other in defaults):
        raise InvalidInput("is_default", "the user already has a default address on this network")


async def end_not_before_start(row: Row, _: Scope) -> None:
    if row["expected_end"] is not None and row["expected_end"] < row["start"]:
        raise InvalidInput("expected_end", "must not be before start")


async def confirmations_not_negative(row: Row, _: Scope) -> None:
    if row["confirmations"] < 0:
        raise InvalidInput("confirmations", "must not be negative")


async def meta_is_object(row: Row, _: Scope) -> None:
    if row["meta"] is not None and not isinstance(row["meta"], dict):
        raise InvalidInput("meta", "must be a JSON object")


RULES: dict[type[Base], list[Rule]] = {
    User: [Rule(("email",), valid_email)],
    Address: [
        Rule(("address_balance",), balance_not_negative),
        Rule(("is_default", "user_id", "network"), one_default_per_network),
    ],
    Order: [Rule(("start", "expected_end"), end_not_before_start)],
    Transaction: [
        Rule(("confirmations",), confirmations_not_negative),
        Rule(("meta",), meta_is_object),
    ],
}


def rules_touched(model: type[Base], values: Row) -> list[Rule]:
    return [rule for rule in RULES.get(model, []) if set(rule.columns) & set(values)]


def needs_current_row(model: type[Base], values: Row) -> bool:
    """True when an update gives only part of what a rule reads."""
    return any(not set(rule.columns) <= set(values) for rule in rules_touched(model, values))


async def check_rules(model: type[Base], values: Row, merged: Row, scope: Scope) -> None:
    for rule in rules_touched(model, values):
        await rule.check(merged, scope)


async def require_visible(model: type[Base], scope: Scope) -> None:
    """An update of a row the viewer cannot see is refused as missing, whatever else is
    wrong with its input (read only when the input was refused: no statement otherwise)."""
    if scope.own_id is not None and await scope.loaders.by_id(model).load(scope.own_id) is None:
        raise RowNotFound(scope.own_id)


async def check_references(model: type[Base], values: Row, scope: Scope) -> None:
    """Parents named by foreign keys exist; values of unique columns are free."""
    table = model.__table__
    for name, value in values.items():
        column = table.c[name]
        for foreign_key in column.foreign_keys if value is not None else ():
            parent = model_of(foreign_key.column.table)
            if await scope.loaders.by_id(parent).load(value) is None:
                await require_visible(model, scope)
                raise InvalidInput(name, f"no {parent.__name__} with id {value}")
        if column.unique and value is not None:
            # Whoever holds it, the value is taken: asked past the viewer's scope, and
            # answered without a word about the holder.
            holders = await scope.loaders.unscoped.by_id(model).filter_by(**{name: value})
            if any(holder.id != scope.own_id for holder in holders):
                raise InvalidInput(name, "is already taken")
