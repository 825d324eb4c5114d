"""The one policy: what each actor may see and do.

Every "may this actor …" question of the API is answered here; resolvers ask once per
operation, schema fields through `schema.core.permissions`, subscriptions on subscribe
and for every event. `docs/decisions.md` lists each path to a patient's data with the
function that guards it. An object an actor may not see answers exactly as a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from domain.actors import Actor
from domain.errors import NotAllowed
from domain.throttling import DiaryShare, TooManyAttempts
from domain.verification import same_email


def require_signed_in(actor: Actor | None) -> Actor:
    if actor is None:
        raise NotAllowed("Sign in first.")
    return actor


def is_staff(actor: Actor | None) -> bool:
    return actor is not None and actor.is_staff


def require_staff(actor: Actor | None) -> Actor:
    actor = require_signed_in(actor)
    if not actor.is_staff:
        raise NotAllowed("Only clinic staff may do this.")
    return actor


def may_manage_patient(actor: Actor | None, patient_id: int | None) -> bool:
    """Staff manage every patient; an online user only the patients linked to them."""
    if actor is None or patient_id is None:
        return False
    return actor.is_staff or patient_id in actor.patient_ids


def require_patient_access(actor: Actor | None, patient_id: int) -> Actor:
    actor = require_signed_in(actor)
    if not may_manage_patient(actor, patient_id):
        raise NotAllowed("You do not manage this patient.")
    return actor


@dataclass(frozen=True)
class AppointmentScope:
    """The appointments an actor may see, as one answer a list can be read with: every
    one, or those of one practitioner, created by one user, or of some patients."""

    everything: bool = False
    practitioner_id: int | None = None
    created_by_id: int | None = None
    patient_ids: frozenset[int] = frozenset()

    def admits(
        self, *, patient_id: int | None, practitioner_id: int | None, created_by_id: int | None
    ) -> bool:
        return (
            self.everything
            or (practitioner_id is not None and practitioner_id == self.practitioner_id)
            or (created_by_id is not None and created_by_id == self.created_by_id)
            or (patient_id is not None and patient_id in self.patient_ids)
        )


NO_APPOINTMENTS = AppointmentScope()


def grants(actor: Actor, scope: str) -> bool:
    """Whether the actor may use a part of the API: an online user every part their kind
    may; an API client only the parts its token's scopes name (`appointments:read`,
    `patients:read`, …)."""
    return actor.scopes is None or actor.has_scope(scope)


def appointments_visible_to(actor: Actor | None) -> AppointmentScope:
    """Staff see the diary; practitioners their own; users their patients' and their
    own holds. An API client sees them only with the scope `appointments:read`."""
    if actor is None or not grants(actor, "appointments:read"):
        return NO_APPOINTMENTS
    if actor.is_staff:
        return AppointmentScope(everything=True)
    return AppointmentScope(
        practitioner_id=actor.practitioner_id,
        created_by_id=actor.user_id,
        patient_ids=actor.patient_ids,
    )


def may_see_appointment(
    actor: Actor | None,
    *,
    patient_id: int | None,
    practitioner_id: int | None,
    created_by_id: int | None,
) -> bool:
    """Staff see the diary; practitioners their own; users their patients' and their own holds."""
    return appointments_visible_to(actor).admits(
        patient_id=patient_id, practitioner_id=practitioner_id, created_by_id=created_by_id
    )


def require_appointment_list(actor: Actor | None) -> AppointmentScope:
    """The `appointments` list: for whoever is signed in, showing what they may see."""
    return appointments_visible_to(require_signed_in(actor))


def require_staff_list(actor: Actor | None, scope: str) -> Actor:
    """A staff-only list (patients, pending requests, registrations, invitations); an
    API client also needs the scope that names it (`patients:read`)."""
    actor = require_staff(actor)
    if not grants(actor, scope):
        raise NotAllowed(f"This client's token lacks the scope {scope}.")
    return actor


def may_read_diary(actor: Actor | None, practitioner_id: int) -> bool:
    if actor is None:
        return False
    return actor.is_staff or actor.practitioner_id == practitioner_id


def may_request_hold(actor: Actor, created_by_id: int | None) -> bool:
    """Only the user who holds a slot turns the hold into a booking."""
    return created_by_id == actor.user_id


def may_release_hold(actor: Actor, created_by_id: int | None) -> bool:
    """The holder gives a slot back, or staff free it."""
    return actor.is_staff or created_by_id == actor.user_id


def may_see_user(actor: Actor | None, user_id: int | None) -> bool:
    """A user's account (and the patients it manages): staff, and the user themself."""
    if actor is None or user_id is None:
        return False
    return actor.is_staff or actor.user_id == user_id


class _HasId(Protocol):
    id: int


U = TypeVar("U", bound=_HasId)


def visible_users(actor: Actor | None, users: Iterable[U]) -> list[U]:
    """Of the users managing a patient: staff see all, a user only themself."""
    return [u for u in users if may_see_user(actor, u.id)]


def may_see_practitioners_offline(actor: Actor | None) -> bool:
    """Practitioners without online access are the clinic's business."""
    return is_staff(actor)


def may_verify_email(actor: Actor | None, user_id: int) -> bool:
    """A verification link proves the address for the account it was sent for, and only
    that account, signed in, may use it: whoever registers with another's address cannot
    have its owner confirm it with one careless click."""
    return actor is not None and actor.user_id == user_id


def may_accept_invitation(
    invited_email: str, verified_email: str | None, *, code_verified: bool
) -> bool:
    """An invitation is for the account that proved the invited address, or for whoever
    gave the verification code staff read out on the phone; a forwarded link is no one's."""
    return code_verified or same_email(invited_email, verified_email)


def may_see_verification_codes(actor: Actor | None) -> bool:
    """Invitation codes are read out by staff on the phone, never shown to users."""
    return is_staff(actor)


def may_watch_staff_notifications(actor: Actor | None) -> bool:
    return is_staff(actor)


def may_change_online_access(actor: Actor | None, user_id: int) -> bool:
    """Staff turn a user's online access off and on, never their own (so the front desk
    cannot lock itself out by a slip)."""
    return actor is not None and actor.is_staff and actor.user_id != user_id


def may_manage_session(actor: Actor | None, session_user_id: int) -> bool:
    """A sign-in session (a bearer token) is seen and ended by its own user only; anyone
    else's answers as a missing one."""
    return actor is not None and actor.user_id == session_user_id


#: A user whose email is not verified costs nothing to make: they occupy one slot at a
#: time, counting their requests and bookings, so hold-then-request cannot fill a day.
UNVERIFIED_SLOTS = 1


def require_room_to_hold(
    share: DiaryShare,
    *,
    verified: bool,
    max_live_holds: int,
    max_live_holds_per_address: int,
    now: datetime,
) -> None:
    """One more hold: within the user's share (smaller when unverified) and the address's."""
    if not verified and share.user_slots >= UNVERIFIED_SLOTS:
        raise NotAllowed("Confirm your email address to hold or book more than one slot at a time.")
    if share.user_holds >= max_live_holds:
        raise NotAllowed(f"You already hold {max_live_holds} slots; book or release one first.")
    if share.address_holds >= max_live_holds_per_address:
        lapse = share.address_next_lapse or now
        raise TooManyAttempts("slots held from your network", (lapse - now).total_seconds())
