"""A connection's `filter` (operator filters) checked and turned into plain data.

The input nests `and`, `or` and `not`; here it becomes the tree `loaders/operators.py`
turns into SQL, after the checks a client can act on: at most `MAX_DEPTH` levels of
nesting, `MAX_OPERANDS` operands in an `and` or `or`, `MAX_VALUES` values in `in` and
`notIn`, no null where a value is needed (`isNull` asks for NULLs), ids parsed as
everywhere else and text a database can hold.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Column, Table
from strawberry import UNSET
from strawberry.utils.str_converters import to_camel_case

from gql_server.domain.cursors import MONEY_QUANTUM, int_bits
from gql_server.domain.errors import BadRequest, InvalidInput
from gql_server.domain.paging import MAX_LIMIT
from gql_server.domain.validation import parse_id

MAX_DEPTH = 5
MAX_OPERANDS = 20
MAX_VALUES = MAX_LIMIT
LOGICAL = {"and_": "and", "or_": "or", "not_": "not"}
LISTS = ("in_", "not_in")


def where_tree(
    table: Table, where: object | None, path: str = "filter", depth: int = 0
) -> dict[str, Any]:
    """The tree of `where` (an `XWhere` input; fields left out are UNSET)."""
    if where is None:
        return {}
    if depth > MAX_DEPTH:
        raise BadRequest(f"{path} nests and, or and not more than {MAX_DEPTH} deep")
    tree: dict[str, Any] = {}
    for name, value in vars(where).items():
        if value is UNSET:
            continue
        here = f"{path}.{to_camel_case(LOGICAL.get(name, name))}"
        if name in ("and_", "or_"):
            if value is None:
                raise BadRequest(f"{here} may not be null; leave it out")
            if len(value) > MAX_OPERANDS:
                raise BadRequest(f"{here} has {len(value)} operands, more than {MAX_OPERANDS}")
            tree[LOGICAL[name]] = [
                where_tree(table, item, f"{here}[{i}]", depth + 1) for i, item in enumerate(value)
            ]
        elif name == "not_":
            if value is None:
                raise BadRequest(f"{here} may not be null; leave it out")
            tree["not"] = where_tree(table, value, here, depth + 1)
        elif value is not None:
            tree[name] = operators(table, name, value, here)
    return tree


def operators(table: Table, column: str, given: object, path: str) -> dict[str, Any]:
    """`{operator: value}` of one column's operator input."""
    found: dict[str, Any] = {}
    target = table.c[column]
    for name, value in vars(given).items():
        if value is UNSET:
            continue
        operator = name.rstrip("_")
        here = f"{path}.{to_camel_case(operator)}"
        if value is None:
            raise BadRequest(f"{here} may not be null; use isNull to ask for null values")
        if name in LISTS:
            if len(value) > MAX_VALUES:
                raise BadRequest(f"{here} has {len(value)} values, more than {MAX_VALUES}")
            found[operator] = [checked(target, v, here) for v in value]
        elif operator == "is_null":
            found[operator] = value
        else:
            found[operator] = checked(target, value, here)
    return found


def checked(column: Column[Any], value: Any, path: str) -> Any:
    """`value` as `column` can hold it, or a `BadRequest` (never a database error)."""
    if column.primary_key or column.foreign_keys:
        try:
            return parse_id(value)
        except InvalidInput as invalid:
            raise BadRequest(f"{path} {invalid.message}") from None
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            raise BadRequest(f"{path} is not valid UTF-8 text") from None
        if "\x00" in value:
            raise BadRequest(f"{path} may not contain NUL characters")
    elif isinstance(value, int) and not isinstance(value, bool):
        bound = 2 ** (int_bits(column) - 1)
        if not -bound <= value < bound:
            raise BadRequest(f"{path} is out of range for {to_camel_case(column.key)}")
    elif isinstance(value, Decimal):
        try:
            if not value.is_finite():
                raise InvalidOperation
            return value.quantize(MONEY_QUANTUM)
        except InvalidOperation:
            raise BadRequest(f"{path} is out of range for {to_camel_case(column.key)}") from None
    return value
