"""Who may call an operation, visible where it is declared.

    @strawberry.mutation
    @runs(accept, Appointment.from_row, requires=STAFF)
    async def accept(self, info: Info, ...) -> AppointmentResult: ...

    @strawberry.field
    @requires(staff_or_client_with(PATIENTS_READ))
    async def patients_connection(self, info: Info, ...) -> Connection[Patient]: ...

The requirement (a `domain.requirements` entry) is checked before the field's arguments
are read or its use case runs, so a caller of the wrong kind learns nothing about its
input. A field whose result union names problems answers the refusal as one of them;
any other field raises it, as its use case would. The use case keeps its own checks:
other adapters call it too.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from domain.errors import DomainError
from domain.requirements import Requirement
from schema.core.context import Info
from schema.core.problems import problems_of, result_of, to_problem

F = TypeVar("F", bound=Callable[..., Any])

_REQUIREMENT = "__requirement__"


def requirement_of(resolver: Callable[..., Any]) -> Requirement | None:
    """The requirement a field declared, if it did."""
    return getattr(resolver, _REQUIREMENT, None)


def requires(requirement: Requirement) -> Callable[[F], F]:
    """Check `requirement` of the caller before the field runs."""

    def decorate(field: F) -> F:
        if inspect.isasyncgenfunction(field):

            @functools.wraps(field)
            async def stream(self: Any, info: Info, **arguments: Any) -> AsyncIterator[Any]:
                requirement.check(info.context.actor)
                async for item in field(self, info, **arguments):
                    yield item

            return _declare(stream, requirement)

        @functools.wraps(field)
        async def resolve(self: Any, info: Info, **arguments: Any) -> Any:
            try:
                requirement.check(info.context.actor)
            except DomainError as error:
                allowed = problems_of(result_of(field))
                if not allowed:
                    raise
                return to_problem(error, allowed)
            return await field(self, info, **arguments)

        return _declare(resolve, requirement)

    return decorate


def _declare(resolver: Callable[..., Any], requirement: Requirement) -> Any:
    setattr(resolver, _REQUIREMENT, requirement)
    return resolver
