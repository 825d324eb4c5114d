"""What accept and reject share: the appointment they answer, and losing a race."""

from __future__ import annotations

from domain.appointments import AppointmentStatus
from domain.errors import InvalidInput, found
from domain.phrases import N_, Phrase
from persistence.models import AppointmentRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

ANSWERED_FIRST = N_("Someone answered this request first: it is {status}.")


async def appointment_to_answer(uow: UnitOfWork, appointment_id: int) -> AppointmentRow:
    """The appointment staff answer, or NotFound; whether it can still be answered is
    `domain.appointments.check_answerable`'s to say."""
    return found(await uow.appointments.get(appointment_id), "No such appointment.")


async def already_answered(
    deps: Deps, appointment_id: int, wanted: AppointmentStatus
) -> AppointmentRow:
    """After a lost race: the same outcome is success, another is a clear refusal."""
    async with UnitOfWork(deps, write=False) as uow:
        row = await uow.appointments.get(appointment_id)
    if row is not None and row.status == wanted.value:
        return row
    status = row.status.lower() if row else "gone"
    raise InvalidInput(Phrase(ANSWERED_FIRST, status=Phrase(status)), "appointmentId")
