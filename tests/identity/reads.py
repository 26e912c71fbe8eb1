"""The read cells: every root field and relation field of the schema, aimed at A's rows
and at B's, and what each viewer must get back (from the rules in `rules.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLSchema

from tests.identity.rules import CONNECTIONS, RELATIONS, ROOT_FIELDS, grant
from tests.identity.schema_fields import relation_fields, root_fields, scalars
from tests.identity.world import Actor, Row, World

MISSING_ID = "999999"


@dataclass(frozen=True)
class ReadCell:
    field: str  # "order", "orders", "Order.transactions"
    target: str  # whose row it names: "A", "B"; or "all" (a page with no filter)
    query: str
    variables: dict[str, Any]
    root: str  # the root field
    relation: str | None = None

    def __str__(self) -> str:
        return f"{self.field} on {self.target}"


def read_cells(schema: GraphQLSchema, world: World) -> list[ReadCell]:
    cells: list[ReadCell] = []
    lookup = {model: name for name, (model, many) in ROOT_FIELDS.items() if not many}
    for name, graphql_field in root_fields(schema).items():
        if name in CONNECTIONS:
            cells.extend(connection_cells(schema, world, name))
            continue
        model, many = ROOT_FIELDS[name]
        selection = scalars(schema, model)
        if not many:
            query = f"query Cell($id: ID!) {{ {name}(id: $id) {{ {selection} }} }}"
            for tag in ("A", "B"):
                cells.append(ReadCell(name, tag, query, {"id": row_id(world, model, tag)}, name))
            continue
        where = graphql_field.args["where"].type
        query = (
            f"query Cell($where: {where}) {{ {name}(limit: 100, where: $where) {{ {selection} }} }}"
        )
        for tag in ("A", "B", "all"):
            where_values = None if tag == "all" else where_of(world, model, tag)
            cells.append(ReadCell(name, tag, query, {"where": where_values}, name))
    for (type_name, name), (related, _) in relation_fields(schema).items():
        root = lookup[type_name]
        inner = f"{name} {{ {scalars(schema, related)} }}"
        query = f"query Cell($id: ID!) {{ {root}(id: $id) {{ id {inner} }} }}"
        for tag in ("A", "B"):
            variables: dict[str, Any] = {"id": row_id(world, type_name, tag)}
            cells.append(ReadCell(f"{type_name}.{name}", tag, query, variables, root, name))
    return cells


def connection_cells(schema: GraphQLSchema, world: World, name: str) -> list[ReadCell]:
    """A connection's rows and `totalCount`: A's, B's and all of them."""
    model = CONNECTIONS[name]
    where = schema.query_type.fields[name].args["where"].type  # type: ignore[union-attr]
    selection = scalars(schema, model)
    query = (
        f"query Cell($where: {where}) {{ {name}(first: 100, where: $where) "
        f"{{ nodes {{ {selection} }} edges {{ node {{ id }} }} totalCount }} }}"
    )
    return [
        ReadCell(
            name, tag, query, {"where": None if tag == "all" else where_of(world, model, tag)}, name
        )
        for tag in ("A", "B", "all")
    ]


def root_of(root: str) -> tuple[str, bool]:
    """The model a root field reads, and whether it reads many rows."""
    return (CONNECTIONS[root], True) if root in CONNECTIONS else ROOT_FIELDS[root]


def nothing(root: str) -> Any:
    """What a root field that reads no row answers, in the terms of `observed`."""
    if root in CONNECTIONS:
        return {"nodes": [], "edges": [], "totalCount": 0}
    return [] if root_of(root)[1] else None


def row_id(world: World, model: str, tag: str) -> str:
    return str(world.first(model, tag).id)


def where_of(world: World, model: str, tag: str) -> dict[str, str]:
    """A filter naming customer `tag`'s rows."""
    user = world.first("User", tag)
    return {
        "User": {"email": user.email or ""},
        "Address": {"userId": str(user.id)},
        "Order": {"userId": str(user.id)},
        "Transaction": {"orderId": row_id(world, "Order", tag)},
    }[model]


def matches(row: Row, world: World, model: str, where: dict[str, str] | None) -> bool:
    if not where:
        return True
    if model == "User":
        return row.email == where["email"]
    return str(row.parent) == next(iter(where.values()))


def visible(viewer: Actor, model: str, row: Row) -> bool:
    assert viewer.role is not None
    access = grant(viewer.role, model, "read")
    return access == "all" or (access == "own" and row.owner == viewer.user_id)


def expected(cell: ReadCell, viewer: Actor, world: World) -> dict[str, Any]:
    """What `viewer` must see: errors as (code, path) and the ids the data holds."""
    if viewer.role is None:
        return {"errors": [("UNAUTHENTICATED", cell.root)], "value": None}
    model, many = root_of(cell.root)
    if grant(viewer.role, model, "read") == "none":
        return {"errors": [("FORBIDDEN", cell.root)], "value": None}
    if many:
        where = cell.variables["where"]
        rows = [r for r in world.of(model) if visible(viewer, model, r)]
        ids = [str(i) for i in sorted(r.id for r in rows if matches(r, world, model, where))]
        if cell.root in CONNECTIONS:  # its nodes, its edges' nodes, and its count
            return {"errors": [], "value": {"nodes": ids, "edges": ids, "totalCount": len(ids)}}
        return {"errors": [], "value": ids}
    row = next(r for r in world.of(model) if str(r.id) == cell.variables["id"])
    if not visible(viewer, model, row):
        return {"errors": [], "value": None}  # exactly as a row that does not exist
    if cell.relation is None:
        return {"errors": [], "value": str(row.id)}
    related, to_many = RELATIONS[model, cell.relation]
    if grant(viewer.role, related, "read") == "none":  # a non-null field: the parent goes
        return {"errors": [("FORBIDDEN", f"{cell.root}.{cell.relation}")], "value": None}
    if to_many:
        children = [
            r for r in world.of(related) if r.parent == row.id and visible(viewer, related, r)
        ]
        value: Any = [str(r.id) for r in sorted(children, key=lambda r: r.id)]
    else:
        value = str(row.parent)
    return {"errors": [], "value": {"id": str(row.id), cell.relation: value}}


def observed(cell: ReadCell, body: dict[str, Any]) -> dict[str, Any]:
    """The response in the terms of `expected`."""
    errors = [
        (
            (e.get("extensions") or {}).get("code", f"no code: {e['message']}"),
            ".".join(str(p) for p in e.get("path") or ()),
        )
        for e in body.get("errors") or ()
    ]
    data = body.get("data")
    found = None if data is None else data.get(cell.root)
    return {"errors": sorted(errors), "value": ids_of(found, cell.relation)}


def ids_of(found: Any, relation: str | None) -> Any:
    if found is None:
        return None
    if isinstance(found, dict) and "totalCount" in found:  # a connection
        return {
            "nodes": [r["id"] for r in found["nodes"]],
            "edges": [e["node"]["id"] for e in found["edges"]],
            "totalCount": found["totalCount"],
        }
    if isinstance(found, list):
        return [r["id"] for r in found]
    if relation is None:
        return found["id"]
    related = found[relation]
    if isinstance(related, list):
        related = [r["id"] for r in related]
    elif related is not None:
        related = related["id"]
    return {"id": found["id"], relation: related}
