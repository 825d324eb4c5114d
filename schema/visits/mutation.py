"""Visit mutations: the patient's answer, and the front desk's bookings and outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.requirements import APPOINTMENTS_WRITE, MOVER, SIGNED_IN_PERSON, STAFF
from resolvers.visits import book_appointment, reschedule, respond_to_visit, staff_outcomes
from schema.core.context import Info
from schema.core.outcomes import runs
from schema.visits.types import (
    Appointment,
    AppointmentResult,
    CancelRequested,
    CancelResult,
    RescheduleResult,
)

UpcomingVisit = Annotated[strawberry.ID, strawberry.argument(description="The upcoming visit.")]


def _cancel_requested(done: respond_to_visit.CancelRequestedVisit) -> CancelRequested:
    return CancelRequested(appointment=Appointment.from_row(done.appointment), notice=done.notice)


@strawberry.type
class VisitsMutation:
    @strawberry.mutation(description="Client portal: the patient will attend.")
    @runs(respond_to_visit.confirm_visit, Appointment.from_row, requires=SIGNED_IN_PERSON)
    async def confirm_visit(
        self,
        info: Info,
        appointment_id: UpcomingVisit,
    ) -> AppointmentResult: ...

    @strawberry.mutation(
        description="Client portal: the patient will not attend; the clinic is told and the visit shows as pending cancel."
    )
    @runs(respond_to_visit.cancel_visit, _cancel_requested, requires=SIGNED_IN_PERSON)
    async def cancel_visit(
        self,
        info: Info,
        appointment_id: UpcomingVisit,
    ) -> CancelResult: ...

    @strawberry.mutation(
        description="Client portal: undo confirm or cancel (the clinic is told of an un-cancel)."
    )
    @runs(respond_to_visit.clear_visit_response, Appointment.from_row, requires=SIGNED_IN_PERSON)
    async def clear_visit_response(
        self,
        info: Info,
        appointment_id: UpcomingVisit,
    ) -> AppointmentResult: ...

    @strawberry.mutation(
        description="Staff: book directly in the diary (a phone or front-desk booking, not created online); past times are allowed to record visits already held."
    )
    @runs(book_appointment.book_appointment, Appointment.from_row, requires=APPOINTMENTS_WRITE)
    async def book_appointment(
        self,
        info: Info,
        patient_id: Annotated[strawberry.ID, strawberry.argument(description="Whom it is for.")],
        practitioner_id: Annotated[
            strawberry.ID, strawberry.argument(description="Whose diary it goes in.")
        ],
        service_id: Annotated[
            strawberry.ID, strawberry.argument(description="The service, which sets its length.")
        ],
        start: Annotated[
            datetime, strawberry.argument(description="When it starts, with a UTC offset.")
        ],
        location_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Where; omit for the location where the practitioner usually works."
            ),
        ] = None,
        note: Annotated[
            str | None, strawberry.argument(description="A note for the diary.")
        ] = None,
    ) -> AppointmentResult: ...

    @strawberry.mutation(description="Staff: the visit took place.")
    @runs(staff_outcomes.complete_appointment, Appointment.from_row, requires=STAFF)
    async def complete_appointment(
        self,
        info: Info,
        appointment_id: Annotated[
            strawberry.ID, strawberry.argument(description="The booked appointment.")
        ],
    ) -> AppointmentResult: ...

    @strawberry.mutation(description="Staff: officially cancel; the slot is freed.")
    @runs(staff_outcomes.cancel_appointment, Appointment.from_row, requires=APPOINTMENTS_WRITE)
    async def cancel_appointment(
        self,
        info: Info,
        appointment_id: Annotated[
            strawberry.ID, strawberry.argument(description="The appointment to cancel.")
        ],
        reason: Annotated[
            str | None,
            strawberry.argument(
                description="Why, for the clinic's record (at most 2000 characters)."
            ),
        ] = None,
    ) -> AppointmentResult: ...

    @strawberry.mutation(
        description="Move a visit (booked, requested or provisional, not yet begun) to another free online slot, keeping its id: the new time is taken and the old one freed together, or nothing changes. Patients' users move their patients' visits within the clinic's notice window and move cap; staff any, and may also change practitioner or service; an API client with appointments:write any, within practitioner and service."
    )
    @runs(reschedule.reschedule_appointment, Appointment.from_row, requires=MOVER)
    async def reschedule_appointment(
        self,
        info: Info,
        appointment_id: Annotated[strawberry.ID, strawberry.argument(description="The visit.")],
        start: Annotated[
            datetime,
            strawberry.argument(description="The new start, with a UTC offset: an online slot."),
        ],
        client_key: Annotated[
            str | None,
            strawberry.argument(
                description="The portal's key for this move (at most 100 characters): a retry with it returns the visit as moved, never moving it twice."
            ),
        ] = None,
        practitioner_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Staff only: another practitioner's diary."),
        ] = None,
        service_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Staff only: another service (its length)."),
        ] = None,
    ) -> RescheduleResult: ...
