"""How autogenerate writes our column types into a migration (alembic's `render_item` hook).

Alembic would render a custom type by its Python name (`models.types.Money(...)`), which
the generated file does not import. Instead a migration gets the types the database
actually creates, per backend, as the hand-written 0001 does:

    Money()          -> sa.Numeric(precision=28, scale=8)
                        .with_variant(sa.String(length=30), 'sqlite')
    utc_timestamp()  -> sa.DateTime(timezone=True)

So a migration needs only `sa`, and keeps creating the same columns when `models.types`
later changes or moves (a migration is a record of DDL, not of Python behaviour).
"""

from __future__ import annotations

import importlib
from typing import Any, Literal

import sqlalchemy
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

# The backends the project runs on: PostgreSQL's type is the base, SQLite's a variant.
BASE = postgresql.dialect()
VARIANTS = (sqlite.dialect(),)


def render_item(kind: str, value: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Column types with a part of our own as the database types; anything else
    (False) as alembic renders it."""
    if kind != "type" or not has_own_part(value):
        return False
    base = database_type(value, BASE)
    rendered = render(base, autogen_context)
    for dialect in VARIANTS:
        variant = database_type(value, dialect)
        if repr(variant) != repr(base):
            rendered += f".with_variant({render(variant, autogen_context)}, {dialect.name!r})"
    return rendered


def has_own_part(type_: TypeEngine[Any]) -> bool:
    """Whether `type_`, or a variant of it, is a type SQLAlchemy does not define."""
    types = [type_, *type_._variant_mapping.values()]
    return any(
        isinstance(each, TypeDecorator) or not type(each).__module__.startswith("sqlalchemy.")
        for each in types
    )


def database_type(type_: TypeEngine[Any], dialect: Dialect) -> TypeEngine[Any]:
    """The type `type_` creates its column with on `dialect`: its variant for the dialect,
    and a TypeDecorator's implementation for it, resolved."""
    chosen = type_._variant_mapping.get(dialect.name, type_)
    if isinstance(chosen, TypeDecorator):
        return database_type(chosen.load_dialect_impl(dialect), dialect)
    return nameable(chosen)


def nameable(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    """`type_`, or its generic type when a driver has adapted it into a private class
    (`dialect.type_descriptor(Numeric(...))` gives asyncpg's `AsyncpgNumeric`)."""
    cls = type(type_)
    module = cls.__module__
    if module.startswith("sqlalchemy.dialects."):
        public = importlib.import_module(".".join(module.split(".")[:3]))
    elif module.startswith("sqlalchemy."):
        public = sqlalchemy
    else:
        return type_
    return type_ if getattr(public, cls.__name__, None) is cls else type_.as_generic()


def render(type_: TypeEngine[Any], autogen_context: AutogenContext) -> str:
    """Python source for `type_`, adding the import it needs to the migration."""
    module = type(type_).__module__
    if module.startswith("sqlalchemy.dialects."):
        name = module.split(".")[2]
        autogen_context.imports.add(f"from sqlalchemy.dialects import {name}")
        return f"{name}.{type_!r}"
    if module.startswith("sqlalchemy."):
        prefix = autogen_context.opts.get("sqlalchemy_module_prefix") or "sa."
        return f"{prefix}{type_!r}"
    autogen_context.imports.add(f"import {module}")
    return f"{module}.{type_!r}"
