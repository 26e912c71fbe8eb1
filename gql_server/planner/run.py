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
    """Load every relationship of this level, each loader batched across all rows."""
    by_step: dict[int, list[tuple[Step, AnyRow, dict[str, Any]]]] = defaultdict(list)
    for item in pending:
        by_step[id(item[0])].append(item)
    groups = list(by_step.values())
    loaded = await asyncio.gather(
        *(
            load_each(
                getattr(loaders, group[0][0].loader),
                list(map(key_reader(group), (row for _, row, _ in group))),
            )
            for group in groups
        )
    )
    next_level: Pending = []
    for group, results in zip(groups, loaded, strict=True):
        # A parent reached from many rows (the order of 4 transactions) is built once
        # and shared: the same bytes, and its own relations are loaded once.
        shared: dict[int, dict[str, Any]] = {}
        for (step, _, out), result in zip(group, results, strict=True):
            if step.many:
                out[step.key] = [build(step.selection, child, next_level) for child in result]
            elif result is None:
                out[step.key] = None if step.nullable else fail("null relation")
            else:
                built = shared.get(id(result))
                if built is None:
                    built = shared[id(result)] = build(step.selection, result, next_level)
                out[step.key] = built
    return next_level


def key_reader(group: Pending) -> Any:
    """The parent key of a group's rows (one table), read by position: cheaper than by name."""
    step, row, _ = group[0]
    return itemgetter(row._fields.index(step.parent_key))


async def load_each(loader: Any, keys: list[int]) -> list[Any]:
    """`loader.load_many(keys)`, asking once per distinct key (repeats are common here)."""
    distinct = list(dict.fromkeys(keys))
    results = await loader.load_many(distinct)
    if len(distinct) == len(keys):
        return list(results)
    by_key = dict(zip(distinct, results, strict=True))
    return [by_key[key] for key in keys]


def fail(reason: str) -> Any:
    raise Fallback(reason)
