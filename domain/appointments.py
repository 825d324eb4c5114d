"""The life of an appointment: statuses, what counts as live, and the allowed moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import HoldExpired, InvalidInput
from domain.phrases import N_, Phrase


class AppointmentStatus(StrEnum):
    TEMPORARY = "TEMPORARY"
    REQUESTED = "REQUESTED"
    PROVISIONAL = "PROVISIONAL"
    BOOKED = "BOOKED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"
    #: A hold that ran out. Kept (never shown) so a late `request` can say HoldExpired.
    LAPSED = "LAPSED"


class PatientResponse(StrEnum):
    NONE = "NONE"
    CONFIRMED = "CONFIRMED"
    CANCEL_REQUESTED = "CANCEL_REQUESTED"


class VisitStatus(StrEnum):
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    AWAITING_RESPONSE = "AWAITING_RESPONSE"
    PATIENT_CONFIRMED = "PATIENT_CONFIRMED"
    PENDING_CANCEL = "PENDING_CANCEL"


#: Statuses that occupy the diary. A TEMPORARY one occupies it only until its hold expires.
LIVE_STATUSES: frozenset[AppointmentStatus] = frozenset(
    {
        AppointmentStatus.TEMPORARY,
        AppointmentStatus.REQUESTED,
        AppointmentStatus.PROVISIONAL,
        AppointmentStatus.BOOKED,
        AppointmentStatus.COMPLETED,
    }
)

#: Never shown by the API: a lapsed hold is kept only so that a late `request` can say
#: HoldExpired (or still book a slot nobody took). Everywhere else it is as good as gone.
HIDDEN_STATUSES: frozenset[AppointmentStatus] = frozenset({AppointmentStatus.LAPSED})

#: Statuses staff answer with accept or reject.
PENDING_STATUSES: frozenset[AppointmentStatus] = frozenset(
    {AppointmentStatus.REQUESTED, AppointmentStatus.PROVISIONAL}
)


def is_live(status: AppointmentStatus, hold_expires_at: datetime | None, now: datetime) -> bool:
    """Whether the appointment blocks its time: expired holds never block anyone."""
    if status not in LIVE_STATUSES:
        return False
    if status is AppointmentStatus.TEMPORARY:
        return hold_expires_at is not None and hold_expires_at > now
    return True


def is_shown(status: AppointmentStatus) -> bool:
    return status not in HIDDEN_STATUSES


def status_as_told(status: AppointmentStatus) -> AppointmentStatus:
    """The status a client is told. A hold that its holder released, or that lapsed, is
    told as CANCELLED: the contract has no LAPSED, and to the holder it is cancelled."""
    return AppointmentStatus.CANCELLED if status in HIDDEN_STATUSES else status


def is_expired_hold(
    status: AppointmentStatus, hold_expires_at: datetime | None, now: datetime
) -> bool:
    return status is AppointmentStatus.TEMPORARY and (
        hold_expires_at is None or hold_expires_at <= now
    )


def status_after_request(
    *, approval_required: bool, patient_provisional: bool
) -> AppointmentStatus:
    """What a hold becomes when the user books it for a patient."""
    if patient_provisional:
        return AppointmentStatus.PROVISIONAL
    if approval_required:
        return AppointmentStatus.REQUESTED
    return AppointmentStatus.BOOKED


def status_after_admission(*, approval_required: bool) -> AppointmentStatus:
    """What a PROVISIONAL appointment becomes once its patient is admitted or linked."""
    return AppointmentStatus.REQUESTED if approval_required else AppointmentStatus.BOOKED


def check_request(status: AppointmentStatus) -> None:
    """A hold may be requested while it is a hold (who may is the policy's question).

    An expired or lapsed hold is the caller's to re-check: it goes through only when the
    slot is still free, otherwise `HoldExpired`.
    """
    if status not in (AppointmentStatus.TEMPORARY, AppointmentStatus.LAPSED):
        raise InvalidInput(
            Phrase(
                "This appointment is {status}, not a hold.", status=Phrase(status.value.lower())
            ),
            "appointmentId",
        )


def ensure_hold_usable(slot_still_free: bool) -> None:
    if not slot_still_free:
        raise HoldExpired(
            "The hold lapsed and someone else has taken the slot; choose another time."
        )


def check_release(status: AppointmentStatus) -> None:
    if status is not AppointmentStatus.TEMPORARY:
        raise InvalidInput("Only a hold can be released.", "appointmentId")


def check_answerable(status: AppointmentStatus) -> None:
    """Staff accept or reject only what is waiting for them."""
    if status not in PENDING_STATUSES:
        raise InvalidInput(
            Phrase(
                "This appointment is {status}; only requests can be answered.",
                status=Phrase(status.value.lower()),
            ),
            "appointmentId",
        )


def visit_status(status: AppointmentStatus, response: PatientResponse) -> VisitStatus:
    """What the client portal shows for a visit."""
    if status is AppointmentStatus.COMPLETED:
        return VisitStatus.COMPLETED
    if status in (AppointmentStatus.CANCELLED, AppointmentStatus.REJECTED):
        return VisitStatus.CANCELLED
    if response is PatientResponse.CONFIRMED:
        return VisitStatus.PATIENT_CONFIRMED
    if response is PatientResponse.CANCEL_REQUESTED:
        return VisitStatus.PENDING_CANCEL
    return VisitStatus.AWAITING_RESPONSE


def check_patient_response(status: AppointmentStatus, start: datetime, now: datetime) -> None:
    """Patients answer (confirm, cancel, change) only booked visits still to come."""
    if status is not AppointmentStatus.BOOKED:
        raise InvalidInput(
            Phrase(
                "Only booked visits can be confirmed or cancelled; this one is {status}.",
                status=Phrase(status.value.lower()),
            ),
            "appointmentId",
        )
    if start <= now:
        raise InvalidInput("This visit has already started.", "appointmentId")


def patient_may_ask(response: PatientResponse, *, cancel_online: bool) -> bool:
    """A patient may confirm, or take back an answer, always; ask to cancel only where the
    clinic takes cancellations online (`patientCancelEnabled`)."""
    return response is not PatientResponse.CANCEL_REQUESTED or cancel_online


def check_staff_outcome(
    status: AppointmentStatus, *, completing: bool, start: datetime, now: datetime
) -> None:
    """Staff complete a booked visit once it has started, or cancel a live one."""
    if completing:
        if status is not AppointmentStatus.BOOKED:
            raise InvalidInput(
                Phrase(
                    "Only a booked visit can be completed; this one is {status}.",
                    status=Phrase(status.value.lower()),
                ),
                "appointmentId",
            )
        if start > now:
            raise InvalidInput("A visit that has not started cannot be completed.", "appointmentId")
        return
    if status not in (
        AppointmentStatus.BOOKED,
        AppointmentStatus.REQUESTED,
        AppointmentStatus.PROVISIONAL,
    ):
        raise InvalidInput(
            Phrase(
                "This appointment is {status} and cannot be cancelled.",
                status=Phrase(status.value.lower()),
            ),
            "appointmentId",
        )


@dataclass(frozen=True)
class AppointmentFilter:
    """What a client narrows the appointments list to; None (or empty) means any."""

    practitioner_id: int | None = None
    patient_id: int | None = None
    statuses: frozenset[AppointmentStatus] = frozenset()
    #: Appointments ending after `start` and starting before `end`.
    start: datetime | None = None
    end: datetime | None = None


#: How a status is said in a sentence ("This appointment is booked"), for the catalogues.
STATUS_WORDS = (
    N_("temporary"),
    N_("requested"),
    N_("provisional"),
    N_("booked"),
    N_("completed"),
    N_("cancelled"),
    N_("rejected"),
    N_("lapsed"),
    N_("gone"),
)
