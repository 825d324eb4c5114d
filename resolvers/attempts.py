"""Counting attempts before doing the work: the helper every limited operation calls.

    await limit_per_address(deps, MAIL_REQUESTS_PER_ADDRESS, client_address)

raises `TooManyAttempts` (with when to retry) or counts the attempt. A result union
that may carry it names `TooManyAttempts` from `schema.core.throttling`.
"""

from __future__ import annotations

from domain.throttling import Budget, Charge, TooManyAttempts, address_subject
from resolvers.deps import Deps
from resolvers.facts import Fact


async def limit(deps: Deps, *charges: Charge) -> None:
    """Count one attempt against every charge, or none when any must still wait."""
    left = await deps.attempts.spend(deps.now().timestamp(), charges)
    if left > 0:
        deps.facts.add(Fact.REFUSED, detail=charges[0].budget.name)
        raise TooManyAttempts(charges[0].budget.what, left)


async def limit_per_address(deps: Deps, budget: Budget, client_address: str | None) -> None:
    await limit(deps, per_address(budget, client_address))


def per_address(budget: Budget, client_address: str | None) -> Charge:
    return Charge(budget, address_subject(client_address))


async def limit_per_user(deps: Deps, budget: Budget, user_id: int) -> None:
    await limit(deps, Charge(budget, f"user:{user_id}"))
