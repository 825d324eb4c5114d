"""Descriptions for schema elements whose Python definition lives outside `schema/`.

The domain's enums and the use cases' input dataclasses are served as they are (one
spelling), so their descriptions cannot sit beside them without importing Strawberry
there. Everything defined in `schema/` carries its description in place instead.
"""

from __future__ import annotations

from typing import Any


def describe(cls: Any, description: str | None = None, **members: str) -> Any:
    """Give a Strawberry type, input or enum its description and its fields' or values'
    (by Python name). A name that is not a member is a mistake and fails at import."""
    definition = cls.__strawberry_definition__
    if description is not None:
        definition.description = description
    known = {
        getattr(member, "python_name", None) or member.name: member
        for member in getattr(definition, "fields", None) or definition.values
    }
    for name, text in members.items():
        if name not in known:
            raise KeyError(f"{definition.name} has no member {name}")
        known[name].description = text
    return cls
