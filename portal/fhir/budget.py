"""FHIR requests spend the same budget per minute as GraphQL operations (who pays:
`domain.budgets.budget_subject`), at fixed prices: a directory read or search as a
small query, a Slot search by the services and days it computes."""

from __future__ import annotations

from domain.actors import Actor
from domain.budgets import OverBudget, budget_subject, seconds_until_room, state
from portal.fhir.answers import FhirProblem
from resolvers.deps import Deps

#: A read or search of the directory (Practitioner, Location, HealthcareService, Schedule).
DIRECTORY_COST = 10
#: A Slot search, per day of its window (each of the schedule's services is computed).
SLOT_DAY_COST = 100


class OverFhirBudget(FhirProblem):
    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(429, "throttled", message)
        self.retry_after_seconds = retry_after_seconds


async def charge(deps: Deps, actor: Actor | None, client_address: str | None, cost: int) -> None:
    """Spend `cost`, or refuse with 429 and when to try again."""
    per_minute = deps.settings.cost_budget_per_minute
    if per_minute <= 0:
        return
    charged = min(max(cost, 1), per_minute)
    spending = await deps.budgets.spend(budget_subject(actor, client_address), charged, per_minute)
    if not spending.spent:
        budget = state(per_minute, spending.window)
        wait = seconds_until_room(per_minute, charged, spending.window)
        refusal = OverBudget(budget, cost, wait)
        raise OverFhirBudget(refusal.message, refusal.retry_after_seconds)
