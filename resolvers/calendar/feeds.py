"""Private calendar feeds: a patient's user subscribes to their patients' visits, a
practitioner user to their diary, from any calendar app, by a secret URL they can revoke.

The URL is `/calendar/<user id>.<mac>.ics`, the mac signed with the server secret over a
nonce kept on the user (`domain.signed_links`): the database holds no usable URL, and a
new nonce revokes the old one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain import signed_links
from domain.actors import Actor, UserKind
from domain.appointments import AppointmentStatus
from domain.errors import NotAllowed, NotFound
from domain.language import chosen_language
from domain.phrases import N_, Phrase
from domain.policy import require_signed_in
from domain.throttling import CALENDAR_FEEDS_PER_ADDRESS
from domain.words import translated
from persistence.models import AppointmentRow, UserRow
from resolvers.attempts import limit_per_address
from resolvers.deps import Deps
from resolvers.mail.calendar import feed_file
from resolvers.mail.notices import visit_facts
from resolvers.unit_of_work import UnitOfWork

PURPOSE = "calendar-feed"
#: What a feed shows: visits of the last month and of the year to come.
PAST = timedelta(days=31)
AHEAD = timedelta(days=366)
#: How each status shows in a calendar; holds and lapsed holds are not shown at all.
SHOWN_AS = {
    AppointmentStatus.BOOKED.value: "CONFIRMED",
    AppointmentStatus.COMPLETED.value: "CONFIRMED",
    AppointmentStatus.REQUESTED.value: "TENTATIVE",
    AppointmentStatus.PROVISIONAL.value: "TENTATIVE",
    AppointmentStatus.CANCELLED.value: "CANCELLED",
    AppointmentStatus.REJECTED.value: "CANCELLED",
}
FEED_KINDS = (UserKind.PATIENT, UserKind.PROVISIONAL_PATIENT, UserKind.PRACTITIONER)


def _owner(actor: Actor | None) -> Actor:
    actor = require_signed_in(actor)
    if actor.kind not in FEED_KINDS:
        raise NotAllowed("Calendar feeds are for patients' and practitioners' users.")
    return actor


def feed_url(deps: Deps, user_id: int, nonce: str) -> str:
    token = signed_links.sign(deps.settings.secret_key, PURPOSE, user_id, nonce)
    return f"{deps.settings.public_url}/calendar/{token}.ics"


async def calendar_feed_url(deps: Deps, actor: Actor | None) -> str | None:
    """The user's feed URL; null until they made one with resetCalendarFeed."""
    owner = _owner(actor)
    async with UnitOfWork(deps, write=False) as uow:
        user = await uow.users.get(owner.user_id)
    if user is None or user.calendar_nonce is None:
        return None
    return feed_url(deps, user.id, user.calendar_nonce)


async def reset_calendar_feed(deps: Deps, actor: Actor | None) -> str:
    """A new feed URL; the previous one answers 404 from now on."""
    owner = _owner(actor)
    async with UnitOfWork(deps) as uow:
        user = await uow.users.get(owner.user_id)
        if user is None:
            raise NotFound("No such user.")
        user.calendar_nonce = signed_links.new_nonce()
        await uow.commit()
    return feed_url(deps, user.id, user.calendar_nonce)


async def calendar_feed(deps: Deps, token: str, client_address: str | None) -> str | None:
    """The feed's iCalendar text; None for a token that is unknown, forged or revoked.
    Every fetch counts against the address's allowance (TooManyAttempts past it)."""
    await limit_per_address(deps, CALENDAR_FEEDS_PER_ADDRESS, client_address)
    now = deps.now()
    async with UnitOfWork(deps, write=False) as uow:
        try:
            user_id = signed_links.subject_of(token)
            user = await uow.users.get(user_id)
            if user is None or user.disabled_at is not None:
                return None
            signed_links.check(
                deps.settings.secret_key, PURPOSE, token, user.id, user.calendar_nonce
            )
        except NotFound:
            return None
        clinic = await uow.clinic.get()
        rows = await _visits_of(uow, user, now)
        visits = [(await visit_facts(uow, r, clinic), SHOWN_AS[r.status]) for r in rows]
    language = chosen_language(user.language, clinic.language)
    titled = N_("{clinic}: diary") if user.practitioner_id else N_("{clinic}: visits")
    name = translated(Phrase(titled, clinic=clinic.name), language)
    return feed_file(
        name, visits, public_url=deps.settings.public_url, stamp=now, language=language
    )


async def _visits_of(uow: UnitOfWork, user: UserRow, now: datetime) -> Sequence[AppointmentRow]:
    """The practitioner's diary, or the visits of the patients the user manages."""
    start, end = now - PAST, now + AHEAD
    if user.kind == UserKind.PRACTITIONER.value and user.practitioner_id is not None:
        found = list(await uow.appointments.of_practitioner(user.practitioner_id, start, end))
    else:
        found = []
        for patient_id in sorted(await uow.users.patient_ids(user.id)):
            found += await uow.appointments.visits_of(patient_id, start, end)
    return [r for r in found if r.status in SHOWN_AS]
