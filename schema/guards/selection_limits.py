"""Depth, alias and size limits read in one walk that visits each fragment once.

Strawberry's `QueryDepthLimiter` and `MaxAliasesLimiter` walk a fragment again at every
spread of it, so `fragment F0 on Query { ...F1 ...F1 }` … twenty levels down costs 2^20
walks: an 826-byte anonymous query took 5 s of CPU in validation, before any time limit
starts. Here each fragment's shape (how deep it reaches, how many aliases and fields it
selects once expanded) is computed once and added up at each spread, so validation is
linear in the document. The same figures also bound the walks that come after validation
(the cost estimate, the input guard): a document that selects more than
`MAX_EXPANDED_FIELDS` fields once its fragments are expanded is refused as too costly.

The depth and alias figures are counted exactly as Strawberry's limiters count them
(introspection fields do not add depth; every alias counts, in every operation of the
document), so the limits mean what they meant.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

#: A document may select at most this many fields once its fragments are expanded (the
#: cost estimate's own bound on its walk is the same).
MAX_EXPANDED_FIELDS = 20_000
#: Selection sets (fields, inline fragments and fragment spreads) nested deeper than this
#: are refused outright: far past any depth limit, and it keeps the walk's recursion short.
MAX_NESTING = 64
#: Counts stop growing here: a figure past every limit is as good as any larger one.
_CAP = 1 << 40

TOO_COSTLY = "QUERY_TOO_COSTLY"
TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"


@dataclass(frozen=True)
class Shape:
    """What a selection reaches once expanded: the depth it adds (as Strawberry's depth
    limiter counts it), its aliases and its fields."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0

    def beside(self, other: Shape) -> Shape:
        return Shape(
            max(self.depth, other.depth),
            min(_CAP, self.aliases + other.aliases),
            min(_CAP, self.fields + other.fields),
        )


class TooNested(Exception):
    """Selections nested past MAX_NESTING."""


class Shapes:
    """Shapes of a document's selections, each fragment's computed once."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.known: dict[str, Shape] = {}
        self.open: set[str] = set()

    def of_set(self, selection_set: SelectionSetNode | None, nesting: int = 0) -> Shape:
        if selection_set is None:
            return Shape()
        if nesting > MAX_NESTING:
            raise TooNested
        shape = Shape()
        for selection in selection_set.selections:
            shape = shape.beside(self.of_selection(selection, nesting + 1))
        return shape

    def of_selection(self, selection: SelectionNode, nesting: int) -> Shape:
        if isinstance(selection, FieldNode):
            return self.of_field(selection, nesting)
        if isinstance(selection, InlineFragmentNode):
            return self.of_set(selection.selection_set, nesting)
        if isinstance(selection, FragmentSpreadNode):
            return self.of_fragment(selection.name.value, nesting)
        return Shape()

    def of_field(self, field: FieldNode, nesting: int) -> Shape:
        inner = self.of_set(field.selection_set, nesting)
        counts_depth = field.selection_set is not None and not field.name.value.startswith("__")
        return Shape(
            1 + inner.depth if counts_depth else 0,
            min(_CAP, inner.aliases + (1 if field.alias else 0)),
            min(_CAP, inner.fields + 1),
        )

    def of_fragment(self, name: str, nesting: int) -> Shape:
        """A fragment's shape, computed at its first spread; a cycle (which graphql-core's
        own rule reports) or an unknown fragment adds nothing."""
        if name in self.known:
            return self.known[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.open:
            return Shape()
        self.open.add(name)
        shape = self.of_set(fragment.selection_set, nesting)
        self.open.discard(name)
        self.known[name] = shape
        return shape


def selection_limits(max_depth: int, max_aliases: int) -> type[ValidationRule]:
    """A validation rule refusing operations deeper than `max_depth`, documents with
    more than `max_aliases` aliases, and documents past MAX_EXPANDED_FIELDS."""

    class SelectionLimits(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            for error in refusals(context.document, max_depth, max_aliases):
                context.report_error(error)

    return SelectionLimits


def refusals(document: DocumentNode, max_depth: int, max_aliases: int) -> list[GraphQLError]:
    """Every limit the document breaks, as a coded error."""
    shapes = Shapes(document)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    try:
        measured = [(o, shapes.of_set(o.selection_set)) for o in operations]
    except TooNested:
        return [_refused(f"Selections are nested more than {MAX_NESTING} deep.", TOO_DEEP)]
    errors = []
    total = Shape()
    for operation, shape in measured:
        total = total.beside(shape)
        if shape.depth > max_depth:
            name = operation.name.value if operation.name else "anonymous"
            message = f"'{name}' exceeds maximum operation depth of {max_depth}"
            errors.append(_refused(message, TOO_DEEP, operation))
    if total.fields > MAX_EXPANDED_FIELDS:
        message = (
            f"This document selects more than {MAX_EXPANDED_FIELDS} fields once its "
            "fragments are expanded."
        )
        errors.append(_refused(message, TOO_COSTLY))
    if total.aliases > max_aliases:
        errors.append(
            _refused(f"{total.aliases} aliases found. Allowed: {max_aliases}", TOO_MANY_ALIASES)
        )
    return errors


def _refused(message: str, code: str, node: OperationDefinitionNode | None = None) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": code})
