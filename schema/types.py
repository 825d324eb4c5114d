"""Object types of the contract, built from rows; relations load through DataLoaders."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from domain.actors import may_manage_patient
from domain.appointments import AppointmentStatus as DomainStatus
from domain.appointments import PatientResponse as DomainResponse
from domain.appointments import visit_status
from persistence.models import (
    AppointmentRow,
    ClinicRow,
    InvitationRow,
    LocationRow,
    PatientRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
    UserRow,
)
from resolvers.invitations import InvitationView
from resolvers.requests import FoundMatch
from schema.context import Info
from schema.enums import (
    AppointmentStatus,
    InvitationState,
    InvitationStatus,
    MatchGrade,
    PatientResponse,
    UserKind,
    VisitStatus,
)
from schema.problems import Problem


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
        rows = await info.context.loaders.practitioner_sessions.load(int(self.id))
        return [SessionSeries.from_row(r) for r in rows]

    @strawberry.field
    async def services(self, info: Info) -> list[Service]:
        rows = await info.context.loaders.practitioner_services.load(int(self.id))
        return [Service.from_row(r) for r in rows]


async def load_practitioner(info: Info, practitioner_id: int) -> Practitioner:
    row = await info.context.loaders.practitioner.load(practitioner_id)
    assert row is not None, f"practitioner {practitioner_id} vanished"
    return Practitioner.from_row(row)


async def load_location(info: Info, location_id: int) -> Location:
    row = await info.context.loaders.location.load(location_id)
    assert row is not None, f"location {location_id} vanished"
    return Location.from_row(row)


@strawberry.type(
    description="A recurring availability session of a practitioner; only sessions available online produce online slots."
)
class SessionSeries:
    id: strawberry.ID
    weekday: int = strawberry.field(description="ISO weekday, 1 = Monday.")
    start_time: str
    end_time: str
    valid_from: date
    valid_until: date | None
    available_online: bool
    practitioner_id: strawberry.Private[int]
    location_id: strawberry.Private[int]

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

    @strawberry.field
    async def practitioner(self, info: Info) -> Practitioner:
        return await load_practitioner(info, self.practitioner_id)

    @strawberry.field
    async def location(self, info: Info) -> Location:
        return await load_location(info, self.location_id)


@strawberry.type(
    description="An online user: the credentials of a patient, a family member, a practitioner or a staff member."
)
class User:
    id: strawberry.ID
    email: str
    name: str
    kind: UserKind
    practitioner_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            name=row.name,
            kind=UserKind(row.kind),
            practitioner_id=row.practitioner_id,
        )

    @strawberry.field(
        description="The patients this user may book for and manage: themselves, family members."
    )
    async def patients(self, info: Info) -> list[Patient]:
        actor = info.context.actor
        if actor is None or not (actor.is_staff or actor.user_id == int(self.id)):
            return []
        rows = await info.context.loaders.user_patients.load(int(self.id))
        return [Patient.from_row(r) for r in rows]

    @strawberry.field
    async def practitioner(self, info: Info) -> Practitioner | None:
        if self.practitioner_id is None:
            return None
        return await load_practitioner(info, self.practitioner_id)


@strawberry.type
class Patient:
    id: strawberry.ID
    name: str
    birth_date: date | None
    email: str | None
    phone: str | None
    contact_consent: bool = strawberry.field(
        description="False when the patient opted out of emails and texts."
    )
    provisional: bool = strawberry.field(
        description="True for a profile created by an online registration that staff have not yet confirmed or merged."
    )

    @classmethod
    def from_row(cls, row: PatientRow) -> Patient:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            birth_date=row.birth_date,
            email=row.email,
            phone=row.phone,
            contact_consent=row.contact_consent,
            provisional=row.provisional,
        )

    @strawberry.field
    async def invitation_status(self, info: Info) -> InvitationStatus:
        if await info.context.loaders.patient_users.load(int(self.id)):
            return InvitationStatus.ENROLLED
        if await info.context.loaders.invited.load(int(self.id)):
            return InvitationStatus.INVITED
        return InvitationStatus.NOT_INVITED

    @strawberry.field
    async def users(self, info: Info) -> list[User]:
        """Staff see every user of the patient; a user sees only themself among them."""
        actor = info.context.actor
        rows = await info.context.loaders.patient_users.load(int(self.id))
        if actor is None:
            return []
        visible = rows if actor.is_staff else [r for r in rows if r.id == actor.user_id]
        return [User.from_row(r) for r in visible]


@strawberry.type
class Slot:
    start: datetime
    end: datetime
    practitioner_id: strawberry.Private[int]
    location_id: strawberry.Private[int]

    @strawberry.field
    async def practitioner(self, info: Info) -> Practitioner:
        return await load_practitioner(info, self.practitioner_id)

    @strawberry.field
    async def location(self, info: Info) -> Location:
        return await load_location(info, self.location_id)


@strawberry.type
class Availability:
    slots: list[Slot]
    open_until: datetime | None = strawberry.field(
        description="The last moment online booking is open for this practitioner (horizon or end of their sessions), so a portal can say why the diary looks full after it."
    )


@strawberry.type
class Appointment:
    id: strawberry.ID
    status: AppointmentStatus
    patient_response: PatientResponse
    visit_status: VisitStatus
    created_online: bool = strawberry.field(
        description="True when an online user created it; createdBy is then that user."
    )
    note: str | None
    rejection_reason: str | None
    row: strawberry.Private[AppointmentRow]

    @classmethod
    def from_row(cls, row: AppointmentRow) -> Appointment:
        status = DomainStatus(row.status)
        response = DomainResponse(row.patient_response)
        return cls(
            id=strawberry.ID(str(row.id)),
            status=AppointmentStatus(
                status.value if status is not DomainStatus.LAPSED else "CANCELLED"
            ),
            patient_response=PatientResponse(response),
            visit_status=VisitStatus(visit_status(status, response)),
            created_online=row.created_online,
            note=row.note,
            rejection_reason=row.rejection_reason,
            row=row,
        )

    @strawberry.field
    async def start(self, info: Info) -> datetime:
        return await info.context.local(self.row.start_at)  # type: ignore[return-value]

    @strawberry.field
    async def end(self, info: Info) -> datetime:
        return await info.context.local(self.row.end_at)  # type: ignore[return-value]

    @strawberry.field(description="Set while status is TEMPORARY.")
    async def hold_expires_at(self, info: Info) -> datetime | None:
        return await info.context.local(self.row.hold_expires_at)

    @strawberry.field
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.created_at)  # type: ignore[return-value]

    @strawberry.field
    async def patient(self, info: Info) -> Patient | None:
        if self.row.patient_id is None:
            return None
        row = await info.context.loaders.patient.load(self.row.patient_id)
        return Patient.from_row(row) if row else None

    @strawberry.field
    async def practitioner(self, info: Info) -> Practitioner:
        return await load_practitioner(info, self.row.practitioner_id)

    @strawberry.field
    async def service(self, info: Info) -> Service:
        row = await info.context.loaders.service.load(self.row.service_id)
        assert row is not None
        return Service.from_row(row)

    @strawberry.field
    async def location(self, info: Info) -> Location:
        return await load_location(info, self.row.location_id)

    @strawberry.field
    async def created_by(self, info: Info) -> User | None:
        """Staff see who made it; other users only when it was themselves."""
        actor = info.context.actor
        creator = self.row.created_by_id
        if creator is None or actor is None or not (actor.is_staff or actor.user_id == creator):
            return None
        row = await info.context.loaders.user.load(creator)
        return User.from_row(row) if row else None


@strawberry.type
class Hold:
    appointment: Appointment

    @strawberry.field
    async def expires_at(self, info: Info) -> datetime:
        return await info.context.local(self.appointment.row.hold_expires_at)  # type: ignore[return-value]


@strawberry.type(
    description="A signed-in user's bearer token. (Practitioners' availability sessions are SessionSeries.)"
)
class SignIn:
    token: str
    user: User


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
        )


@strawberry.type
class Clinic:
    name: str
    time_zone: str
    settings: ClinicSettings

    @classmethod
    def from_row(cls, row: ClinicRow) -> Clinic:
        return cls(name=row.name, time_zone=row.time_zone, settings=ClinicSettings.from_row(row))


def visible_patient(info: Info, row: PatientRow | None) -> Patient | None:
    if row is None or not may_manage_patient(info.context.actor, row.id):
        return None
    return Patient.from_row(row)


@strawberry.type
class PatientMatch:
    patient: Patient
    score: float = strawberry.field(
        description="0..1, how closely name, birth date, email and phone agree."
    )
    grade: MatchGrade
    matched_on: list[str]

    @classmethod
    def from_found(cls, found: FoundMatch) -> PatientMatch:
        return cls(
            patient=Patient.from_row(found.patient),
            score=round(found.match.score, 3),
            grade=MatchGrade(found.match.grade.value),
            matched_on=list(found.match.matched_on),
        )


@strawberry.type
class CancelRequested:
    appointment: Appointment
    notice: str = strawberry.field(
        description="Reminds the patient that the clinic may still need a call."
    )


@strawberry.type
class Invitation:
    id: strawberry.ID
    email: str
    state: InvitationState
    requires_verification_code: bool
    link: str = strawberry.field(
        description="The link staff can copy and send from their own mail."
    )
    row: strawberry.Private[InvitationRow]

    @classmethod
    def from_view(cls, found: InvitationView) -> Invitation:
        row = found.row
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            state=InvitationState(row.state),
            requires_verification_code=row.requires_verification_code,
            link=found.link,
            row=row,
        )

    @strawberry.field(description="Shown to staff only, who give it to the patient by phone.")
    def verification_code(self, info: Info) -> str | None:
        actor = info.context.actor
        return self.row.verification_code if actor is not None and actor.is_staff else None

    @strawberry.field
    async def sent_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.sent_at)  # type: ignore[return-value]

    @strawberry.field
    async def patient(self, info: Info) -> Patient:
        row = await info.context.loaders.patient.load(self.row.patient_id)
        assert row is not None
        return Patient.from_row(row)


@strawberry.type
class BulkInviteSkip:
    patient: Patient
    problem: Problem


@strawberry.type
class BulkInviteResult:
    invited: list[Invitation]
    skipped: list[BulkInviteSkip]
