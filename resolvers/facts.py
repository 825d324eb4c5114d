"""What happened, counted for the operators' metrics: holds placed, released and lapsed,
requests answered, waitlist offers, attempts refused.

Use cases count a fact with `uow.count(...)`, and it is told only once the transaction
commits; refusals are told as they happen (`resolvers/attempts.py`). The portal plugs its
counters in (`portal/operations/metrics.py`); without them, facts go nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Fact(StrEnum):
    HOLD_PLACED = "hold_placed"
    HOLD_RELEASED = "hold_released"
    HOLD_LAPSED = "hold_lapsed"
    REQUEST_ACCEPTED = "request_accepted"
    REQUEST_REJECTED = "request_rejected"
    OFFER_MADE = "offer_made"
    OFFER_TAKEN = "offer_taken"
    OFFER_DECLINED = "offer_declined"
    OFFER_LAPSED = "offer_lapsed"
    #: An attempt refused by a limit; the detail says which (its budget's `what`).
    REFUSED = "refused"


#: Told `(fact, detail, amount)`.
Observer = Callable[[Fact, str, int], None]


@dataclass
class Facts:
    observer: Observer | None = None

    def add(self, fact: Fact, amount: int = 1, detail: str = "") -> None:
        if self.observer is not None and amount > 0:
            self.observer(fact, detail, amount)
