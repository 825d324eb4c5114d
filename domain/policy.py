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

from domain.actors import Actor, UserKind
from domain.errors import NotAllowed
from domain.phrases import Phrase
from domain.scopes import (
    APPOINTMENTS_READ,
    APPOINTMENTS_WRITE,
    AVAILABILITY_READ,
    PATIENTS_READ,
    WEBHOOKS_MANAGE,
)
from domain.throttling import DiaryShare, TooManyAttempts
from domain.verification import same_email


def require_signed_in(actor: Actor | None) -> Actor:
    """An online user signed in: a person's own operations (holds, requests, own visits,
    sessions, password, email, invitations) are never an API client's."""
    if actor is None:
        raise NotAllowed("Sign in first.")
    if actor.is_client:
        raise NotAllowed("This is for a signed-in person, not an API client.")
    return actor


def may_use(actor: Actor | None, scope: str) -> bool:
    """An API client reaches only what its token's scopes grant."""
    return actor is not None and actor.has_scope(scope)


def may_read_availability(actor: Actor | None) -> bool:
    """The clinic, its locations, services, practitioners, free slots and their changes
    are public; an API client needs `availability:read`."""
    return actor is None or not actor.is_client or may_use(actor, AVAILABILITY_READ)


def require_availability(actor: Actor | None) -> None:
    if not may_read_availability(actor):
        raise NotAllowed("This API client may not read availability.")


def require_staff_or_scope(actor: Actor | None, scope: str) -> Actor:
    """Clinic staff, or an API client whose token grants `scope`."""
    if actor is not None and actor.is_client:
        if not may_use(actor, scope):
            raise NotAllowed("This API client's scopes do not grant this.")
        return actor
    return require_staff(actor)


def require_patients_read(actor: Actor | None) -> Actor:
    return require_staff_or_scope(actor, PATIENTS_READ)


def require_appointments_write(actor: Actor | None) -> Actor:
    return require_staff_or_scope(actor, APPOINTMENTS_WRITE)


def may_see_patient_of_appointment(actor: Actor | None) -> bool:
    """`Appointment.patient`: for a user, the appointment's own guard let it through; an
    API client also needs `patients:read`."""
    return actor is None or not actor.is_client or may_use(actor, PATIENTS_READ)


def may_read_appointment_note(actor: Actor | None) -> bool:
    """`Appointment.note`, the patient's own words: whoever the appointment's guard let
    through (staff, its practitioner, its patient's users); an API client also needs
    `patients:read`, as for the patient it names."""
    return actor is None or not actor.is_client or may_use(actor, PATIENTS_READ)


def is_staff(actor: Actor | None) -> bool:
    return actor is not None and actor.is_staff


def may_see_process_detail(actor: Actor | None, *, production: bool) -> bool:
    """What a server process holds (its live subscriptions and feeds): anyone's to read
    in development, only staff's in production, where others learn only up or down."""
    return not production or is_staff(actor)


def may_read_operations(*, production: bool, token_given: bool, from_loopback: bool) -> bool:
    """Metrics, and what each readiness check found, are for the operators: whoever
    holds the metrics token; in development also anyone on this machine (without a
    token set, the endpoint is off in production)."""
    if token_given:
        return True
    return not production and from_loopback


def may_see_readiness_detail(*, production: bool, token_given: bool) -> bool:
    """In production, anyone else learns only which checks failed."""
    return not production or token_given


def require_staff(actor: Actor | None) -> Actor:
    actor = require_signed_in(actor)
    if not actor.is_staff:
        raise NotAllowed("Only clinic staff may do this.")
    return actor


def may_manage_patient(actor: Actor | None, patient_id: int | None) -> bool:
    """Staff manage every patient; an online user only the patients linked to them; an
    API client none (it reads patients with `patients:read`, see `require_patients_read`)."""
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


def appointments_visible_to(actor: Actor | None) -> AppointmentScope:
    """Staff see the diary; practitioners their own; users their patients' and their
    own holds. An API client sees every one with the scope `appointments:read`, none
    without."""
    if actor is None:
        return NO_APPOINTMENTS
    if actor.is_client:
        return (
            AppointmentScope(everything=True)
            if may_use(actor, APPOINTMENTS_READ)
            else NO_APPOINTMENTS
        )
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
    """Staff see the diary; practitioners their own; users their patients' and their own
    holds; an API client every appointment with `appointments:read`, none without."""
    return appointments_visible_to(actor).admits(
        patient_id=patient_id, practitioner_id=practitioner_id, created_by_id=created_by_id
    )


def may_see_patient_reference(actor: Actor | None) -> bool:
    """Which patient a visit is for, beside the visit itself: an API client needs
    patients:read for it (appointments:read alone shows times and places); a person who
    may see the visit may see whose it is."""
    if actor is None:
        return False
    return not actor.is_client or may_use(actor, PATIENTS_READ)


def require_appointment_list(actor: Actor | None) -> AppointmentScope:
    """The `appointments` list: for whoever is signed in (a person or an API client),
    showing what they may see."""
    if actor is None:
        raise NotAllowed("Sign in first.")
    return appointments_visible_to(actor)


def require_staff_list(actor: Actor | None, scope: str) -> Actor:
    """A staff-only list (patients, pending requests, registrations, invitations): staff,
    or an API client whose token grants the scope that names it."""
    return require_staff_or_scope(actor, scope)


def may_read_diary(actor: Actor | None, practitioner_id: int) -> bool:
    if actor is None:
        return False
    if actor.is_client:
        return may_use(actor, APPOINTMENTS_READ)
    return actor.is_staff or actor.practitioner_id == practitioner_id


def may_read_visits(actor: Actor | None, patient_id: int) -> bool:
    """A patient's visits: who manages the patient, or an API client with
    `appointments:read` (the clinic named it a partner for its appointments)."""
    if actor is not None and actor.is_client:
        return may_use(actor, APPOINTMENTS_READ)
    return may_manage_patient(actor, patient_id)


def require_holder(actor: Actor | None) -> Actor:
    """`hold`: a signed-in person, or a partner's API client with `appointments:write`
    (a booking hub holding a time for one of its users)."""
    return require_person_or_scope(actor, APPOINTMENTS_WRITE)


def is_holder(actor: Actor, created_by_id: int | None, held_by_client_id: int | None) -> bool:
    """Whoever placed the hold: its user, or its API client while it keeps the scope."""
    if actor.is_client:
        return held_by_client_id == actor.client_id and may_use(actor, APPOINTMENTS_WRITE)
    return created_by_id == actor.user_id


def may_request_hold(
    actor: Actor, created_by_id: int | None, held_by_client_id: int | None = None
) -> bool:
    """Only the holder turns the hold into a booking."""
    return is_holder(actor, created_by_id, held_by_client_id)


def may_release_hold(
    actor: Actor, created_by_id: int | None, held_by_client_id: int | None = None
) -> bool:
    """The holder gives a slot back, or staff free it."""
    return actor.is_staff or is_holder(actor, created_by_id, held_by_client_id)


def may_book_for(actor: Actor, patient_id: int) -> bool:
    """Whom a hold may be booked for: a person, the patients they manage (staff: any); a
    partner's API client, any patient of the clinic when its token grants
    `appointments:write` and `patients:read` (without reading patients it has no
    business knowing their ids)."""
    if actor.is_client:
        return may_use(actor, APPOINTMENTS_WRITE) and may_use(actor, PATIENTS_READ)
    return may_manage_patient(actor, patient_id)


def require_booking_for(actor: Actor, patient_id: int) -> Actor:
    if not may_book_for(actor, patient_id):
        if actor.is_client:
            raise NotAllowed(
                "Booking for a patient needs the scopes appointments:write and patients:read."
            )
        raise NotAllowed("You do not manage this patient.")
    return actor


def may_see_user(actor: Actor | None, user_id: int | None) -> bool:
    """A user's account (and the patients it manages): staff, and the user themself;
    never an API client."""
    if actor is None or user_id is None or actor.is_client:
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
    return actor is not None and not actor.is_client and actor.user_id == user_id


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
    return actor is not None and not actor.is_client and actor.user_id == session_user_id


#: Live holds one partner's API client may keep at once (see require_client_room_to_hold).
CLIENT_LIVE_HOLDS = 20

#: A user whose email is not verified costs nothing to make: they occupy one slot at a
#: time, counting their requests and bookings, so hold-then-request cannot fill a day.
UNVERIFIED_SLOTS = 1


def must_prove_email(actor: Actor) -> bool:
    """Only a self-registered provisional patient must have proved their email to hold
    more than one slot: staff vouched for everyone else."""
    return actor.kind is UserKind.PROVISIONAL_PATIENT


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
        raise NotAllowed(
            Phrase(
                "You already hold {max_live_holds} slots; book or release one first.",
                max_live_holds=max_live_holds,
            )
        )
    if share.address_holds >= max_live_holds_per_address:
        lapse = share.address_next_lapse or now
        raise TooManyAttempts("slots held from your network", (lapse - now).total_seconds())


def require_client_room_to_hold(
    live_holds: int, next_lapse: datetime | None, now: datetime
) -> None:
    """A partner's API client holds at most `CLIENT_LIVE_HOLDS` times at once: a hub
    holds for many users, yet cannot fill the diary with holds it never books."""
    if live_holds > CLIENT_LIVE_HOLDS:
        raise TooManyAttempts(
            "slots held by this API client", ((next_lapse or now) - now).total_seconds()
        )


def require_person_or_scope(actor: Actor | None, scope: str) -> Actor:
    """A signed-in person (the object rules decide what they may touch), or an API client
    whose token grants `scope`."""
    if actor is None:
        raise NotAllowed("Sign in first.")
    if actor.is_client and not may_use(actor, scope):
        raise NotAllowed("This API client's scopes do not grant this.")
    return actor


def require_mover(actor: Actor | None) -> Actor:
    """`rescheduleAppointment`: a signed-in person, or an API client with
    `appointments:write`."""
    return require_person_or_scope(actor, APPOINTMENTS_WRITE)


def may_move_appointment(actor: Actor, patient_id: int | None) -> bool:
    """Staff move any visit, an API client with `appointments:write` any, a user the
    visits of the patients they manage. Anyone else's answers as a missing one."""
    if actor.is_client:
        return may_use(actor, APPOINTMENTS_WRITE)
    return may_manage_patient(actor, patient_id)


def acts_for_the_clinic(actor: Actor) -> bool:
    """Staff, and partners' programs the clinic gave `appointments:write`, act for the
    clinic: the notice windows and move caps bind only patients' users."""
    return actor.is_staff or actor.is_client


def may_change_practitioner_or_service(actor: Actor) -> bool:
    """Moving a visit to another practitioner or service is the front desk's call."""
    return actor.is_staff


def may_manage_webhooks(actor: Actor | None) -> bool:
    """Webhook endpoints are set up by staff, or by an API client granted the scope."""
    return actor is not None and (actor.is_staff or actor.has_scope(WEBHOOKS_MANAGE))


def require_webhook_manager(actor: Actor | None) -> Actor:
    if actor is None:
        raise NotAllowed("Sign in first.")
    if not may_manage_webhooks(actor):
        raise NotAllowed("Only clinic staff, or an API client allowed to manage webhooks, may.")
    return actor


def webhook_owner(actor: Actor) -> int | None:
    """Whose a new endpoint is: the API client's that creates it, else the clinic's (None)."""
    return actor.client_id


def visible_webhook_owner(actor: Actor) -> tuple[int | None, bool]:
    """Which endpoints a webhook manager lists: `(owner client, every)`. An API client
    its own only; staff every one."""
    if actor.client_id is not None:
        return actor.client_id, False
    return None, True


def may_manage_webhook_endpoint(actor: Actor | None, owner_client_id: int | None) -> bool:
    """An API client sees and manages its own endpoints only; staff signed in as
    themselves see and manage all of them. Anyone else's answers as a missing one."""
    if actor is None or not may_manage_webhooks(actor):
        return False
    if actor.client_id is not None:
        return owner_client_id == actor.client_id
    return actor.is_staff


#: Live fields whose events read the same for anyone who may subscribe (a slot's state
#: says nothing of who took it), so they may be computed once for every subscriber.
PUBLIC_LIVE_FIELDS = frozenset({"slotChanges"})
PUBLIC_AUDIENCE = "public"


def live_audience(actor: Actor | None, field: str) -> str | None:
    """Who a live field's events may be computed once for and sent to alike: everyone,
    computed as for an anonymous visitor, for a public field; None when each
    subscriber's events must be computed as them (their own patients, staff only, and
    API clients, whose scopes decide)."""
    if actor is not None and actor.is_client:
        return None  # an API client's scopes are checked for it, event by event
    return PUBLIC_AUDIENCE if field in PUBLIC_LIVE_FIELDS else None
