"""The waitlist as clients see it: an entry, its state and its open offer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from domain.waitlist import EntryState
from persistence.models import WaitlistEntryRow
from resolvers.waitlist.entries import WaitlistInput
from schema.accounts.types import Patient, load_patient
from schema.core.context import Info
from schema.core.descriptions import describe
from schema.core.problems import InvalidInput, NotAllowed, NotFound
from schema.core.throttling import TooManyAttempts
from schema.setup.loaders import SERVICE
from schema.setup.types import Practitioner, Service, load_practitioner
from schema.visits.types import Appointment

describe(
    strawberry.enum(EntryState, name="WaitlistState"),
    "Where a waitlist entry stands.",
    WAITING="In line: the first freed time that fits it is offered to it.",
    OFFERED="A freed time is held for it (offer); take it with acceptOffer or let it go with declineOffer.",
    BOOKED="It took an offer and left the waitlist.",
    LEFT="It left the waitlist without booking.",
)


@strawberry.type(
    description="A patient's place on the waitlist: the time they wait for. Seen by the user who made it and by staff."
)
class WaitlistEntry:
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    state: EntryState = strawberry.field(description="Where it stands.")
    from_date: date = strawberry.field(description="The first day it waits for.")
    until_date: date = strawberry.field(description="The last day it waits for.")
    earliest: str = strawberry.field(
        description="The earliest start it takes, clinic wall-clock time, HH:MM."
    )
    latest: str = strawberry.field(
        description="Starts before this time of day only, clinic wall-clock time, HH:MM."
    )
    row: strawberry.Private[WaitlistEntryRow]

    @classmethod
    def from_row(cls, row: WaitlistEntryRow) -> WaitlistEntry:
        return cls(
            id=strawberry.ID(str(row.id)),
            state=EntryState(row.state),
            from_date=row.from_date,
            until_date=row.until_date,
            earliest=row.earliest.strftime("%H:%M"),
            latest=row.latest.strftime("%H:%M"),
            row=row,
        )

    @strawberry.field(description="Whom the time is for.")
    async def patient(self, info: Info) -> Patient | None:
        return await load_patient(info, self.row.patient_id)

    @strawberry.field(
        description="The practitioner waited for; null for any who offers the service."
    )
    async def practitioner(self, info: Info) -> Practitioner | None:
        if self.row.practitioner_id is None:
            return None
        return await load_practitioner(info, self.row.practitioner_id)

    @strawberry.field(description="The service waited for.")
    async def service(self, info: Info) -> Service:
        row = await info.context.loaders[SERVICE].load(self.row.service_id)
        assert row is not None
        return Service.from_row(row)

    @strawberry.field(description="When it joined the waitlist.")
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.created_at)

    @strawberry.field(
        description="While OFFERED: the hold placed for it (its start, end and holdExpiresAt); its id is the offerId of acceptOffer and declineOffer."
    )
    async def offer(self, info: Info) -> Appointment | None:
        if self.row.state != EntryState.OFFERED.value or self.row.offer_id is None:
            return None
        from resolvers.visits.read_visits import appointment

        row = await appointment(info.context.deps, info.context.actor, id=str(self.row.offer_id))
        return Appointment.from_row(row) if row else None


@strawberry.input(description="What a patient waits for on the waitlist.")
class JoinWaitlistInput(WaitlistInput):
    patient_id: strawberry.ID
    service_id: strawberry.ID
    practitioner_id: strawberry.ID | None = None


describe(
    JoinWaitlistInput,
    patient_id="A patient the user manages.",
    service_id="The service, bookable online.",
    practitioner_id="One practitioner offering it online; omit for any who does.",
    from_date="The first day to wait for.",
    until_date="The last day to wait for (at most 90 days ahead).",
    earliest="The earliest start taken, clinic wall-clock time, HH:MM.",
    latest="Starts before this time of day only, HH:MM; after earliest.",
)

WaitlistEntryResult = Annotated[
    WaitlistEntry | TooManyAttempts | InvalidInput | NotAllowed | NotFound,
    strawberry.union("WaitlistEntryResult", description="The entry as it now is, or why not."),
]
