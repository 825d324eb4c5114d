"""Who may call an operation at all, by the kind of caller: the requirement each
operation declares where the schema states it (`@runs(..., requires=STAFF)`).

Each requirement is a check of `domain.policy`, which raises `NotAllowed`; whether the
caller may touch the particular object an operation names (this patient, this visit,
this endpoint) stays with the policy's object rules, called by the use case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from domain.actors import Actor
from domain.policy import (
    require_appointment_list,
    require_appointments_write,
    require_availability,
    require_holder,
    require_mover,
    require_signed_in,
    require_staff,
    require_staff_or_scope,
    require_webhook_manager,
)


@dataclass(frozen=True)
class Requirement:
    """A kind of caller, as a newcomer reads it (`says`), and the policy's check of it."""

    says: str
    check: Callable[[Actor | None], object]


def _anyone(actor: Actor | None) -> None:
    """Nothing to check of the caller."""


ANYONE = Requirement("anyone", _anyone)
#: Anyone may call it; what it reads or changes is decided per object by the policy
#: (a visit of someone else's patient answers as a missing one).
PER_OBJECT = Requirement("anyone; the policy decides per object named", _anyone)
SIGNED_IN_PERSON = Requirement("a signed-in person (not an API client)", require_signed_in)
SIGNED_IN = Requirement("anyone signed in (a person or an API client)", require_appointment_list)
STAFF = Requirement("staff", require_staff)
AVAILABILITY = Requirement(
    "anyone but an API client without availability:read", require_availability
)
APPOINTMENTS_WRITE = Requirement(
    "staff, or an API client with appointments:write", require_appointments_write
)
MOVER = Requirement("a signed-in person, or an API client with appointments:write", require_mover)
#: hold, releaseHold, request: a person for themself, or a partner's program for its users.
HOLDER = Requirement("a signed-in person, or an API client with appointments:write", require_holder)
WEBHOOK_MANAGER = Requirement(
    "staff, or an API client with webhooks:manage", require_webhook_manager
)


def staff_or_client_with(scope: str) -> Requirement:
    """Staff, or an API client whose token grants `scope`."""
    return Requirement(
        f"staff, or an API client with {scope}", partial(require_staff_or_scope, scope=scope)
    )
