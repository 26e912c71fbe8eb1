"""Strawberry types made from fields chosen at run time (the derived schema).

Strawberry's own `create_type` resolves every field's type as it builds the
class; object types refer to each other through their relations, so here a
class is made first and decorated once all of them exist. The result is what
`@strawberry.type` on a hand-written class gives.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Any

import strawberry

from gql_server.schema.context import Info

# field name -> (annotation, strawberry.field(...)); in the order the schema lists them
Fields = dict[str, tuple[Any, Any]]


def new_class(name: str, fields: Fields) -> type:
    namespace: dict[str, Any] = {key: field for key, (_, field) in fields.items()}
    namespace["__annotations__"] = {key: annotation for key, (annotation, _) in fields.items()}
    return types.new_class(name, exec_body=lambda body: body.update(namespace))


def add_field(cls: type, name: str, annotation: Any, field: Any) -> None:
    setattr(cls, name, field)
    cls.__annotations__[name] = annotation


def new_input(name: str, fields: Fields) -> type:
    return strawberry.input(new_class(name, fields))


def resolver(
    name: str,
    function: Callable[..., Any],
    parameters: dict[str, tuple[Any, Any]],
    returns: Any,
) -> Callable[..., Any]:
    """`function` named `name` and typed `(info, **parameters) -> returns` for Strawberry,
    which reads a resolver's arguments from its signature; `(annotation, default)` per
    parameter, `inspect.Parameter.empty` for none."""
    signature = [inspect.Parameter("info", inspect.Parameter.KEYWORD_ONLY, annotation=Info)]
    signature.extend(
        inspect.Parameter(
            key, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
        )
        for key, (annotation, default) in parameters.items()
    )
    function.__name__ = name
    function.__signature__ = inspect.Signature(signature, return_annotation=returns)  # type: ignore[attr-defined]
    return function
