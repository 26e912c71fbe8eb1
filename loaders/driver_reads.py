"""Reads on PostgreSQL run on asyncpg itself: SQLAlchemy builds and compiles, asyncpg executes.

SQLAlchemy's execution of one read (execution context, cursor adapter, result
machinery) costs about 140 µs of CPU where the same prepared statement costs asyncpg
57 µs (`python -m bench.read_path`). So on PostgreSQL each read statement, still built
with SQLAlchemy Core, is compiled once by the engine's dialect (`driver_statement`,
keyed by the statement object, bounded) and its SQL runs as a prepared statement on
the asyncpg connection under the pooled one, prepared once per connection. Parameters
stay bound, in the compiled order, converted by their types' own bind processors.
Rows are SQLAlchemy `Row`s whose values went through their column types' own result
processors, so callers see exactly what SQLAlchemy returns (enums, numerics, JSON,
timestamps). Writes stay on sessions; SQLite reads through SQLAlchemy.

An error from asyncpg is translated by SQLAlchemy's own handling (`_as_sqlalchemy_error`),
so it reaches callers as the same `DBAPIError`, and a dead connection is invalidated as
SQLAlchemy would (`loaders/reconnect.py` retries the read once).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn
from weakref import WeakKeyDictionary

from sqlalchemy import BindParameter, ClauseElement, Connection, Dialect, Engine, Executable, Row
from sqlalchemy.engine.result import result_tuple
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import greenlet_spawn

AnyRow = Row[Any]
Processor = Callable[[Any], Any]
# Told of each read sent on the driver (its SQL, with placeholders, and its positional
# values) as SQLAlchemy's `before_cursor_execute` is of what SQLAlchemy sends; what it
# returns, if anything, is called when the read ends (with its error, if any).
ReadObserver = Callable[[str, tuple[Any, ...]], Callable[[BaseException | None], None] | None]

_observers: WeakKeyDictionary[Engine, list[ReadObserver]] = WeakKeyDictionary()


def observe_reads(engine: Engine, observer: ReadObserver) -> None:
    """`observer` hears every read `engine`'s connections send on the driver."""
    _observers.setdefault(engine, []).append(observer)


def stop_observing_reads(engine: Engine, observer: ReadObserver) -> None:
    _observers.get(engine, []).remove(observer)


STATEMENTS = 512  # compiled statements kept per process (clients' queries choose projections)
PREPARED = 256  # prepared statements kept per connection
PREPARED_KEY = "mwallet_prepared_reads"


class DriverStatement:
    """One statement compiled for the driver: its SQL, its parameters in positional
    order and how to build its rows."""

    def __init__(self, stmt: ClauseElement, dialect: Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None:
            raise TypeError(f"not a positional SQL statement: {stmt!r}")
        selected = getattr(stmt, "selected_columns", None)
        if selected is None:
            raise TypeError(f"reads are SELECT statements: {stmt!r}")
        self.stmt = stmt  # held, so that the cache's key (its id) stays its own
        self.dialect = dialect
        self.sql = compiled.string
        self.binds: tuple[BindParameter[Any], ...] = tuple(
            compiled.binds[name] for name in compiled.positiontup
        )
        self.bind_processors = tuple(
            bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in self.binds
        )
        self.column_types = tuple(column.type for column in selected)
        self.make_row: Callable[[Iterable[Any]], AnyRow] = result_tuple(list(selected.keys()))
        # Result processors may depend on the column's type on the wire (its oid): set
        # at the first read, from the prepared statement's attributes.
        self.result_processors: tuple[tuple[int, Processor], ...] | None = None

    def values(self, parameters: Mapping[str, Any] | None) -> list[Any]:
        """The statement's parameters in positional order, as the driver takes them."""
        given = parameters or {}
        values = []
        for bind, process in zip(self.binds, self.bind_processors, strict=True):
            if bind.key in given:
                value = given[bind.key]
            elif bind.required:
                raise KeyError(f"a value is required for bind parameter {bind.key!r}")
            else:
                value = bind.effective_value
            values.append(value if process is None else process(value))
        return values

    def processors_for(self, prepared: Any) -> tuple[tuple[int, Processor], ...]:
        """The columns whose values need processing, with their types' result processors
        (some depend on the column's type on the wire, its oid, that `prepared` knows)."""
        processors = self.result_processors
        if processors is None:
            dialect = self.dialect
            oids = [attribute.type.oid for attribute in prepared.get_attributes()]
            found = (
                kind.dialect_impl(dialect).result_processor(dialect, oid)
                for kind, oid in zip(self.column_types, oids, strict=True)
            )
            processors = self.result_processors = tuple(
                (index, process) for index, process in enumerate(found) if process is not None
            )
        return processors

    def rows(self, records: Sequence[Any], prepared: Any) -> list[AnyRow]:
        processors = self.processors_for(prepared)
        make_row = self.make_row
        if not processors:
            return [make_row(record) for record in records]
        rows = []
        for record in records:
            values = list(record)
            for index, process in processors:
                value = values[index]
                if value is not None:
                    values[index] = process(value)
            rows.append(make_row(values))
        return rows


_compiled: OrderedDict[tuple[int, int], DriverStatement] = OrderedDict()


def driver_statement(stmt: Executable, dialect: Dialect) -> DriverStatement:
    """`stmt` compiled for `dialect`, once per statement object (the most recent
    `STATEMENTS` kept): the loaders build each of their statements once."""
    key = (id(stmt), id(dialect))
    found = _compiled.get(key)
    if found is not None and found.stmt is stmt and found.dialect is dialect:
        _compiled.move_to_end(key)
        return found
    if not isinstance(stmt, ClauseElement):
        raise TypeError(f"not a SQL statement: {stmt!r}")
    found = _compiled[key] = DriverStatement(stmt, dialect)
    if len(_compiled) > STATEMENTS:
        _compiled.popitem(last=False)
    return found


async def fetch_on_driver(
    connection: Connection, stmt: Executable, parameters: Mapping[str, Any] | None
) -> list[AnyRow]:
    """The rows of `stmt` read by asyncpg on `connection`'s own driver connection."""
    statement = driver_statement(stmt, connection.dialect)
    values = statement.values(parameters)
    pooled = connection.connection
    prepared_here: OrderedDict[str, Any] = pooled.info.setdefault(PREPARED_KEY, OrderedDict())
    observers = _observers.get(connection.engine)
    if observers:
        return await _observed(observers, connection, statement, values, prepared_here)
    return await _fetch(connection, statement, values, prepared_here)


async def _observed(
    observers: list[ReadObserver],
    connection: Connection,
    statement: DriverStatement,
    values: list[Any],
    prepared_here: OrderedDict[str, Any],
) -> list[AnyRow]:
    ends = [observer(statement.sql, tuple(values)) for observer in list(observers)]
    error: BaseException | None = None
    try:
        return await _fetch(connection, statement, values, prepared_here)
    except BaseException as failed:
        error = failed
        raise
    finally:
        for end in ends:
            if end is not None:
                end(error)


async def _fetch(
    connection: Connection,
    statement: DriverStatement,
    values: list[Any],
    prepared_here: OrderedDict[str, Any],
) -> list[AnyRow]:
    pooled = connection.connection
    try:
        prepared = prepared_here.get(statement.sql)
        if prepared is None:
            driver: Any = pooled.driver_connection  # asyncpg's own connection
            prepared = await driver.prepare(statement.sql)
            prepared_here[statement.sql] = prepared
            if len(prepared_here) > PREPARED:
                prepared_here.popitem(last=False)  # asyncpg deallocates it when collected
        records = await prepared.fetch(*values)
    except Exception as error:
        prepared_here.pop(statement.sql, None)  # prepared afresh next time
        await greenlet_spawn(_as_sqlalchemy_error, connection, statement.sql, values, error)
        raise  # not reached: the line above raises
    except BaseException:
        # Cancelled mid-read: the driver connection may still be busy with it, so
        # it is not read on again (`RequestReads` closes an invalidated connection).
        connection.invalidate()
        raise
    return statement.rows(records, prepared)


def _as_sqlalchemy_error(
    connection: Connection, sql: str, values: list[Any], error: Exception
) -> NoReturn:
    """Raise `error` as SQLAlchemy would have: the dialect's DBAPI translation, then
    the connection's handling, which wraps it in a `DBAPIError` and invalidates a dead
    connection. Both are private; `tests/loaders/test_driver_reads.py` fails on an
    upgrade that changes them."""
    adapted = connection.connection.dbapi_connection
    try:
        adapted._handle_exception(error)  # type: ignore[union-attr]
    except Exception as translated:
        connection._handle_dbapi_exception(translated, sql, values, None, None)
    raise error
