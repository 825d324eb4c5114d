"""Problem types: expected outcomes as data, and the one mapper from domain errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

from domain import errors

if TYPE_CHECKING:
    from schema.types import PatientMatch


@strawberry.interface
class Problem:
    code: str
    message: str


@strawberry.type
class NotFound(Problem):
    pass


@strawberry.type
class NotAllowed(Problem):
    pass


@strawberry.type
class InvalidInput(Problem):
    field: str | None = None


@strawberry.type(
    description="The slot overlaps a temporary, requested, provisional or booked appointment."
)
class SlotUnavailable(Problem):
    pass


@strawberry.type
class HoldExpired(Problem):
    pass


@strawberry.type(
    description="The patient has not consented to email/text contact, so no invitation can be sent."
)
class ConsentMissing(Problem):
    pass


@strawberry.type(
    description="The patient's email changed after the invitation was sent: delete it and invite again."
)
class InvitationStale(Problem):
    pass


@strawberry.type
class VerificationFailed(Problem):
    pass


_SIMPLE: dict[type[errors.DomainError], type[Problem]] = {
    errors.NotFound: NotFound,
    errors.NotAllowed: NotAllowed,
    errors.SlotUnavailable: SlotUnavailable,
    errors.HoldExpired: HoldExpired,
    errors.ConsentMissing: ConsentMissing,
    errors.InvitationStale: InvitationStale,
    errors.VerificationFailed: VerificationFailed,
}

#: Extra mappers for problems that carry more than code and message (set by their modules).
CUSTOM: dict[type[errors.DomainError], Callable[[Any], Problem]] = {}


def to_problem(error: errors.DomainError, allowed: tuple[type[Problem], ...]) -> Problem:
    """The Problem a client sees for a domain error, within what the field's union allows.

    A problem the union cannot carry is told as NotAllowed (every union that names
    problems has it), keeping its code and message.
    """
    if type(error) in CUSTOM:
        problem = CUSTOM[type(error)](error)
    elif isinstance(error, errors.InvalidInput):
        problem = InvalidInput(code=error.code, message=error.message, field=error.field)
    else:
        problem = _SIMPLE.get(type(error), NotAllowed)(code=error.code, message=error.message)
    if isinstance(problem, allowed):
        return problem
    fallback = NotAllowed if NotAllowed in allowed else allowed[0]
    return fallback(code=error.code, message=error.message)


T = TypeVar("T")
R = TypeVar("R")


async def outcome(attempt: Awaitable[T], convert: Callable[[T], R], *allowed: type[Problem]) -> Any:
    """Run a use case: its result converted for the schema, or the Problem it raised.

    Typed `Any` because the field's union names the exact members; Strawberry checks them.
    """
    try:
        value = await attempt
    except errors.DomainError as error:
        return to_problem(error, allowed)
    return convert(value)


def _patient_choice(error: errors.PatientChoiceRequired) -> Problem:
    from schema.types import PatientMatch

    return PatientChoiceRequired(
        code=error.code,
        message=error.message,
        candidates=[PatientMatch.from_found(c) for c in error.candidates],
    )


@strawberry.type(
    description="Several patient records match the requester: accept again naming one of them."
)
class PatientChoiceRequired(Problem):
    candidates: list[Annotated[PatientMatch, strawberry.lazy("schema.types")]]


CUSTOM[errors.PatientChoiceRequired] = _patient_choice
