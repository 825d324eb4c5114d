"""The input guard: every argument an operation carries is checked before any resolver runs.

Text must be free of control characters, dates and date-times must lie within the years
the clinic can mean (date-times with a UTC offset), and a birth date must not be in the
future; ids are left to `parse_id`, which each use case calls. The guard walks the
operation's fields (through fragments), takes each argument's value as execution will
see it (variables and defaults applied, input objects and lists included) and checks
every leaf with the checks of `domain.validation`.

A refused value is told like any other invalid input, naming the argument or input
field: a mutation whose result can be `InvalidInput` returns it as data (without running
its resolver); anything else refuses the whole operation with a GraphQL error coded
INVALID_INPUT, before any resolver has run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
)
from graphql.execution import get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension

from domain.errors import InvalidInput
from domain.validation import require_birth_date, require_date, require_instant, require_plain_text
from schema.core import problems

BIRTH_DATE = "birthDate"


@dataclasses.dataclass(frozen=True)
class Refusal:
    """A field of the operation that must not run, and why."""

    key: str  # the response key of the root field it belongs to
    node: FieldNode
    problem: InvalidInput
    as_data: bool  # the field is a mutation whose result can be InvalidInput


def check_value(value: Any, type_: GraphQLInputType, field: str, now: datetime) -> None:
    """Raises InvalidInput for the first leaf of a coerced value the use cases must not see.

    `field` is the argument or input field the value belongs to; list items keep it.
    """
    if value is None:
        return
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        for item in value if isinstance(value, list) else [value]:
            check_value(item, type_.of_type, field, now)
    elif isinstance(type_, GraphQLInputObjectType):
        for name, input_field in type_.fields.items():
            key = input_field.out_name or name
            item = value.get(key) if isinstance(value, Mapping) else getattr(value, key, None)
            check_value(item, input_field.type, name, now)
    elif isinstance(type_, GraphQLScalarType):
        if type_.name == "String" and isinstance(value, str):
            require_plain_text(value, field)
        elif isinstance(value, datetime):
            require_instant(value, field)
        elif isinstance(value, date):
            if field == BIRTH_DATE:
                require_birth_date(value, now, field)
            else:
                require_date(value, field)


def _can_answer_invalid_input(field: GraphQLField) -> bool:
    result = get_named_type(field.type)
    return isinstance(result, GraphQLUnionType) and any(
        member.name == problems.InvalidInput.__name__ for member in result.types
    )


def _fields(
    schema: GraphQLSchema,
    selections: SelectionSetNode,
    parent: GraphQLNamedType | None,
    fragments: dict[str, FragmentDefinitionNode],
) -> Iterator[tuple[FieldNode, GraphQLField]]:
    """The fields a selection set selects on its type, through fragments, with their
    definitions (introspection left out: its arguments reach no use case)."""
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if not name.startswith("__") and isinstance(
                parent, GraphQLObjectType | GraphQLInterfaceType
            ):
                definition = parent.fields.get(name)
                if definition is not None:
                    yield selection, definition
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = schema.get_type(condition.name.value) if condition else parent
            yield from _fields(schema, selection.selection_set, inner, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                inner = schema.get_type(fragment.type_condition.name.value)
                yield from _fields(schema, fragment.selection_set, inner, fragments)


class _Walk:
    """One operation's argument values, checked field by field."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: Any,
        now: datetime,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.now = now

    def own_problem(self, node: FieldNode, definition: GraphQLField) -> InvalidInput | None:
        """The first refused value among the field's own arguments."""
        if not definition.args:
            return None
        try:
            values = get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return None  # execution reports it
        for name, argument in definition.args.items():
            try:
                check_value(values.get(argument.out_name or name), argument.type, name, self.now)
            except InvalidInput as problem:
                return problem
        return None

    def nested_problem(
        self, node: FieldNode, definition: GraphQLField, depth: int = 0
    ) -> InvalidInput | None:
        """The first refused value in the arguments of the fields selected below this one."""
        if node.selection_set is None or depth > _MAX_DEPTH:
            return None
        parent = get_named_type(definition.type)
        for child, child_definition in _fields(
            self.schema, node.selection_set, parent, self.fragments
        ):
            problem = self.own_problem(child, child_definition) or self.nested_problem(
                child, child_definition, depth + 1
            )
            if problem is not None:
                return problem
        return None


# Deeper operations are refused by the depth limit before execution; this only bounds
# the walk should a document get here without it.
_MAX_DEPTH = 64


def refusals(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    now: datetime,
) -> list[Refusal]:
    """The root fields of the operation that must not run, one refusal each.

    An operation whose variables do not even coerce is left alone: execution reports that.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    root = schema.get_root_type(operation.operation)
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if root is None or isinstance(coerced, list):
        return []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, coerced, now)
    found: dict[str, Refusal] = {}
    for node, definition in _fields(schema, operation.selection_set, root, fragments):
        key = node.alias.value if node.alias else node.name.value
        if key in found:
            continue
        problem = walk.own_problem(node, definition)
        as_data = (
            problem is not None
            and operation.operation is OperationType.MUTATION
            and _can_answer_invalid_input(definition)
        )
        problem = problem or walk.nested_problem(node, definition)
        if problem is not None:
            found[key] = Refusal(key, node, problem, as_data)
    return list(found.values())


class InputGuard(SchemaExtension):
    """Checks the operation's argument values before execution (see the module's doc)."""

    def __init__(self) -> None:
        super().__init__()
        self._answers: dict[str, problems.Problem] = {}

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            found = refusals(
                context.schema._schema,
                document,
                context.operation_name,
                context.variables,
                context.context.deps.now(),
            )
            if found and all(refusal.as_data for refusal in found):
                self._answers = {
                    r.key: problems.to_problem(r.problem, (problems.InvalidInput,)) for r in found
                }
            elif found:
                errors = [
                    GraphQLError(r.problem.message, r.node, path=[r.key], original_error=r.problem)
                    for r in found
                ]
                if context.operation_type is OperationType.SUBSCRIPTION:
                    # Subscriptions start regardless of a result set here; an error stops them.
                    raise errors[0]
                context.result = ExecutionResult(data=None, errors=errors)
        yield

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        """A refused mutation answers its InvalidInput instead of running."""
        if self._answers and info.path.prev is None:
            answer = self._answers.get(str(info.path.key))
            if answer is not None:
                return answer
        return _next(root, info, *args, **kwargs)
