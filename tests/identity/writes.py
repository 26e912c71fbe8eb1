"""The write cells: every mutation of the schema, aimed at customer A's rows and at B's
(with the current `lastchange` and a stale one, and with the inputs a role may be
refused: an owner of someone else's, a field it may never set), and what each viewer
must get back (from the rules in `rules.py`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from graphql import GraphQLSchema
from sqlalchemy import func, select

from gql_server.schema.scalars import serialize_datetime
from tests.identity.rules import FIXED, MUTATIONS, OWNER_INPUT, Action, grant
from tests.identity.schema_fields import mutation_fields, result_selection
from tests.identity.world import TABLES, Actor, Row, World

_made = itertools.count(1)
# Values a role may be refused for setting, whatever the row: the escalation attempt.
PRIVILEGED = {"role": "OPERATOR"}
UPDATES: dict[str, dict[str, Any]] = {
    "User": {"name": "Renamed"},
    "Address": {"label": "relabelled"},
    "Order": {"memo": "rememo"},
    "Transaction": {"confirmations": 7},
}


def creating(model: str) -> dict[str, Any]:
    """The required fields of a new row of `model`, unique ones fresh."""
    n = next(_made)
    values: dict[str, dict[str, Any]] = {
        "User": {"name": "Made", "surname": f"Made{n}", "email": f"made{n}@made.example"},
        "Address": {"address": f"madeaddr{n}", "network": f"madenet{n}"},
        "Order": {"start": 1000.5},
        "Transaction": {"tranxId": f"madehash{n}"},
    }
    return values[model]


@dataclass(frozen=True)
class WriteCell:
    field: str  # "updateAddress"
    model: str
    action: Action
    target: str  # "A", "B"; "omitted" (create without an owner); "none" (createUser)
    variant: str = ""  # "stale", "sets role", "reassigned"
    query: str = ""

    def __str__(self) -> str:
        return " ".join(filter(None, [self.field, self.variant, "on", self.target]))


def write_cells(schema: GraphQLSchema) -> list[WriteCell]:
    cells: list[WriteCell] = []
    for name, graphql_field in mutation_fields(schema).items():
        model, action = MUTATIONS[name]
        arguments = ", ".join(f"${a}: {arg.type}" for a, arg in graphql_field.args.items())
        passed = ", ".join(f"{a}: ${a}" for a in graphql_field.args)
        selection = result_selection(schema, graphql_field)
        query = f"mutation Cell({arguments}) {{ r: {name}({passed}) {{ {selection} }} }}"

        def cell(target: str, variant: str = "") -> WriteCell:
            return WriteCell(name, model, action, target, variant, query)  # noqa: B023

        fixed = sorted(set().union(*(f for (_, m), f in FIXED.items() if m == model)))
        if action == "create":
            if model == "User":
                targets = ["none"]
            else:
                targets = ["omitted", "A", "B"] if OWNER_INPUT[model] else ["A", "B"]
            cells.extend(cell(tag) for tag in targets)
            cells.extend(cell(targets[0], f"sets {f}") for f in fixed)
            continue
        for tag in ("A", "B"):
            cells.extend([cell(tag), cell(tag, "stale")])
            if action == "update":
                cells.extend(cell(tag, f"sets {f}") for f in fixed)
                if OWNER_INPUT[model]:
                    cells.append(cell(tag, "reassigned"))
    return cells


async def target_of(cell: WriteCell, world: World) -> Row | None:
    """The row a cell writes: a fresh one of its own (a user: the customer)."""
    if cell.action == "create":
        return None
    if cell.model == "User":
        return world.first("User", cell.target)
    return await world.add(cell.model, cell.target)


class States:
    """What each cell may change: its row's `lastchange` (None: gone), or for a create
    the number of rows of its model. Read for every row at once before the first cell,
    then after each cell (which is the next cell's before)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.known: dict[tuple[str, int | None], Any] = {}

    async def read_all(self) -> States:
        for model, mapped in TABLES.items():
            async with self.world.system.session_maker() as session:
                found = select(mapped.id, mapped.lastchange)
                rows = (await session.execute(found)).all()
            self.known.update({(model, id): lastchange for id, lastchange in rows})
            self.known[model, None] = len(rows)
        return self

    def before(self, cell: WriteCell, row: Row | None) -> Any:
        return self.known[cell.model, None if row is None else row.id]

    async def after(self, cell: WriteCell, row: Row | None) -> Any:
        mapped = TABLES[cell.model]
        async with self.world.system.session_maker() as session:
            if row is None:
                found: Any = select(func.count()).select_from(mapped)
            else:
                found = select(mapped.lastchange).where(mapped.id == row.id)
            value = (await session.execute(found)).scalar_one_or_none()
        self.known[cell.model, None if row is None else row.id] = value
        return value


def variables(cell: WriteCell, world: World, row: Row | None, current: Any) -> dict[str, Any]:
    """The cell's arguments; `current`: the target's `lastchange` (from `States`)."""
    privileged = cell.variant.removeprefix("sets ") if cell.variant.startswith("sets ") else None
    if row is None:  # create
        values = creating(cell.model)
        if privileged:
            values[privileged] = PRIVILEGED[privileged]
        if cell.target in ("A", "B"):
            if OWNER_INPUT[cell.model]:
                values[OWNER_INPUT[cell.model] or ""] = str(world.customers[cell.target])
            else:  # a transaction: on the target's order
                values["orderId"] = str(world.first("Order", cell.target).id)
        return {"input": values}
    token = serialize_datetime(
        current - timedelta(seconds=1) if cell.variant == "stale" else current
    )
    if cell.action == "delete":
        return {"id": str(row.id), "lastchange": token}
    values = {"id": str(row.id), "lastchange": token}
    if privileged:
        values[privileged] = PRIVILEGED[privileged]
    elif cell.variant == "reassigned":
        values[OWNER_INPUT[cell.model] or ""] = str(world.other(row.owner))
    else:
        values.update(UPDATES[cell.model])
    return {"input": values}


def expected(
    cell: WriteCell, viewer: Actor, world: World, row: Row | None, sent: dict[str, Any]
) -> dict[str, Any]:
    """The result's type, the row it names and the owner it has."""
    if viewer.role is None:
        return {"outcome": "UNAUTHENTICATED", "id": None, "owner": None}
    access = grant(viewer.role, cell.model, cell.action)
    forbidden = {"outcome": "ForbiddenError", "id": None, "owner": None}
    fixed = FIXED.get((viewer.role, cell.model), frozenset())
    if access == "none" or any(f"sets {f}" == cell.variant for f in fixed):
        return forbidden
    given = sent.get("input", {})
    owner_input = OWNER_INPUT[cell.model]
    if row is None:  # create
        if owner_input:
            owner = int(given.get(owner_input) or viewer.user_id or 0)
            if access == "own" and owner != viewer.user_id:
                return forbidden
            return {"outcome": cell.model, "id": None, "owner": str(owner)}
        return {"outcome": cell.model, "id": None, "owner": given.get("orderId")}
    moved_to = given.get(owner_input or "") if cell.variant == "reassigned" else None
    if access == "own" and moved_to is not None and int(moved_to) != viewer.user_id:
        return forbidden
    if access == "own" and row.owner != viewer.user_id:
        return {"outcome": "NotFoundError", "id": str(row.id), "owner": None}
    if cell.variant == "stale":
        return {"outcome": "StaleDataError", "id": str(row.id), "owner": None}
    if cell.action == "delete":
        referenced = any(r.parent == row.id for r in world.rows)
        return {
            "outcome": "InUseError" if referenced else "Deleted",
            "id": str(row.id),
            "owner": None,
        }
    kept = given.get(owner_input or "", str(row.parent)) if cell.model != "User" else None
    return {"outcome": cell.model, "id": str(row.id), "owner": kept}


def observed(cell: WriteCell, body: dict[str, Any]) -> dict[str, Any]:
    errors = body.get("errors")
    if errors:
        codes = sorted({(e.get("extensions") or {}).get("code", e["message"]) for e in errors})
        outcome = codes[0] if len(codes) == 1 and body.get("data") is None else str(body)
        return {"outcome": outcome, "id": None, "owner": None}
    result = body["data"]["r"]
    typename = result["__typename"]
    owner = result.get("userId", result.get("orderId")) if typename == cell.model else None
    row_id = None if cell.action == "create" or typename == "ForbiddenError" else result.get("id")
    return {"outcome": typename, "id": row_id, "owner": owner}
