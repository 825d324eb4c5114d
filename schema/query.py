"""The Query type: converts arguments and results; the use cases decide."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers import invitations, queries, registrations, requests, visits
from schema.context import Info
from schema.types import (
    Appointment,
    Availability,
    Clinic,
    Invitation,
    Location,
    Patient,
    PatientMatch,
    Practitioner,
    Service,
    Slot,
    User,
)


@strawberry.type
class Query:
    @strawberry.field
    async def me(self, info: Info) -> User | None:
        identity = info.context.identity
        return User.from_row(identity.user) if identity else None

    @strawberry.field
    async def clinic(self, info: Info) -> Clinic:
        return Clinic.from_row(await queries.clinic(info.context.services))

    @strawberry.field
    async def locations(self, info: Info) -> list[Location]:
        return [Location.from_row(r) for r in await queries.locations(info.context.services)]

    @strawberry.field
    async def services(self, info: Info) -> list[Service]:
        return [Service.from_row(r) for r in await queries.services_offered(info.context.services)]

    @strawberry.field(
        description="Practitioners with online access and at least one session available online (all, for staff, when onlineOnly is false)."
    )
    async def practitioners(self, info: Info, online_only: bool = True) -> list[Practitioner]:
        rows = await queries.practitioners(
            info.context.services, info.context.actor, online_only=online_only
        )
        return [Practitioner.from_row(r) for r in rows]

    @strawberry.field
    async def available_slots(
        self,
        info: Info,
        practitioner_id: strawberry.ID,
        service_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> Availability:
        found = await queries.available_slots(
            info.context.services,
            practitioner_id=practitioner_id,
            service_id=service_id,
            start=from_,
            end=to,
        )
        zone = await info.context.zone()
        return Availability(
            slots=[
                Slot(
                    start=s.start.astimezone(zone),
                    end=s.end.astimezone(zone),
                    practitioner_id=found.practitioner_id,
                    location_id=s.location_id,
                )
                for s in found.slots
            ],
            open_until=found.open_until.astimezone(zone) if found.open_until else None,
        )

    @strawberry.field
    async def appointment(self, info: Info, id: strawberry.ID) -> Appointment | None:
        row = await queries.appointment(info.context.services, info.context.actor, id)
        return Appointment.from_row(row) if row else None

    @strawberry.field
    async def patients(self, info: Info, search: str | None = None) -> list[Patient]:
        rows = await queries.patients(info.context.services, info.context.actor, search=search)
        return [Patient.from_row(r) for r in rows]

    @strawberry.field
    async def diary(
        self,
        info: Info,
        practitioner_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> list[Appointment]:
        rows = await queries.diary(
            info.context.services,
            info.context.actor,
            practitioner_id=practitioner_id,
            start=from_,
            end=to,
        )
        return [Appointment.from_row(r) for r in rows if r.status != "LAPSED"]

    @strawberry.field(description="Staff: appointments waiting for accept or reject, oldest first.")
    async def pending_requests(self, info: Info) -> list[Appointment]:
        rows = await requests.pending_requests(info.context.services, info.context.actor)
        return [Appointment.from_row(r) for r in rows]

    @strawberry.field(
        description="Staff: provisional patient profiles from online registrations, to confirm or merge."
    )
    async def online_registrations(self, info: Info) -> list[Patient]:
        rows = await registrations.online_registrations(info.context.services, info.context.actor)
        return [Patient.from_row(r) for r in rows]

    @strawberry.field(
        description="Staff: existing patient records that may be the same person as this provisional patient."
    )
    async def patient_matches(self, info: Info, patient_id: strawberry.ID) -> list[PatientMatch]:
        found = await requests.patient_matches(
            info.context.services, info.context.actor, patient_id=patient_id
        )
        return [PatientMatch.from_found(f) for f in found]

    @strawberry.field(
        description="Client portal: past and upcoming visits of a patient the user may manage."
    )
    async def visits(
        self,
        info: Info,
        patient_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> list[Appointment]:
        rows = await visits.visits(
            info.context.services, info.context.actor, patient_id=patient_id, start=from_, end=to
        )
        return [Appointment.from_row(r) for r in rows]

    @strawberry.field
    async def invitations(
        self, info: Info, patient_id: strawberry.ID | None = None
    ) -> list[Invitation]:
        found = await invitations.invitations(
            info.context.services, info.context.actor, patient_id=patient_id
        )
        return [Invitation.from_view(v) for v in found]
