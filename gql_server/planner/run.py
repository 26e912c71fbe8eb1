"""Run a plan breadth-first: one loader batch per relationship per level, then plain dicts.

The same per-request loaders (and so the same caches and statements) serve as
in field-by-field execution. Anything unexpected at run time (a null where the
schema promises a value, an argument the resolver would refuse) raises
`Fallback`, and the request is executed field by field instead.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from operator import itemgetter
from typing import Any

from graphql.execution.executor import Executor
from graphql.execution.values import get_argument_values

from gql_server.planner.builders import compile_builder
from gql_server.planner.plan import Plan, Root, Selection, Step, TypeName
from gql_server.queries import fetch_filtered_page, fetch_one
from gql_server.validation import BadRequest
from loaders import AnyRow, Loaders

Pending = list[tuple[Step, AnyRow, dict[str, Any]]]


class Fallback(Exception):
    """The planned run met something only field-by-field execution reports exactly."""


async def run_plan(plan: Plan, loaders: Loaders, executor: Executor) -> dict[str, Any]:
    roots = [r for r in plan.roots if isinstance(r, Root)]
    fetched = dict(
        zip(
            (r.key for r in roots),
            await asyncio.gather(*(fetch_root(r, loaders, executor) for r in roots)),
            strict=True,
        )
    )
    data: dict[str, Any] = {}
    pending: Pending = []
    for planned in plan.roots:
        if isinstance(planned, TypeName):
            data[planned.key] = planned.name
            continue
        found = fetched[planned.key]
        if planned.lookup.many:
            data[planned.key] = [build(planned.selection, row, pending) for row in found]
        elif found is None:
            data[planned.key] = None if planned.nullable else fail("null root")
        else:
            data[planned.key] = build(planned.selection, found, pending)
    while pending:
        pending = await complete_level(pending, loaders)
    return data


async def fetch_root(root: Root, loaders: Loaders, executor: Executor) -> Any:
    """The same reads (and refusals) as the root resolvers in `queries.py`."""
    details = root.details[0]
    arguments = get_argument_values(
        root.field, details.node, executor.variable_values, details.fragment_variable_values
    )
    loader = getattr(loaders, root.lookup.loader)
    try:
        if not root.lookup.many:
            return await fetch_one(loader, arguments["id"])
        where = arguments.get("where") or {}
        given = {root.filter_names[name]: value for name, value in where.items()}
        return await fetch_filtered_page(loader, arguments["skip"], arguments["limit"], given)
    except BadRequest as refused:
        raise Fallback(str(refused)) from None


def build(selection: Selection, row: AnyRow, pending: Pending) -> dict[str, Any]:
    """The response object for `row`; relationships are left for the next level."""
    builder = selection.builder
    if builder is None:
        builder = selection.builder = compile_builder(selection, row._fields, fail)
    return builder(row, pending)


async def complete_level(pending: Pending, loaders: Loaders) -> Pending:
    """Load every relationship of this level: ONE batch per loader, whatever the number
    of rows and of fields that use it, and no Future per key (`LevelLoader.load_all`)."""
    by_loader: dict[str, Pending] = defaultdict(list)
    for item in pending:
        by_loader[item[0].loader].append(item)
    groups = list(by_loader.items())
    keys = [parent_keys(group) for _, group in groups]
    distinct = [list(dict.fromkeys(group_keys)) for group_keys in keys]
    loaded = await asyncio.gather(
        *(
            getattr(loaders, name).load_all(group_distinct)
            for (name, _), group_distinct in zip(groups, distinct, strict=True)
        )
    )
    next_level: Pending = []
    for (_, group), group_keys, group_distinct, values in zip(
        groups, keys, distinct, loaded, strict=True
    ):
        by_key = dict(zip(group_distinct, values, strict=True))
        # A parent reached from many rows (the order of 4 transactions) is built once per
        # field and shared: the same bytes, and its own relations are loaded once.
        shared: dict[tuple[int, int], dict[str, Any]] = {}
        for (step, _, out), key in zip(group, group_keys, strict=True):
            result = by_key[key]
            if step.many:
                out[step.key] = [build(step.selection, child, next_level) for child in result]
            elif result is None:
                out[step.key] = None if step.nullable else fail("null relation")
            else:
                built = shared.get((id(step), id(result)))
                if built is None:
                    built = build(step.selection, result, next_level)
                    shared[(id(step), id(result))] = built
                out[step.key] = built
    return next_level


def parent_keys(group: Pending) -> list[Any]:
    """Each row's key for its step, read by position (cheaper than by name)."""
    readers: dict[int, Any] = {}
    keys = []
    for step, row, _ in group:
        read = readers.get(id(step))
        if read is None:
            read = readers[id(step)] = itemgetter(row._fields.index(step.parent_key))
        keys.append(read(row))
    return keys


def fail(reason: str) -> Any:
    raise Fallback(reason)
