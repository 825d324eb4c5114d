"""accept and reject."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import STAFF
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
        description="Staff: confirm a requested or provisional appointment. For a provisional patient, name the existing patient to merge into, or createPatient to admit them as new; with neither, a single strong match is used and several give PatientChoiceRequired."
    )
    @runs(accept, _accepted, requires=STAFF)
    async def accept(
        self,
        info: Info,
        appointment_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The requested or provisional appointment."),
        ],
        patient_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="For a provisional patient: the existing patient record it is (see patientMatches). Without it, only a single CERTAIN match, one resting on the requester's verified email, is taken; anything else answers PatientChoiceRequired."
            ),
        ] = None,
        create_patient: Annotated[
            bool | None,
            strawberry.argument(
                description="For a provisional patient: true to admit them as a new patient record."
            ),
        ] = None,
    ) -> AppointmentResult: ...

    @strawberry.mutation(
        description="Staff: refuse a request; the slot is freed and the patient told, with the reason when notifyPatient is true."
    )
    @runs(reject, Appointment.from_row, requires=STAFF)
    async def reject(
        self,
        info: Info,
        appointment_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The requested or provisional appointment."),
        ],
        reason: Annotated[
            str | None,
            strawberry.argument(
                description="Why (at most 2000 characters): kept as rejectionReason, and in the email to the patient when the clinic's rejectionEmailIncludesReason is true."
            ),
        ] = None,
        notify_patient: Annotated[
            bool, strawberry.argument(description="False to reject without emailing the patient.")
        ] = True,
    ) -> AppointmentResult: ...
