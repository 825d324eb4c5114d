"""Types of what the clinic offers: locations, services, practitioners, their sessions,
and the clinic with its settings."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from persistence.models import (
    ClinicRow,
    LocationRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
)
from resolvers.setup import clinic_settings, session_series
from schema.core.context import Info
from schema.core.problems import InvalidInput, NotAllowed, NotFound
from schema.setup.loaders import (
    LOCATION,
    PRACTITIONER,
    PRACTITIONER_SERVICES,
    PRACTITIONER_SESSIONS,
)


@strawberry.type
class Location:
    id: strawberry.ID
    name: str

    @classmethod
    def from_row(cls, row: LocationRow) -> Location:
        return cls(id=strawberry.ID(str(row.id)), name=row.name)


@strawberry.type
class Service:
    id: strawberry.ID
    name: str
    duration_minutes: int
    bookable_online: bool

    @classmethod
    def from_row(cls, row: ServiceRow) -> Service:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            duration_minutes=row.duration_minutes,
            bookable_online=row.bookable_online,
        )


@strawberry.type
class Practitioner:
    id: strawberry.ID
    name: str
    online_access: bool

    @classmethod
    def from_row(cls, row: PractitionerRow) -> Practitioner:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, online_access=row.online_access)

    @strawberry.field
    async def sessions(self, info: Info) -> list[SessionSeries]:
        rows = await info.context.loaders[PRACTITIONER_SESSIONS].load(int(self.id))
        return [SessionSeries.from_row(r) for r in rows]

    @strawberry.field
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

    @strawberry.field
    async def practitioner(self, info: Info) -> Practitioner:
        return await load_practitioner(info, self.practitioner_id)

    @strawberry.field
    async def location(self, info: Info) -> Location:
        return await load_location(info, self.location_id)


@strawberry.type(
    description="A recurring availability session of a practitioner; only sessions available online produce online slots."
)
class SessionSeries(AtPractitionerAndLocation):
    id: strawberry.ID
    weekday: int = strawberry.field(description="ISO weekday, 1 = Monday.")
    start_time: str
    end_time: str
    valid_from: date
    valid_until: date | None
    available_online: bool

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


@strawberry.type
class ClinicSettings:
    hold_minutes: int
    approval_required: bool = strawberry.field(
        description="When true an online booking by a known patient becomes a request that staff accept or reject."
    )
    patient_cancel_enabled: bool
    booking_horizon_days: int = strawberry.field(
        description="How far ahead online bookings are open."
    )
    minimum_notice_minutes: int
    rejection_email_includes_reason: bool
    notification_email: str | None
    max_live_holds: int = strawberry.field(
        description="How many live holds one user may keep at once."
    )
    max_live_holds_per_address: int = strawberry.field(
        description="How many live holds may come from one client address at once, whoever holds them."
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
        )


@strawberry.type
class Clinic:
    name: str
    time_zone: str
    settings: ClinicSettings

    @classmethod
    def from_row(cls, row: ClinicRow) -> Clinic:
        return cls(name=row.name, time_zone=row.time_zone, settings=ClinicSettings.from_row(row))


@strawberry.input
class SessionSeriesInput(session_series.SessionSeriesInput):
    practitioner_id: strawberry.ID
    location_id: strawberry.ID


@strawberry.input
class ClinicSettingsInput(clinic_settings.ClinicSettingsInput):
    pass


PractitionerResult = Annotated[
    Practitioner | InvalidInput | NotAllowed | NotFound, strawberry.union("PractitionerResult")
]
ServiceResult = Annotated[Service | InvalidInput | NotAllowed, strawberry.union("ServiceResult")]
LocationResult = Annotated[Location | InvalidInput | NotAllowed, strawberry.union("LocationResult")]
SettingsResult = Annotated[
    ClinicSettings | InvalidInput | NotAllowed, strawberry.union("SettingsResult")
]
SessionSeriesResult = Annotated[
    SessionSeries | InvalidInput | NotAllowed | NotFound, strawberry.union("SessionSeriesResult")
]
