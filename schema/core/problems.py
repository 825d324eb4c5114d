"""Problem types: expected outcomes as data, and the one mapper from domain errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from domain import errors
from domain.language import DEFAULT_LANGUAGE
from domain.phrases import Said
from domain.words import translated


class InReadersLanguage(FieldExtension):
    """A problem's message in the reader's language (`Context.language`): the domain
    says it in English, remembering the phrase (`domain.phrases.Said`)."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        said = next_(source, info, **kwargs)
        if not isinstance(said, Said):
            return said
        return self._translated(said, info)

    async def resolve_async(
        self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        said = await next_(source, info, **kwargs)
        if not isinstance(said, Said):
            return said
        return await self._translated(said, info)

    @staticmethod
    async def _translated(said: Said, info: Info) -> str:
        language = await info.context.language()
        return said if language == DEFAULT_LANGUAGE else translated(said.phrase, language)


@strawberry.interface(
    description="An expected outcome that is not success, returned as data in a result union: select `... on Problem { code message }` to show any of them."
)
class Problem:
    code: str = strawberry.field(
        description="A stable code a client can switch on (e.g. NOT_FOUND, NOT_ALLOWED, INVALID_INPUT, SLOT_UNAVAILABLE)."
    )
    message: str = strawberry.field(
        description="A sentence a portal can show the user as it is, in the language their Accept-Language asks for among the clinic's (en, de), else their own setting, else the clinic's. Nothing else in a problem changes with the language.",
        extensions=[InReadersLanguage()],
    )


@strawberry.type(
    description="Nothing with that id or token exists for this user. Someone else's record answers exactly so, to tell nobody it exists."
)
class NotFound(Problem):
    pass


@strawberry.type(
    description="The user may not do this: not signed in, not staff, or a clinic setting forbids it (the message says which)."
)
class NotAllowed(Problem):
    pass


@strawberry.type(
    description="A value given is not acceptable (malformed, out of range, control characters); nothing was changed."
)
class InvalidInput(Problem):
    field: str | None = strawberry.field(
        default=None,
        description="The argument or input field that is wrong, as named in the operation (e.g. from, birthDate); null when no single one is.",
    )


@strawberry.type(
    description="The slot overlaps a temporary, requested, provisional or booked appointment."
)
class SlotUnavailable(Problem):
    pass


@strawberry.type(
    description="The hold lapsed before the request and someone else took the slot: hold another slot."
)
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


@strawberry.type(
    description="The verification code given with an invitation is wrong; after five wrong codes the invitation is revoked."
)
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

#: Mappers for problems that carry more than code and message, registered by the
#: capability that defines them.
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


@cache
def problems_of(result: Any) -> tuple[type[Problem], ...]:
    """The Problem members of a result union (`Annotated[A | B, strawberry.union(...)]`)."""
    if get_origin(result) is Annotated:
        result = get_args(result)[0]
    members = get_args(result) if get_origin(result) in (Union, type(int | str)) else ()
    return tuple(m for m in members if isinstance(m, type) and issubclass(m, Problem))


@cache
def result_of(field: Callable[..., Any]) -> Any:
    """The union a field's signature returns (read when first run, once names exist)."""
    return get_type_hints(field, include_extras=True)["return"]
