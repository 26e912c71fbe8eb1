"""Serve validated queries from a plan instead of field-by-field execution.

Runs in Strawberry's execute step, so parsing, validation and every security
rule have already run. A request the planner cannot serve, or that meets
something unexpected at run time, is executed normally: responses are the same
bytes either way.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    visit,
)
from graphql.execution.executor import Executor
from graphql.execution.values import VariableValues, get_variable_values
from graphql.language import DirectiveNode, VariableNode, Visitor
from strawberry.extensions import SchemaExtension

from gql_server.observe.record import note_fallback, note_path
from gql_server.planner.nodes import Plan, Unplannable
from gql_server.planner.plan import compile_plan
from gql_server.planner.run import Fallback, run_plan
from gql_server.schema.core import graphql_core_schema
from loaders import Loaders

log = logging.getLogger(__name__)
CACHE_SIZE = 512

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """A bounded map that forgets the least recently used entry: clients choose the keys."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.entries.get(key)
        if value is not None:
            self.entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.entries[key] = value
        self.entries.move_to_end(key)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self.entries)


class QueryPlans:
    """One app's plans, and the documents vetted for its fast path (`fast_path.py`).

    Never shared between apps: their limits, production mode and allow-lists
    differ. A document is vetted when the normal path parsed it, validated it
    (every limit included: they depend on its text alone, for every operation in
    it) and served it from a plan; graphql-core picks the operation per request.
    """

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.plans: Lru[tuple[Any, ...], Plan] = Lru(size)
        self.unplannable: Lru[tuple[Any, ...], str] = Lru(size)  # why, for the debug line
        self.directive_variables: Lru[str, tuple[str, ...]] = Lru(size)
        self.vetted: Lru[str, DocumentNode] = Lru(size)

    def plan(
        self,
        schema: GraphQLSchema,
        query: str,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: VariableValues,
        raw_variables: dict[str, Any] | None,
    ) -> Plan:
        """Cached by (query text, operation, values of variables in @skip/@include)."""
        names = self.directive_variables.get(query)
        if names is None:
            names = variables_in_directives(document)
            self.directive_variables.put(query, names)
        name = operation.name.value if operation.name else None
        key = (query, name, *(variables.coerced.get(variable) for variable in names))
        plan = self.plans.get(key)
        if plan is None:
            refused = self.unplannable.get(key)
            if refused is not None:  # known: no Executor built again for every request
                raise Unplannable(refused)
            executor = Executor.build(
                schema, document, raw_variable_values=raw_variables, operation_name=name
            )
            if isinstance(executor, list):  # this request's variables: not remembered
                raise Unplannable(str(executor[0]))
            try:
                plan = compile_plan(schema, executor)
            except Unplannable as reason:  # the document's shape: the same every time
                self.unplannable.put(key, str(reason))
                raise
            self.plans.put(key, plan)
        return plan

    async def serve(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        loaders: Loaders,
    ) -> dict[str, Any] | None:
        """The `data` of a planned run, or None when the normal path must answer.

        A cached plan needs only the operation and its coerced variables: an `Executor`
        is built on a miss, to compile the plan (one per request would leave the
        collector a reference cycle each time)."""
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return None  # none by that name, or several and no name: the normal path says so
        if operation.operation is not OperationType.QUERY:  # no plan to try, no fallback
            kind = operation.operation.value
            log.debug(
                "query planner: executing field by field: %s operations are not planned", kind
            )
            return None
        coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
        if isinstance(coerced, list):
            return None  # variable errors: the normal path reports them
        try:
            plan = self.plan(schema, query, document, operation, coerced, variables)
            data = await run_plan(plan, loaders, coerced)
        except Unplannable as reason:
            log.debug("query planner: executing field by field: %s", reason)
            note_fallback("unplannable")
        except Fallback as reason:
            log.debug("query planner: executing field by field: %s", reason)
            note_fallback("runtime")
        except Exception:  # e.g. the database: the normal path reports it with paths
            log.debug("query planner: executing field by field after an error", exc_info=True)
            note_fallback("error")
        else:
            note_path("planned")
            return data
        return None


def variables_in_directives(document: DocumentNode) -> tuple[str, ...]:
    found: list[str] = []

    class Collect(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode):
                    found.append(argument.value.name.value)

    visit(document, Collect())
    return tuple(sorted(set(found)))


class QueryPlanner(SchemaExtension):
    def __init__(self, plans: QueryPlans) -> None:
        super().__init__()
        self.plans = plans

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        document, query = execution.graphql_document, execution.query
        if document is not None and query:
            data = await self.plans.serve(
                graphql_core_schema(execution.schema),
                document,
                query,
                execution.variables,
                execution.operation_name,
                execution.context.loaders,
            )
            if data is not None:
                execution.result = ExecutionResult(data=data)
                self.plans.vetted.put(query, document)
        yield
