"""Cost budgets per minute: each API client, each signed-in user and each anonymous
client address may spend so much estimated query cost a minute, over all processes.

The count is a sliding window counter (the `limits` library's, kept by
`persistence.budgets`): the cost spent in the current minute plus the previous minute's,
weighted by how much of it still lies within the last sixty seconds. These functions
read such a window: what is left, when there is room for an operation again, when the
whole budget is back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from domain.actors import Actor
from domain.errors import DomainError
from domain.phrases import Phrase
from domain.throttling import address_subject

#: The window every budget counts over.
WINDOW_SECONDS = 60
#: The default budget of one subject per minute: five operations at the most one may
#: cost (QUERY_COST_BUDGET's default, 50,000), about sixty sign-ins, or some 350 pages of
#: 100 patients with their users. An address may stand for many people (an office, a
#: mobile network's shared address), so this is for floods, not for careful users. See
#: docs/decisions.md, "Connections and budgets".
DEFAULT_PER_MINUTE = 250_000
RATE_LIMITED = "RATE_LIMITED"


def budget_subject(actor: Actor | None, client_address: str | None) -> str:
    """Who pays for an operation: the API client acting, else the signed-in user, else
    the client address (an IPv6 client as its /64, as every limit per address)."""
    if actor is not None and actor.client_id is not None:
        return f"client:{actor.client_id}"
    if actor is not None:
        return f"user:{actor.user_id}"
    return f"address:{address_subject(client_address)}"


@dataclass(frozen=True)
class Window:
    """A sliding window counter as its store tells it: the previous and the current
    window's counts, with the seconds until each stops counting (`previous_expires_in`
    is also the time left in the current window)."""

    previous_count: int
    previous_expires_in: float
    current_count: int
    current_expires_in: float
    seconds: int = WINDOW_SECONDS

    def spent(self, after: float = 0.0) -> float:
        """The weighted cost spent, `after` seconds from now if nothing more is spent:
        the previous window's count fading out over its time left, and the current
        window's in full until it ends, then fading out in turn."""
        previous = self.previous_count * max(0.0, self.previous_expires_in - after)
        current_ends = self.current_expires_in - self.seconds
        if after < current_ends:
            current = float(self.current_count * self.seconds)
        else:
            current = self.current_count * max(0.0, self.current_expires_in - after)
        return (previous + current) / self.seconds

    @property
    def gone_after(self) -> float:
        """Seconds until nothing spent so far counts any more."""
        return max(
            self.previous_expires_in if self.previous_count else 0.0,
            self.current_expires_in if self.current_count else 0.0,
            0.0,
        )


@dataclass(frozen=True)
class BudgetState:
    """What a client is told with every answer: the budget, what is left of it, and the
    seconds until all of it is back."""

    limit: int
    remaining: int
    reset_seconds: int


def state(limit: int, window: Window) -> BudgetState:
    remaining = max(0, limit - math.floor(window.spent()))
    return BudgetState(limit=limit, remaining=remaining, reset_seconds=math.ceil(window.gone_after))


def seconds_until_room(limit: int, cost: int, window: Window) -> float:
    """How long until an operation of `cost` fits (as the counter decides: the whole
    part of what is spent, plus the cost, within the limit), if nothing more is spent
    meanwhile. What is spent only falls with time, so the first such moment is found
    by halving the interval until it is known to a tenth of a second."""
    room = limit - cost + 1

    def fits(after: float) -> bool:
        return window.spent(after) < room

    if fits(0.0):
        return 0.0
    low, high = 0.0, window.gone_after
    while high - low > 0.1:
        middle = (low + high) / 2
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high


class OverBudget(DomainError):
    """The subject spent its budget for now: nothing was run."""

    code = RATE_LIMITED

    def __init__(self, state: BudgetState, cost: int, wait_seconds: float) -> None:
        self.state = state
        self.cost = cost
        self.retry_after_seconds = max(1, math.ceil(wait_seconds))
        super().__init__(
            Phrase(
                "This operation would cost {cost} and {remaining} of the budget of {limit} a"
                " minute is left; try again in {seconds} s.",
                cost=cost,
                remaining=state.remaining,
                limit=state.limit,
                seconds=self.retry_after_seconds,
            )
        )
