"""The appointment, as every capability shows it, and the results of changing one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from domain import policy
from domain.actors import Actor
from domain.appointments import AppointmentStatus as DomainStatus
from domain.appointments import PatientResponse as DomainResponse
from domain.appointments import status_as_told, visit_status
from domain.rescheduling import change_deadlines
from persistence.models import AppointmentRow
from resolvers.visits.change_rules import change_rules
from schema.accounts.types import Patient, User, load_patient, load_user
from schema.answers.types import PatientChoiceRequired
from schema.core.context import Info
from schema.core.enums import AppointmentStatus, PatientResponse, VisitStatus
from schema.core.live import CURSOR_DESCRIPTION
from schema.core.permissions import guarded
from schema.core.problems import (
    HoldExpired,
    InReadersLanguage,
    InvalidInput,
    NotAllowed,
    NotFound,
    SlotUnavailable,
)
from schema.core.throttling import TooManyAttempts
from schema.setup.loaders import SERVICE
from schema.setup.types import (
    Location,
    Practitioner,
    Service,
    load_location,
    load_practitioner,
)
from schema.visits.changes import AppointmentMove, ChangeDeadlines, TooLateToChange, moves_of


def _sees_creator(actor: Actor | None, appointment: Any) -> bool:
    return policy.may_see_user(actor, appointment.row.created_by_id)


@strawberry.type(
    description="An appointment in a practitioner's diary. Staff see all; a patient user those of the patients they manage (and their own holds); a practitioner user those of their own diary. Anyone else is answered as if it did not exist."
)
class Appointment:
    id: strawberry.ID = strawberry.field(description="The appointment's id.")
    status: AppointmentStatus = strawberry.field(description="Where it stands in the diary.")
    patient_response: PatientResponse = strawberry.field(
        description="The patient's own answer in the client portal."
    )
    visit_status: VisitStatus = strawberry.field(
        description="What the client portal shows: status and the patient's answer together."
    )
    created_online: bool = strawberry.field(
        description="True when an online user created it; createdBy is then that user."
    )
    rejection_reason: str | None = strawberry.field(
        description="The reason staff gave when rejecting the request; null when none."
    )
    row: strawberry.Private[AppointmentRow]
    cursor: str | None = strawberry.field(default=None, description=CURSOR_DESCRIPTION)
    identity_confirmed: bool | None = strawberry.field(
        default=None,
        description="Only in accept's answer for an online registration folded into an existing patient: true when the requester's verified email is that patient's email on file, false when staff chose the patient without that proof. Null otherwise.",
    )

    @classmethod
    def from_row(cls, row: AppointmentRow) -> Appointment:
        status = DomainStatus(row.status)
        response = DomainResponse(row.patient_response)
        return cls(
            id=strawberry.ID(str(row.id)),
            status=AppointmentStatus(status_as_told(status).value),
            patient_response=PatientResponse(response),
            visit_status=VisitStatus(visit_status(status, response)),
            created_online=row.created_online,
            rejection_reason=row.rejection_reason,
            row=row,
        )

    @strawberry.field(description="When it starts.")
    async def start(self, info: Info) -> datetime:
        return await info.context.local(self.row.start_at)

    @strawberry.field(description="When it ends.")
    async def end(self, info: Info) -> datetime:
        return await info.context.local(self.row.end_at)

    @strawberry.field(description="Set while status is TEMPORARY.")
    async def hold_expires_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.hold_expires_at)

    @strawberry.field(description="When it was made; for an online booking, when it was requested.")
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.created_at)

    @strawberry.field(
        description="Whom it is for; null for a hold not yet requested, and for an API "
        "client without the patients:read scope.",
        extensions=guarded(lambda actor, _: policy.may_see_patient_of_appointment(actor)),
    )
    async def patient(self, info: Info) -> Patient | None:
        return await load_patient(info, self.row.patient_id)

    @strawberry.field(
        description="The note given with the request or booking (the patient's own words); "
        "null when none, and for an API client without the patients:read scope.",
        extensions=guarded(lambda actor, _: policy.may_read_appointment_note(actor)),
    )
    def note(self) -> str | None:
        return self.row.note

    @strawberry.field(description="The practitioner whose diary it is in.")
    async def practitioner(self, info: Info) -> Practitioner:
        return await load_practitioner(info, self.row.practitioner_id)

    @strawberry.field(description="The service booked.")
    async def service(self, info: Info) -> Service:
        row = await info.context.loaders[SERVICE].load(self.row.service_id)
        assert row is not None
        return Service.from_row(row)

    @strawberry.field(description="Where it takes place.")
    async def location(self, info: Info) -> Location:
        return await load_location(info, self.row.location_id)

    @strawberry.field(
        description="Until when the patient may still cancel, and move, it online (so a portal greys its buttons instead of failing)."
    )
    async def changeable_until(self, info: Info) -> ChangeDeadlines:
        rules = change_rules(await info.context.clinic())
        deadlines = change_deadlines(
            rules,
            status=DomainStatus(self.row.status),
            response=DomainResponse(self.row.patient_response),
            start=self.row.start_at,
            moves=self.row.reschedule_count,
            now=info.context.deps.now(),
        )
        return ChangeDeadlines(
            cancel=await info.context.local_or_none(deadlines.cancel),
            reschedule=await info.context.local_or_none(deadlines.reschedule),
        )

    @strawberry.field(description="Its moves to other times, oldest first; empty when never moved.")
    async def moves(self, info: Info) -> list[AppointmentMove]:
        return await moves_of(info, self.row.id)

    @strawberry.field(
        description="Staff see who made it; other users only when it was themselves.",
        extensions=guarded(_sees_creator),
    )
    async def created_by(self, info: Info) -> User | None:
        if self.row.created_by_id is None:
            return None
        return await load_user(info, self.row.created_by_id)


@strawberry.type(
    description="The patient's cancel is recorded; the visit shows as pending cancel until the clinic cancels it."
)
class CancelRequested:
    appointment: Appointment = strawberry.field(description="The visit, now pending cancel.")
    notice: str = strawberry.field(
        description="Reminds the patient that the clinic may still need a call.",
        extensions=[InReadersLanguage()],
    )


AppointmentResult = Annotated[
    Appointment
    | HoldExpired
    | SlotUnavailable
    | InvalidInput
    | NotAllowed
    | NotFound
    | PatientChoiceRequired,
    strawberry.union(
        "AppointmentResult",
        description="The appointment as it now is, or why not. Shared by the contract's "
        "appointment mutations: only accept answers PatientChoiceRequired; the others "
        "never do.",
    ),
]
CancelResult = Annotated[
    CancelRequested | NotAllowed | NotFound | TooLateToChange,
    strawberry.union("CancelResult", description="The recorded cancel, or why not."),
]
RescheduleResult = Annotated[
    Appointment
    | SlotUnavailable
    | TooLateToChange
    | TooManyAttempts
    | InvalidInput
    | NotAllowed
    | NotFound,
    strawberry.union(
        "RescheduleResult",
        description="The visit at its new time (the same id), or why it stays where it was.",
    ),
]
