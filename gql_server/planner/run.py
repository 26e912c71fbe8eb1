"""Run a plan breadth-first: one loader batch per relationship per level, then plain dicts.

The same per-request loaders (and so the same caches and statements) serve as
in field-by-field execution. Anything unexpected at run time (a null where the
schema promises a value, an argument the resolver would refuse) raises
`Fallback`, and the request is executed field by field instead.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any, TypeVar

from graphql.execution.values import VariableValues, get_argument_values

from gql_server.domain.errors import BadRequest, InvalidInput
from gql_server.domain.paging import check_page, filters
from gql_server.domain.validation import parse_id
from gql_server.planner.builders import compile_builder
from gql_server.planner.nodes import Builder, Plan, Root, Selection, Step, TypeName
from loaders import AnyRow, IdLoader, LoaderKey, Loaders
from loaders.page_loader import PageKey

# Rows whose relation `step` is still to load, and the objects waiting for it, by step.
Waiting = list[tuple[AnyRow, dict[str, Any]]]
Pending = dict[Step, Waiting]


T = TypeVar("T")


class Fallback(Exception):
    """The planned run met something only field-by-field execution reports exactly."""


async def run_plan(plan: Plan, loaders: Loaders, variables: VariableValues) -> dict[str, Any]:
    if not all(loaders.may(model) for model in plan.models):
        raise Fallback("the viewer may not read every type the query asks for")
    loaders = loaders.narrowed(plan.projection)  # rows of the columns the plan reads, no more
    fetched = await fetch_roots([r for r in plan.roots if isinstance(r, Root)], loaders, variables)
    data: dict[str, Any] = {}
    pending: Pending = defaultdict(list)
    for planned in plan.roots:
        if isinstance(planned, TypeName):
            data[planned.key] = planned.name
            continue
        found = fetched[planned.key]
        if planned.lookup.many:
            data[planned.key] = build_all(planned.selection, found, pending)
        elif found is None:
            data[planned.key] = None if planned.nullable else fail("null root")
        else:
            data[planned.key] = build(planned.selection, found, pending)
    while pending:
        pending = await complete_level(pending, loaders)
    return data


async def fetch_roots(
    roots: list[Root], loaders: Loaders, variables: VariableValues
) -> dict[str, Any]:
    """The same reads (and refusals) as the root resolvers (`domain/paging.py`), batched as
    theirs are: all point lookups of one loader are ONE `load_all`, and all its pages
    one `pages` (adjacent ones merged), with no Future or scheduled dispatch per root.
    A lone read is awaited as it is, without a task."""
    ids: dict[IdLoader, dict[str, int]] = defaultdict(dict)  # loader -> root key -> id
    pages: dict[IdLoader, dict[str, PageKey]] = defaultdict(dict)  # loader -> root key -> page
    for root in roots:
        details = root.details[0]
        arguments = get_argument_values(
            root.field, details.node, variables, details.fragment_variable_values
        )
        loader = loaders.by_id(root.lookup.model)
        try:
            if not root.lookup.many:
                ids[loader][root.key] = parse_id(arguments["id"])
                continue
            skip, limit = arguments["skip"], arguments["limit"]
            check_page(skip, limit)
            where = arguments.get("where") or {}
            given = {root.filter_names[column]: value for column, value in where.items()}
            pages[loader][root.key] = loader.page_key(skip, limit, filters(loader, given))
        except (BadRequest, InvalidInput) as refused:
            raise Fallback(str(refused)) from None
    reads = [read_all(loader.load_all, wanted) for loader, wanted in ids.items()]
    reads.extend(read_all(loader.pages, wanted) for loader, wanted in pages.items())
    found: dict[str, Any] = {}
    for part in await all_of(reads):
        found.update(part)
    return found


async def all_of(reads: Sequence[Awaitable[T]]) -> list[T]:
    """Every result; a lone read is awaited as it is, where `gather` would make a task."""
    if len(reads) == 1:
        return [await reads[0]]
    return list(await asyncio.gather(*reads))


async def read_all(
    read: Callable[[list[Any]], Awaitable[list[Any]]], wanted: dict[str, Any]
) -> dict[str, Any]:
    """`read` once for the distinct keys `wanted` by root; each root's value."""
    distinct = list(dict.fromkeys(wanted.values()))
    by_key = dict(zip(distinct, await read(distinct), strict=True))
    return {root: by_key[key] for root, key in wanted.items()}


def build(selection: Selection, row: AnyRow, pending: Pending) -> dict[str, Any]:
    """The response object for `row`; relationships are left for the next level."""
    return builder_for(selection, row)(row, pending)


def build_all(selection: Selection, rows: list[AnyRow], pending: Pending) -> list[dict[str, Any]]:
    """`build` for every row of a list, the builder looked up once."""
    if not rows:
        return []
    builder = builder_for(selection, rows[0])
    return [builder(row, pending) for row in rows]


def builder_for(selection: Selection, row: AnyRow) -> Builder:
    """The selection's compiled builder, compiled on the first row it meets."""
    builder = selection.builder
    if builder is None:
        builder = selection.builder = compile_builder(selection, row._fields, fail)
    return builder


async def complete_level(pending: Pending, loaders: Loaders) -> Pending:
    """Load every relationship of this level: ONE batch per loader, whatever the number
    of rows and of fields that use it, and no Future per key (`LevelLoader.load_all`)."""
    keys = {step: parent_keys(step, waiting) for step, waiting in pending.items()}
    by_loader: dict[LoaderKey, list[Step]] = defaultdict(list)
    for step in pending:
        by_loader[step.loader].append(step)
    distinct = [
        list(dict.fromkeys(chain.from_iterable(keys[step] for step in steps)))
        for steps in by_loader.values()
    ]
    reads = [
        loaders.level(key).load_all(wanted) for key, wanted in zip(by_loader, distinct, strict=True)
    ]
    loaded = await all_of(reads)
    next_level: Pending = defaultdict(list)
    for steps, wanted, values in zip(by_loader.values(), distinct, loaded, strict=True):
        by_key = dict(zip(wanted, values, strict=True))
        for step in steps:
            fill(step, pending[step], [by_key[key] for key in keys[step]], next_level)
    return next_level


def fill(step: Step, waiting: Waiting, results: list[Any], next_level: Pending) -> None:
    """Put each row's loaded relation, built, into the object waiting for it."""
    name, selection = step.key, step.selection
    if step.many:
        for (_, out), children in zip(waiting, results, strict=True):
            out[name] = build_all(selection, children, next_level)
        return
    # A parent reached from many rows (the order of 4 transactions) is built once per
    # field and shared: the same bytes, and its own relations are loaded once.
    shared: dict[int, dict[str, Any]] = {}
    for (_, out), parent in zip(waiting, results, strict=True):
        if parent is None:
            out[name] = None if step.nullable else fail("null relation")
            continue
        built = shared.get(id(parent))
        if built is None:
            built = shared[id(parent)] = build(selection, parent, next_level)
        out[name] = built


def parent_keys(step: Step, waiting: Waiting) -> list[Any]:
    """Each waiting row's key for `step`, read by position (cheaper than by name)."""
    read = itemgetter(waiting[0][0]._fields.index(step.parent_key))
    return [read(row) for row, _ in waiting]


def fail(reason: str) -> Any:
    raise Fallback(reason)
