"""Depth, aliases and expanded size read with each fragment walked once, counted as
Strawberry's own limiters count them."""

from __future__ import annotations

import pytest
from graphql import parse

from schema.guards.selection_limits import MAX_EXPANDED_FIELDS, Shapes, refusals

SAME_AS_WRITTEN_OUT = [
    ("{ a { b { c } } }", "{ a { b { c } } }"),
    (
        "{ ...F } fragment F on Query { x: a { ...G } } fragment G on A { y: b z: b }",
        "{ x: a { y: b z: b } }",
    ),
    ("{ ... on Query { a { ... on A { b { c } } } } }", "{ a { b { c } } }"),
    ("{ __schema { types { name } } a { b } }", "{ a { b } }"),
]


def shape(document: str) -> tuple[int, int, int]:
    shapes = Shapes(parse(document))
    (operation,) = parse(document).definitions[:1]
    found = shapes.of_set(operation.selection_set)  # type: ignore[attr-defined]
    return found.depth, found.aliases, found.fields


@pytest.mark.parametrize(("with_fragments", "written_out"), SAME_AS_WRITTEN_OUT)
def test_fragments_count_as_if_written_out(with_fragments: str, written_out: str) -> None:
    depth, aliases, _ = shape(with_fragments)
    assert (depth, aliases) == shape(written_out)[:2]


def test_introspection_adds_no_depth_but_its_fields_count() -> None:
    assert shape("{ __schema { types { fields { name } } } }") == (0, 0, 4)


def test_a_fragment_spread_many_times_is_walked_once_and_counted_each_time() -> None:
    document = parse(
        "{ ...F0 } fragment F0 on Query { ...F1 ...F1 } fragment F1 on Query { ...F2 ...F2 } "
        "fragment F2 on Query { a: __typename }"
    )
    shapes = Shapes(document)
    found = shapes.of_set(document.definitions[0].selection_set)  # type: ignore[attr-defined]
    assert (found.aliases, found.fields) == (4, 4)
    assert set(shapes.known) == {"F0", "F1", "F2"}


def test_sixty_doublings_are_refused_as_too_costly_without_walking_them() -> None:
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(60))
    document = parse(f"{{ ...F0 }} {fragments} fragment F60 on Query {{ __typename }}")

    (error,) = refusals(document, max_depth=10, max_aliases=30)

    assert error.extensions == {"code": "QUERY_TOO_COSTLY"}
    assert str(MAX_EXPANDED_FIELDS) in error.message


def test_a_fragment_cycle_adds_nothing_and_ends() -> None:
    document = parse("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")
    assert refusals(document, max_depth=10, max_aliases=30) == []
