"""accept and reject."""

from __future__ import annotations

import strawberry

from resolvers.answers.accept_request import Accepted, accept
from resolvers.answers.reject_request import reject
from schema.core.context import Info
from schema.core.outcomes import runs
from schema.visits.types import Appointment, AppointmentResult


def _accepted(done: Accepted) -> Appointment:
    appointment = Appointment.from_row(done.row)
    appointment.identity_confirmed = done.identity_confirmed
    return appointment


@strawberry.type
class AnswersMutation:
    @strawberry.mutation(
        description="Staff: confirm a requested or provisional appointment. For a provisional patient, name the existing patient to merge into, or createPatient to admit them as new; with neither, a single CERTAIN match (one resting on the requester's verified email) is used, and any other match gives PatientChoiceRequired."
    )
    @runs(accept, _accepted)
    async def accept(
        self,
        info: Info,
        appointment_id: strawberry.ID,
        patient_id: strawberry.ID | None = None,
        create_patient: bool | None = None,
    ) -> AppointmentResult: ...

    @strawberry.mutation(
        description="Staff: refuse a request; the slot is freed and the patient told, with the reason when notifyPatient is true."
    )
    @runs(reject, Appointment.from_row)
    async def reject(
        self,
        info: Info,
        appointment_id: strawberry.ID,
        reason: str | None = None,
        notify_patient: bool = True,
    ) -> AppointmentResult: ...
