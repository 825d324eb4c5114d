"""What an operation may cost, estimated from its document and variables before any
resolver runs; an operation over the budget is refused with a coded error.

One unit is about one object the server builds: every object a field returns costs 1,
times how many of it a list may hold; leaves (scalars, enums) are free. List fields
multiply what they select by their bound: the slots of `availableSlots` and the
appointments of `diary` and `visits` grow with the days between `from` and `to`; other
lists have a cap of their own or a default. A connection's `edges` hold as many as
its `first` or `last` asks for (a default page when neither is given), so what a page
selects is multiplied by its size; `totalCount` costs a full page. Some resolvers cost more than the objects
they return (password hashing), which `FIELD_COSTS` adds.

The figures are upper estimates for the schema's types, kept in tables here (keyed by
GraphQL type and field name) rather than on the types, so the types stay plain.
"""

from __future__ import annotations

import functools
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_abstract_type,
    is_enum_type,
    is_input_object_type,
    is_interface_type,
    is_list_type,
    is_object_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from schema.guards.cost_table import (  # noqa: F401 (part of this module's interface)
    APPOINTMENTS_PER_DAY,
    DEFAULT_BUDGET,
    DEFAULT_LIST_BOUND,
    FIELD_COSTS,
    LIST_BOUNDS,
    SLOT_WINDOW_DAYS,
    SLOTS_PER_DAY,
    VISIT_WINDOW_DAYS,
    VISITS_PER_DAY,
    Arguments,
    Bound,
    as_many_as,
    bound_of,
    field_cost,
    fixed,
    page_size,
    per_day,
    window_days,
)

#: A document whose walk needs more steps than this is refused as too costly to estimate.
MAX_STEPS = 20_000


class Unpriceable(Exception):
    """The document takes too long to price; it is refused like an over-budget one."""


def estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int | None:
    """The cost of the operation, or None when it cannot be run anyway (unknown operation,
    variables that do not coerce): execution then refuses it before any resolver runs.

    The document must have passed validation. Raises `Unpriceable` for documents whose
    fragments expand past `MAX_STEPS`.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {})
    )
    if not isinstance(coerced, VariableValues):
        return None
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    if root is None:
        return None
    return _Pricing(schema, document, coerced).selections(root, operation.selection_set, {})


_META_FIELDS = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


class _Pricing:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: VariableValues):
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.steps = 0
        self.memo: dict[tuple[str, str], int] = {}
        self.introspection = introspection_bounds(schema)

    def selections(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode, arguments: Arguments
    ) -> int:
        """The cost of one object of `parent` with this selection; `arguments` are those
        of the field that returned it."""
        total = 0
        for selection in selection_set.selections:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise Unpriceable
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, arguments)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(on or parent, selection.selection_set, arguments)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread(selection.name.value, arguments)
        return total

    def spread(self, name: str, arguments: Arguments) -> int:
        fragment = self.fragments.get(name)
        if fragment is None:
            return 0
        on = self.schema.get_type(fragment.type_condition.name.value)
        if on is None:
            return 0
        # A fragment may be spread many times: price it once per parent arguments.
        key = (name, repr(sorted(arguments.items())))
        if key not in self.memo:
            self.memo[key] = self.selections(on, fragment.selection_set, arguments)
        return self.memo[key]

    def field(self, parent: GraphQLNamedType, node: FieldNode, parent_arguments: Arguments) -> int:
        name = node.name.value
        if name == "__typename":
            return 0
        definition = self._definition(parent, name)
        if definition is None:
            return 0
        key = f"{parent.name}.{name}"
        own = field_cost(key)
        if node.selection_set is None:
            return own
        arguments = self._arguments(definition, node)
        items = self._items(key, definition.type, arguments, parent_arguments)
        each = 1 + self.selections(get_named_type(definition.type), node.selection_set, arguments)
        return own + items * each

    def _definition(self, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
        if parent is self.schema.query_type and name in _META_FIELDS:
            return _META_FIELDS[name]
        fields: Mapping[str, GraphQLField] = getattr(parent, "fields", {})
        return fields.get(name)

    def _arguments(self, definition: GraphQLField, node: FieldNode) -> Arguments:
        """The field's arguments as the resolver gets them; what does not coerce is left
        out (the field then fails without running, and its bound is the widest)."""
        try:
            return get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return {}

    def _items(
        self, key: str, type_: GraphQLOutputType, arguments: Arguments, parent: Arguments
    ) -> int:
        if not is_list_type(get_nullable_type(type_)):
            return 1
        bound = bound_of(key)
        if bound is not None:
            return max(0, bound(arguments, parent))
        for page in ("first", "last", "limit"):
            if isinstance(arguments.get(page), int):
                return max(0, arguments[page])
        if key in self.introspection:
            return self.introspection[key]
        return DEFAULT_LIST_BOUND


@functools.lru_cache(maxsize=8)
def introspection_bounds(schema: GraphQLSchema) -> dict[str, int]:
    """Introspection lists as long as this schema makes them: all its types and
    directives, and per type or field the mean number of fields, arguments, values and
    members (rounded up), so that a full introspection costs about what it returns."""

    def mean(counts: list[int]) -> int:
        return max(1, math.ceil(sum(counts) / len(counts))) if counts else 1

    types = list(schema.type_map.values())
    fields = [f for t in types for f in getattr(t, "fields", {}).values() if hasattr(f, "args")]
    return {
        "__Schema.types": len(types),
        "__Schema.directives": len(schema.directives),
        "__Type.fields": mean(
            [len(t.fields) for t in types if is_object_type(t) or is_interface_type(t)]
        ),
        "__Type.inputFields": mean([len(t.fields) for t in types if is_input_object_type(t)]),
        "__Type.interfaces": mean([len(t.interfaces) for t in types if is_object_type(t)]),
        "__Type.possibleTypes": mean(
            [len(schema.get_possible_types(t)) for t in types if is_abstract_type(t)]
        ),
        "__Type.enumValues": mean([len(t.values) for t in types if is_enum_type(t)]),
        "__Field.args": mean([len(f.args) for f in fields]),
        "__Directive.args": mean([len(d.args) for d in schema.directives]),
    }


TOO_COSTLY = "QUERY_TOO_COSTLY"

#: Charges an operation's cost to whoever sends it (`schema.guards.budget`); what it
#: returns joins the response's `extensions`. It refuses with a GraphQLError.
Meter = Callable[[ExecutionContext, int], Awaitable[dict[str, Any]]]


class QueryCost(SchemaExtension):
    """Prices each operation once it is parsed and validated, before execution (and before
    a subscription starts); refuses it over budget, charges it to the client's budget
    per minute (`meter`), and reports the cost in the response's `extensions.cost`."""

    def __init__(self, budget: int = DEFAULT_BUDGET, meter: Meter | None = None) -> None:
        self.budget = budget
        self.meter = meter
        self.cost: int | None = None
        self.metered: dict[str, Any] = {}

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        try:
            self.cost = estimate_cost(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables,
            )
        except Unpriceable:
            raise self.refusal(None) from None
        if self.cost is not None and self.cost > self.budget:
            raise self.refusal(self.cost)
        if self.cost is not None and self.meter is not None:
            self.metered = await self.meter(context, self.cost)
        yield

    def refusal(self, cost: int | None) -> GraphQLError:
        return GraphQLError(
            f"This operation would cost {cost if cost is not None else 'too much'} "
            f"against a budget of {self.budget}: select fewer fields, lists or days.",
            extensions={"code": TOO_COSTLY, "cost": cost, "budget": self.budget},
        )

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "budget": self.budget}, **self.metered}
