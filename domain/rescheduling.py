"""Moving and cancelling a visit: which may move, the clinic's notice windows, the cap on
a patient's moves, and what a moved visit becomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.appointments import AppointmentStatus, PatientResponse
from domain.errors import DomainError, InvalidInput, NotAllowed
from domain.phrases import Phrase

#: What may move: anything waiting for staff or booked, not yet begun.
MOVABLE: frozenset[AppointmentStatus] = frozenset(
    {AppointmentStatus.BOOKED, AppointmentStatus.REQUESTED, AppointmentStatus.PROVISIONAL}
)


class TooLateToChange(DomainError):
    """Inside the clinic's notice window: a patient may no longer change this online."""

    code = "TOO_LATE_TO_CHANGE"

    def __init__(self, message: str | Phrase, deadline: datetime, phone: str | None) -> None:
        super().__init__(message)
        self.deadline = deadline
        self.phone = phone


@dataclass(frozen=True)
class ChangeRules:
    """The clinic's rules for patients changing a visit online. Staff are never bound."""

    cancel_notice: timedelta
    reschedule_notice: timedelta
    #: How often a patient may move one visit; 0 is unlimited.
    max_reschedules: int
    cancel_online: bool
    moved_visits_need_approval: bool
    phone: str | None
    #: The clinic's zone, in which deadlines are told.
    zone: ZoneInfo

    @classmethod
    def of(
        cls,
        *,
        cancel_notice_hours: int,
        reschedule_notice_hours: int,
        max_reschedules: int,
        cancel_online: bool,
        moved_visits_need_approval: bool,
        phone: str | None,
        zone: ZoneInfo,
    ) -> ChangeRules:
        return cls(
            timedelta(hours=cancel_notice_hours),
            timedelta(hours=reschedule_notice_hours),
            max_reschedules,
            cancel_online,
            moved_visits_need_approval,
            phone,
            zone,
        )


@dataclass(frozen=True)
class ChangeDeadlines:
    """Until when a patient may still cancel, and move, a visit online; None: not online."""

    cancel: datetime | None
    reschedule: datetime | None


def _call(phone: str | None) -> str:
    return f"please call the clinic on {phone}" if phone else "please call the clinic"


def check_movable(status: AppointmentStatus, start: datetime, now: datetime) -> None:
    """Only a visit to come that is booked or waiting for staff moves."""
    if status not in MOVABLE:
        raise InvalidInput(
            Phrase(
                "This appointment is {status} and cannot be moved.",
                status=Phrase(status.value.lower()),
            ),
            "appointmentId",
        )
    if start <= now:
        raise InvalidInput("This visit has already started.", "appointmentId")


def check_reschedule_notice(
    rules: ChangeRules, *, start: datetime, moves: int, now: datetime
) -> None:
    """A patient moves a visit only before the notice window, and not more often than
    the clinic allows."""
    deadline = (start - rules.reschedule_notice).astimezone(rules.zone)
    if now >= deadline:
        raise TooLateToChange(
            Phrase("This visit can no longer be moved online; {value}.", value=_call(rules.phone)),
            deadline,
            rules.phone,
        )
    if rules.max_reschedules and moves >= rules.max_reschedules:
        raise NotAllowed(
            Phrase(
                "This visit has been moved {moves} times, as often as the clinic allows online; {value}.",
                moves=moves,
                value=_call(rules.phone),
            )
        )


def check_cancel_notice(rules: ChangeRules, *, start: datetime, now: datetime) -> None:
    """A patient cancels a visit only before the notice window."""
    deadline = (start - rules.cancel_notice).astimezone(rules.zone)
    if now >= deadline:
        raise TooLateToChange(
            Phrase(
                "This visit can no longer be cancelled online; {value}.", value=_call(rules.phone)
            ),
            deadline,
            rules.phone,
        )


def change_deadlines(
    rules: ChangeRules,
    *,
    status: AppointmentStatus,
    response: PatientResponse,
    start: datetime,
    moves: int,
    now: datetime,
) -> ChangeDeadlines:
    """What the portal shows per visit, so it greys a button instead of failing: the
    last moment each change is accepted online, or None when it is not (any more)."""
    cancel = start - rules.cancel_notice
    reschedule = start - rules.reschedule_notice
    cancellable = (
        status is AppointmentStatus.BOOKED
        and rules.cancel_online
        and response is not PatientResponse.CANCEL_REQUESTED
        and now < cancel
    )
    movable = (
        status in MOVABLE
        and now < reschedule
        and not (rules.max_reschedules and moves >= rules.max_reschedules)
    )
    return ChangeDeadlines(cancel if cancellable else None, reschedule if movable else None)


def status_after_move(
    status: AppointmentStatus, *, by_patient: bool, rules: ChangeRules
) -> AppointmentStatus:
    """A request stays a request (staff answer it once), a provisional booking stays
    provisional; a booked visit a patient moves waits for staff again only where the
    clinic says so."""
    if status is AppointmentStatus.BOOKED and by_patient and rules.moved_visits_need_approval:
        return AppointmentStatus.REQUESTED
    return status
