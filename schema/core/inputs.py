"""GraphQL inputs become the use cases' plain dataclasses field by field, by name."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry

D = TypeVar("D")


def as_data(given: Any, data: type[D]) -> D:
    """The use case's dataclass with the same fields as the Strawberry input."""
    return data(**strawberry.asdict(given))
