"""Running a use case for a field: its result converted, or the Problem it raised.

Each mutation's result union names its problems once; `problems_of` reads them from the
union, so no list of problems is written twice.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.errors import DomainError
from domain.requirements import Requirement
from schema.core import access
from schema.core.context import Info
from schema.core.problems import problems_of, result_of, to_problem

T = TypeVar("T")


async def answer(
    info: Info,
    use_case: Callable[..., Awaitable[T]],
    convert: Callable[[T], Any],
    result: Any,
    **arguments: Any,
) -> Any:
    """`use_case(deps, actor, **arguments)`, converted for the schema; a domain error
    becomes the Problem the field's `result` union allows.

    Typed `Any` because the field's union names the exact members; Strawberry checks them.
    """
    try:
        value = await use_case(info.context.deps, info.context.actor, **arguments)
    except DomainError as error:
        problem = to_problem(error, problems_of(result))
        info.context.problems.append(type(problem).__name__)
        return problem
    return convert(value)


def runs(
    use_case: Callable[..., Awaitable[Any]],
    convert: Callable[[Any], Any],
    *,
    requires: Requirement,
    with_client_address: bool = False,
    **renamed: str,
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """Make a field's signature its whole definition: who may call it (`requires`), then
    the field's arguments go to `use_case(deps, actor, **arguments)` (an argument can be
    `renamed` on the way) and the outcome is `answer`ed within the union the signature
    returns. A use case limited per client address is also given `client_address`
    (`with_client_address=True`).

        @strawberry.mutation
        @runs(release_hold, Appointment.from_row, requires=SIGNED_IN_PERSON)
        async def release_hold(self, info: Info, appointment_id: ID) -> ReleaseResult: ...
    """

    def decorate(field: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(field)
        async def resolve(self: Any, info: Info, **arguments: Any) -> Any:
            given = {renamed.get(name, name): value for name, value in arguments.items()}
            if with_client_address:
                given["client_address"] = info.context.client_address
            return await answer(info, use_case, convert, result_of(field), **given)

        return access.requires(requires)(resolve)

    return decorate
