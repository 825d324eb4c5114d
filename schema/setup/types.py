"""Types of what the clinic offers: locations, services, practitioners, their sessions,
and the clinic with its settings."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.reminders import reminder_hours
from persistence.models import (
    ClinicRow,
    LocationRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
)
from resolvers.setup import clinic_settings, session_series
from schema.core.context import Info
from schema.core.descriptions import describe
from schema.core.problems import InvalidInput, NotAllowed, NotFound
from schema.setup.loaders import (
    LOCATION,
    PRACTITIONER,
    PRACTITIONER_SERVICES,
    PRACTITIONER_SESSIONS,
)


@strawberry.type(description="A place of the clinic where practitioners hold sessions.")
class Location:
    id: strawberry.ID = strawberry.field(description="The location's id.")
    name: str = strawberry.field(description="The location's name, as patients know it.")

    @classmethod
    def from_row(cls, row: LocationRow) -> Location:
        return cls(id=strawberry.ID(str(row.id)), name=row.name)


@strawberry.type(description="A treatment or consultation the clinic offers, with its length.")
class Service:
    id: strawberry.ID = strawberry.field(description="The service's id.")
    name: str = strawberry.field(description="The service's name, as patients know it.")
    duration_minutes: int = strawberry.field(
        description="How long an appointment for it lasts, in minutes."
    )
    bookable_online: bool = strawberry.field(
        description="False when only staff may book it (not offered in the portals)."
    )

    @classmethod
    def from_row(cls, row: ServiceRow) -> Service:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            duration_minutes=row.duration_minutes,
            bookable_online=row.bookable_online,
        )


@strawberry.type(
    description="A practitioner of the clinic. Bookable online only with online access and at least one session series available online."
)
class Practitioner:
    id: strawberry.ID = strawberry.field(description="The practitioner's id.")
    name: str = strawberry.field(description="The practitioner's name, as patients know it.")
    online_access: bool = strawberry.field(
        description="True when the practitioner's profile is open to online booking."
    )

    @classmethod
    def from_row(cls, row: PractitionerRow) -> Practitioner:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, online_access=row.online_access)

    @strawberry.field(
        description="The practitioner's availability session series, online or not, ended ones included."
    )
    async def sessions(self, info: Info) -> list[SessionSeries]:
        rows = await info.context.loaders[PRACTITIONER_SESSIONS].load(int(self.id))
        return [SessionSeries.from_row(r) for r in rows]

    @strawberry.field(description="The services this practitioner offers.")
    async def services(self, info: Info) -> list[Service]:
        rows = await info.context.loaders[PRACTITIONER_SERVICES].load(int(self.id))
        return [Service.from_row(r) for r in rows]


async def load_practitioner(info: Info, practitioner_id: int) -> Practitioner:
    row = await info.context.loaders[PRACTITIONER].load(practitioner_id)
    assert row is not None, f"practitioner {practitioner_id} vanished"
    return Practitioner.from_row(row)


async def load_location(info: Info, location_id: int) -> Location:
    row = await info.context.loaders[LOCATION].load(location_id)
    assert row is not None, f"location {location_id} vanished"
    return Location.from_row(row)


@strawberry.type
class AtPractitionerAndLocation:
    """Base of types placed with a practitioner at a location (sessions, slots)."""

    practitioner_id: strawberry.Private[int]
    location_id: strawberry.Private[int]

    @strawberry.field(description="The practitioner it belongs to.")
    async def practitioner(self, info: Info) -> Practitioner:
        return await load_practitioner(info, self.practitioner_id)

    @strawberry.field(description="Where it takes place.")
    async def location(self, info: Info) -> Location:
        return await load_location(info, self.location_id)


@strawberry.type(
    description="A recurring availability session of a practitioner; only sessions available online produce online slots."
)
class SessionSeries(AtPractitionerAndLocation):
    id: strawberry.ID = strawberry.field(description="The session series' id.")
    weekday: int = strawberry.field(description="ISO weekday, 1 = Monday.")
    start_time: str = strawberry.field(
        description="When each session starts, clinic wall-clock time, HH:MM (24 h)."
    )
    end_time: str = strawberry.field(
        description="When each session ends, clinic wall-clock time, HH:MM (24 h)."
    )
    valid_from: date = strawberry.field(description="The first day the series runs.")
    valid_until: date | None = strawberry.field(
        description="The last day the series runs; null while it has no end."
    )
    available_online: bool = strawberry.field(
        description="True when its sessions are offered for online booking."
    )

    @classmethod
    def from_row(cls, row: SessionSeriesRow) -> SessionSeries:
        return cls(
            id=strawberry.ID(str(row.id)),
            weekday=row.weekday,
            start_time=row.start_time.strftime("%H:%M"),
            end_time=row.end_time.strftime("%H:%M"),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            available_online=row.available_online,
            practitioner_id=row.practitioner_id,
            location_id=row.location_id,
        )


@strawberry.type(
    description="How the clinic runs online booking. Anyone may read them; staff change them with updateClinicSettings."
)
class ClinicSettings:
    hold_minutes: int = strawberry.field(
        description="How long a hold keeps a slot, in minutes, before it lapses."
    )
    approval_required: bool = strawberry.field(
        description="When true an online booking by a known patient becomes a request that staff accept or reject."
    )
    patient_cancel_enabled: bool = strawberry.field(
        description="False when the clinic has turned off patients cancelling in the portal (cancelVisit then answers NotAllowed)."
    )
    booking_horizon_days: int = strawberry.field(
        description="How far ahead online bookings are open."
    )
    minimum_notice_minutes: int = strawberry.field(
        description="How soon from now the earliest online slot may start, in minutes."
    )
    rejection_email_includes_reason: bool = strawberry.field(
        description="True when the email telling a patient of a rejection shows the reason staff gave."
    )
    notification_email: str | None = strawberry.field(
        description="Where the clinic is emailed of requests and patients' cancellations; null for no email."
    )
    max_live_holds: int = strawberry.field(
        description="How many live holds one user may keep at once."
    )
    max_live_holds_per_address: int = strawberry.field(
        description="How many live holds may come from one client address at once, whoever holds them."
    )
    phone: str | None = strawberry.field(
        description="The clinic's phone number, told to patients whom a notice window stops from changing a visit online."
    )
    cancel_notice_hours: int = strawberry.field(
        description="How many hours before a visit a patient may last cancel it online; 0 for no window."
    )
    reschedule_notice_hours: int = strawberry.field(
        description="How many hours before a visit a patient may last move it online; 0 for no window."
    )
    max_reschedules: int = strawberry.field(
        description="How often a patient may move one visit online; 0 for no limit."
    )
    moved_visits_need_approval: bool = strawberry.field(
        description="True when a booked visit a patient moves becomes a request staff answer again."
    )
    offer_minutes: int = strawberry.field(
        description="How long a waitlist offer (a hold placed for the patient) keeps its time, in minutes."
    )
    reminder_hours: list[int] = strawberry.field(
        description="Hours before a visit at which its reminder is emailed, earliest first; empty for no reminders."
    )
    language: str = strawberry.field(
        description="The clinic's language (en, de): of staff emails, and of users who chose none."
    )
    publish_availability: bool = strawberry.field(
        description="True when the clinic's free times are published for anyone as SMART Scheduling Links (FHIR $bulk-publish)."
    )

    @classmethod
    def from_row(cls, row: ClinicRow) -> ClinicSettings:
        return cls(
            hold_minutes=row.hold_minutes,
            approval_required=row.approval_required,
            patient_cancel_enabled=row.patient_cancel_enabled,
            booking_horizon_days=row.booking_horizon_days,
            minimum_notice_minutes=row.minimum_notice_minutes,
            rejection_email_includes_reason=row.rejection_email_includes_reason,
            notification_email=row.notification_email,
            max_live_holds=row.max_live_holds,
            max_live_holds_per_address=row.max_live_holds_per_address,
            phone=row.phone,
            cancel_notice_hours=row.cancel_notice_hours,
            reschedule_notice_hours=row.reschedule_notice_hours,
            max_reschedules=row.max_reschedules,
            moved_visits_need_approval=row.moved_visits_need_approval,
            offer_minutes=row.offer_minutes,
            reminder_hours=list(reminder_hours(row.reminder_hours)),
            publish_availability=row.publish_availability,
            language=row.language,
        )


@strawberry.type(description="The clinic itself. Anyone may read it.")
class Clinic:
    name: str = strawberry.field(description="The clinic's name.")
    time_zone: str = strawberry.field(
        description="The clinic's IANA time zone (e.g. Europe/Berlin): every DateTime is shown with its offset, and session times are wall-clock times in it."
    )
    settings: ClinicSettings = strawberry.field(description="How online booking works here.")

    @classmethod
    def from_row(cls, row: ClinicRow) -> Clinic:
        return cls(name=row.name, time_zone=row.time_zone, settings=ClinicSettings.from_row(row))


@strawberry.input(description="A new availability session series of a practitioner.")
class SessionSeriesInput(session_series.SessionSeriesInput):
    practitioner_id: strawberry.ID
    location_id: strawberry.ID


describe(
    SessionSeriesInput,
    practitioner_id="The practitioner whose series it is.",
    location_id="Where its sessions take place.",
    weekday="ISO weekday, 1 = Monday.",
    start_time="When each session starts, clinic wall-clock time, HH:MM (24 h).",
    end_time="When each session ends, clinic wall-clock time, HH:MM (24 h); after startTime.",
    valid_from="The first day the series runs.",
    valid_until="The last day the series runs; omit for no end.",
    available_online="False to keep its sessions out of online booking.",
)


@strawberry.input(description="Changes to the clinic's settings; fields left out are unchanged.")
class ClinicSettingsInput(clinic_settings.ClinicSettingsInput):
    pass


describe(
    ClinicSettingsInput,
    hold_minutes="How long a hold keeps a slot, in minutes (1 to 60).",
    approval_required="True to make online bookings by known patients requests that staff accept or reject.",
    patient_cancel_enabled="False to turn off patients cancelling in the portal.",
    booking_horizon_days="How many days ahead online bookings are open (1 to 730).",
    minimum_notice_minutes="How soon from now the earliest online slot may start, in minutes (0 to 86400).",
    rejection_email_includes_reason="True to show staff's reason in rejection emails.",
    notification_email="Where the clinic is emailed of requests and cancellations; an empty string for none.",
    time_zone="The clinic's IANA time zone, e.g. Europe/Berlin.",
    phone="The clinic's phone number for patients (at most 40 characters); an empty string for none.",
    cancel_notice_hours="Hours before a visit after which patients may not cancel online (0 to 720; 0 for none).",
    reschedule_notice_hours="Hours before a visit after which patients may not move it online (0 to 720; 0 for none).",
    max_reschedules="How often a patient may move one visit online (0 to 20; 0 for no limit).",
    moved_visits_need_approval="True to make a booked visit a patient moves a request that staff answer again.",
    offer_minutes="How long a waitlist offer keeps its time, in minutes (1 to 1440).",
    reminder_hours="Hours before a visit to email its reminder (at most 4, each 1 to 720); an empty list for none.",
    publish_availability="False to stop publishing free times at FHIR $bulk-publish.",
    language="The clinic's language: en or de.",
)


PractitionerResult = Annotated[
    Practitioner | InvalidInput | NotAllowed | NotFound,
    strawberry.union(
        "PractitionerResult", description="The practitioner as it now is, or why not."
    ),
]
ServiceResult = Annotated[
    Service | InvalidInput | NotAllowed,
    strawberry.union("ServiceResult", description="The new service, or why not."),
]
LocationResult = Annotated[
    Location | InvalidInput | NotAllowed,
    strawberry.union("LocationResult", description="The new location, or why not."),
]
SettingsResult = Annotated[
    ClinicSettings | InvalidInput | NotAllowed,
    strawberry.union("SettingsResult", description="The settings as they now are, or why not."),
]
SessionSeriesResult = Annotated[
    SessionSeries | InvalidInput | NotAllowed | NotFound,
    strawberry.union(
        "SessionSeriesResult", description="The session series as it now is, or why not."
    ),
]
