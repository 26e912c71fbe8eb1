"""Serve validated queries from a plan instead of field-by-field execution.

Runs in Strawberry's execute step, so parsing, validation and every security
rule have already run. A request the planner cannot serve, or that meets
something unexpected at run time, is executed normally: responses are the same
bytes either way.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLSchema, visit
from graphql.execution.executor import Executor
from graphql.language import DirectiveNode, VariableNode, Visitor
from strawberry.extensions import SchemaExtension

from gql_server.planner.plan import Plan, Unplannable, compile_plan
from gql_server.planner.run import Fallback, run_plan

log = logging.getLogger(__name__)
CACHE_SIZE = 512


class PlanCache:
    """Plans by (query text, operation name, values of variables in @skip/@include)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.plans: OrderedDict[tuple[Any, ...], Plan] = OrderedDict()
        self.directive_variables: dict[str, tuple[str, ...]] = {}

    def key(self, query: str, document: DocumentNode, executor: Executor) -> tuple[Any, ...]:
        names = self.directive_variables.get(query)
        if names is None:
            names = self.directive_variables[query] = variables_in_directives(document)
        coerced = executor.variable_values.coerced
        operation = executor.operation.name.value if executor.operation.name else None
        return (query, operation, *(coerced.get(name) for name in names))

    def plan(
        self, schema: GraphQLSchema, query: str, document: DocumentNode, executor: Executor
    ) -> Plan:
        key = self.key(query, document, executor)
        plan = self.plans.get(key)
        if plan is None:
            plan = compile_plan(schema, executor)
            self.plans[key] = plan
            if len(self.plans) > self.size:
                self.plans.popitem(last=False)
        else:
            self.plans.move_to_end(key)
        return plan


def variables_in_directives(document: DocumentNode) -> tuple[str, ...]:
    found: list[str] = []

    class Collect(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode):
                    found.append(argument.value.name.value)

    visit(document, Collect())
    return tuple(sorted(set(found)))


PLANS = PlanCache()


class QueryPlanner(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None and execution.query:
            execution.result = await self.planned(document, execution.query, execution.context)
        yield

    async def planned(
        self, document: DocumentNode, query: str, context: Any
    ) -> ExecutionResult | None:
        schema: GraphQLSchema = self.execution_context.schema._schema
        executor = Executor.build(
            schema,
            document,
            raw_variable_values=self.execution_context.variables,
            operation_name=self.execution_context.operation_name,
        )
        if isinstance(executor, list):
            return None  # variable errors: the normal path reports them
        try:
            plan = PLANS.plan(schema, query, document, executor)
            data = await run_plan(plan, context.loaders, executor)
        except (Unplannable, Fallback) as reason:
            log.debug("query planner: executing field by field: %s", reason)
            return None
        except Exception:  # e.g. the database: the normal path reports it with paths
            log.debug("query planner: executing field by field after an error", exc_info=True)
            return None
        return ExecutionResult(data=data)
