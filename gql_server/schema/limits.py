"""Limits on what one document may ask for, enforced while validating (before any SQL).

Depth, aliases and tokens use Strawberry's extensions. The cost limit is ours:
every object field costs the number of rows it can return, multiplied by the
rows its parents can return, so `users(limit: 100) { orders { transactions {
order { user { orders { ... } } } } } }` is refused however shallow each step
looks. A root page costs its `limit` (from the document, the request's
variables, or the argument's default); a nested to-many field costs
`nested_list_size` per parent; a to-one field costs one per parent. A connection
(a field with `first` and `last`) costs one, and its `edges` and `nodes` cost its
`first` or `last` each (from the document, or the largest page for a variable).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from gql_server.domain.connections import DEFAULT_FIRST
from gql_server.domain.paging import MAX_LIMIT
from gql_server.settings import QueryLimits

PAGE_ARGUMENT = "limit"
CONNECTION_ARGUMENTS = ("first", "last")
GRAPHQL_MAX_INT = 2**31 - 1


def limit_extensions(limits: QueryLimits) -> list[Callable[[], SchemaExtension]]:
    """Per-request extension factories for every document limit.

    The validation rules are built once, here: rules that are the same classes on
    every request let Strawberry's ValidationCache answer repeated documents.
    """
    rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
        cost_rule(limits),
    ]
    return [
        partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        partial(AddValidationRules, rules),
    ]


def cost_rule(limits: QueryLimits) -> type[ValidationRule]:
    class CostLimitRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            root = self.context.schema.get_root_type(node.operation)
            if root is None:
                return
            cost = CostMeter(self.context, limits).selection_cost(
                node.selection_set, root, 1, frozenset()
            )
            if cost > limits.max_cost:
                self.report_error(
                    GraphQLError(
                        f"'{node.name.value if node.name else 'anonymous'}' may return about "
                        f"{cost} objects, more than the limit of {limits.max_cost}; "
                        "ask for smaller pages or fewer nested lists",
                        node,
                    )
                )

    return CostLimitRule


class CostMeter:
    def __init__(self, context: ValidationContext, limits: QueryLimits) -> None:
        self.context = context
        self.limits = limits

    def selection_cost(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLObjectType,
        multiplier: int,
        visited: frozenset[str],
        page: int | None = None,
    ) -> int:
        """Objects this selection can return; a fragment cycle counts once (another rule
        reports it), so the walk always ends. `page`: the size of the connection whose
        selection this is, what each of its lists returns."""
        if selection_set is None:
            return 0
        cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost += self.field_cost(selection, parent, multiplier, visited, page)
            elif isinstance(selection, InlineFragmentNode):
                cost += self.selection_cost(
                    selection.selection_set, parent, multiplier, visited, page
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment: FragmentDefinitionNode | None = self.context.get_fragment(name)
                if fragment is not None and name not in visited:
                    cost += self.selection_cost(
                        fragment.selection_set, parent, multiplier, visited | {name}, page
                    )
        return cost

    def field_cost(
        self,
        node: FieldNode,
        parent: GraphQLObjectType,
        multiplier: int,
        visited: frozenset[str],
        page: int | None = None,
    ) -> int:
        field = parent.fields.get(node.name.value)
        if field is None:
            return 0  # unknown fields and `__typename`: reported or free
        inner, is_list = unwrap(field.type)
        if not isinstance(inner, GraphQLObjectType):
            return 0
        if all(name in field.args for name in CONNECTION_ARGUMENTS):
            size = self.connection_size(node)
            return multiplier + self.selection_cost(
                node.selection_set, inner, multiplier, visited, size
            )
        if is_list:
            rows = multiplier * (page if page is not None else self.page_size(node, field))
        else:
            rows = multiplier
        return rows + self.selection_cost(node.selection_set, inner, rows, visited)

    def connection_size(self, node: FieldNode) -> int:
        """The rows a connection can return: its `first` or `last`, the largest of them
        when either is a variable or out of range (refused later), 20 when neither is given."""
        given = [a.value for a in node.arguments or () if a.name.value in CONNECTION_ARGUMENTS]
        if not given:
            return DEFAULT_FIRST
        sizes = [
            int(value.value)
            if isinstance(value, IntValueNode) and 0 <= int(value.value) <= MAX_LIMIT
            else MAX_LIMIT
            for value in given
        ]
        return max(sizes)

    def page_size(self, node: FieldNode, field: GraphQLField) -> int:
        argument = field.args.get(PAGE_ARGUMENT)
        if argument is None:
            return self.limits.nested_list_size
        given = next((a.value for a in node.arguments or () if a.name.value == PAGE_ARGUMENT), None)
        value: Any = argument.default_value
        if isinstance(given, IntValueNode):
            value = int(given.value)
        elif isinstance(given, VariableNode):
            value = MAX_LIMIT  # a variable may ask for the largest page on any request
        if isinstance(value, int) and 0 <= value <= GRAPHQL_MAX_INT:
            return value
        return self.limits.nested_list_size  # not an Int: coercion refuses it later


def unwrap(output: GraphQLOutputType) -> tuple[GraphQLOutputType, bool]:
    """The named type under non-null and list wrappers, and whether a list was among them."""
    is_list = False
    while isinstance(output, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(output, GraphQLList)
        output = output.of_type
    return output, is_list
