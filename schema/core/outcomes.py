"""Running a use case for a field: its result converted, or the Problem it raised.

Each mutation's result union names its problems once; `problems_of` reads them from the
union, so no list of problems is written twice.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin, get_type_hints

from domain.errors import DomainError
from schema.core.context import Info
from schema.core.problems import Problem, to_problem

T = TypeVar("T")


@cache
def problems_of(result: Any) -> tuple[type[Problem], ...]:
    """The Problem members of a result union (`Annotated[A | B, strawberry.union(...)]`)."""
    if get_origin(result) is Annotated:
        result = get_args(result)[0]
    members = get_args(result) if get_origin(result) in (Union, type(int | str)) else ()
    return tuple(m for m in members if isinstance(m, type) and issubclass(m, Problem))


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
        return to_problem(error, problems_of(result))
    return convert(value)


def runs(
    use_case: Callable[..., Awaitable[Any]],
    convert: Callable[[Any], Any],
    *,
    with_client_address: bool = False,
    **renamed: str,
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """Make a field's signature its whole definition: the field's arguments go to
    `use_case(deps, actor, **arguments)` (an argument can be `renamed` on the way) and the
    outcome is `answer`ed within the union the signature returns. A use case limited per
    client address is also given `client_address` (`with_client_address=True`).

        @strawberry.mutation
        @runs(release_hold, Appointment.from_row)
        async def release_hold(self, info: Info, appointment_id: ID) -> ReleaseResult: ...
    """

    def decorate(field: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(field)
        async def resolve(self: Any, info: Info, **arguments: Any) -> Any:
            given = {renamed.get(name, name): value for name, value in arguments.items()}
            if with_client_address:
                given["client_address"] = info.context.client_address
            return await answer(info, use_case, convert, _result_of(field), **given)

        return resolve

    return decorate


@cache
def _result_of(field: Callable[..., Any]) -> Any:
    """The union a field's signature returns (read when first run, once names exist)."""
    return get_type_hints(field, include_extras=True)["return"]
