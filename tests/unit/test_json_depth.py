"""How deep a JSON text nests, found without parsing it."""

from __future__ import annotations

import json

import pytest

from portal.middleware.http_limits import MAX_JSON_DEPTH, TooDeep, decode_bounded_json, json_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[["', 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ("[[], [], [[]]]", 3),
        (r'{"q": "a \"[{\" quoted", "v": [{}]}', 3),
        (r'["\\", ["\\\"]"]]', 2),
        ('{"query": "{ clinic { name } }", "variables": {"input": {"name": "x"}}}', 3),
    ],
)
def test_depth_counts_only_brackets_outside_strings(text: str, depth: int) -> None:
    assert json_depth(text) == depth
    assert json_depth(text.encode()) == depth


def test_an_unterminated_string_hides_the_rest() -> None:
    assert json_depth('[["abc') == 2
    assert json_depth('["' + '\\"[' * 10_000) == 1


def test_a_hundred_thousand_levels_are_seen_without_recursion() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert json_depth(deep) == 100_000
    with pytest.raises(TooDeep) as refused:
        decode_bounded_json(deep)
    assert isinstance(refused.value, json.JSONDecodeError)


def test_json_within_the_limit_decodes_as_usual() -> None:
    nested: object = "leaf"
    for _ in range(MAX_JSON_DEPTH):
        nested = [nested]
    text = json.dumps(nested)
    assert decode_bounded_json(text) == nested
    with pytest.raises(TooDeep):
        decode_bounded_json(f"[{text}]")
