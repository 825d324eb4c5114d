"""Rows for tests, written straight to the database the service under test reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import update

from domain.actors import UserKind
from domain.credentials import hash_password, new_token, token_digest
from persistence.models import (
    AppointmentRow,
    AuthTokenRow,
    ClinicRow,
    LocationRow,
    PatientRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
    UserRow,
    practitioner_services,
    user_patients,
)
from portal.demo import default_clinic
from resolvers.deps import Deps

ZONE = ZoneInfo("Europe/Berlin")
PASSWORD = "correct horse battery"


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


async def clinic(deps: Deps, **settings: object) -> ClinicRow:
    """The clinic row with test-friendly defaults: no minimum notice, no notice windows
    for changes, no cap on moves."""
    row = default_clinic()
    row.minimum_notice_minutes = 0
    row.cancel_notice_hours = row.reschedule_notice_hours = row.max_reschedules = 0
    for name, value in settings.items():
        setattr(row, name, value)
    async with deps.database.writer() as session:
        await session.merge(row)
        await session.commit()
    return row


async def set_clinic(deps: Deps, **settings: object) -> None:
    async with deps.database.writer() as session:
        await session.execute(update(ClinicRow).where(ClinicRow.id == 1).values(**settings))
        await session.commit()


@dataclass
class Diary:
    practitioner: PractitionerRow
    service: ServiceRow
    location: LocationRow

    @property
    def practitioner_id(self) -> str:
        return str(self.practitioner.id)

    @property
    def service_id(self) -> str:
        return str(self.service.id)


async def online_practitioner(
    deps: Deps,
    *,
    name: str = "Maria Keller",
    duration_minutes: int = 30,
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7),
    start: time = time(8),
    end: time = time(18),
    online_access: bool = True,
    available_online: bool = True,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Diary:
    """A practitioner with one service and a session on the given weekdays."""
    async with deps.database.writer() as session:
        location = LocationRow(name="Lindenhof Centre")
        service = ServiceRow(
            name="Treatment", duration_minutes=duration_minutes, bookable_online=True
        )
        practitioner = PractitionerRow(name=name, online_access=online_access)
        session.add_all([location, service, practitioner])
        await session.flush()
        await session.execute(
            practitioner_services.insert().values(
                practitioner_id=practitioner.id, service_id=service.id
            )
        )
        for weekday in weekdays:
            session.add(
                SessionSeriesRow(
                    practitioner_id=practitioner.id,
                    location_id=location.id,
                    weekday=weekday,
                    start_time=start,
                    end_time=end,
                    valid_from=valid_from or date(2020, 1, 1),
                    valid_until=valid_until,
                    available_online=available_online,
                )
            )
        await session.commit()
    return Diary(practitioner, service, location)


async def patient(
    deps: Deps,
    *,
    name: str = "Anna Schmidt",
    birth_date: date | None = date(1986, 4, 12),
    email: str | None = "anna@example.com",
    phone: str | None = None,
    provisional: bool = False,
    contact_consent: bool = True,
) -> PatientRow:
    row = PatientRow(
        name=name,
        birth_date=birth_date,
        email=email,
        phone=phone,
        provisional=provisional,
        contact_consent=contact_consent,
        created_at=datetime.now(UTC),
    )
    async with deps.database.writer() as session:
        session.add(row)
        await session.commit()
    return row


@dataclass
class SignedInUser:
    user: UserRow
    token: str

    @property
    def id(self) -> str:
        return str(self.user.id)


_counter = iter(range(1, 10**9))


async def user(
    deps: Deps,
    *,
    kind: UserKind = UserKind.PATIENT,
    patients: tuple[PatientRow, ...] = (),
    email: str | None = None,
    name: str = "Online User",
    practitioner_id: int | None = None,
) -> SignedInUser:
    """A user with a live bearer token, managing the given patients."""
    now = datetime.now(UTC)
    token = new_token()
    row = UserRow(
        email=email or f"user{next(_counter)}@example.com",
        name=name,
        kind=kind.value,
        password_hash=password_hash(),
        practitioner_id=practitioner_id,
        created_at=now,
    )
    async with deps.database.writer() as session:
        session.add(row)
        await session.flush()
        session.add(
            AuthTokenRow(
                user_id=row.id,
                token_digest=token_digest(token),
                created_at=now,
                expires_at=now + timedelta(days=1),
            )
        )
        for p in patients:
            await session.execute(user_patients.insert().values(user_id=row.id, patient_id=p.id))
        await session.commit()
    return SignedInUser(row, token)


async def staff(deps: Deps) -> SignedInUser:
    return await user(deps, kind=UserKind.STAFF, name="Front Desk")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A clinic wall-clock time as an aware instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def days_ahead(days: int) -> date:
    return (datetime.now(ZONE) + timedelta(days=days)).date()


def slot_start(days: int = 2, hour: int = 10, minute: int = 0) -> datetime:
    """A start time `days` ahead at a clinic wall-clock time, inside the default sessions."""
    return local(days_ahead(days), hour, minute)


async def patients_with_accounts(deps: Deps, count: int) -> list[tuple[SignedInUser, int]]:
    """Many patient users at once, each with a live token and managing a patient record
    of their own: (user, patient id) pairs, written in one transaction (for load runs)."""
    now = datetime.now(UTC)
    pairs = [
        (
            PatientRow(
                name=f"Patient {n}",
                email=f"crowd{n}@example.com",
                contact_consent=True,
                provisional=False,
                created_at=now,
            ),
            UserRow(
                email=f"crowd{n}@example.com",
                name=f"Patient {n}",
                kind=UserKind.PATIENT.value,
                password_hash=password_hash(),
                created_at=now,
            ),
        )
        for n in range(count)
    ]
    tokens = [new_token() for _ in pairs]
    async with deps.database.writer() as session:
        session.add_all([row for pair in pairs for row in pair])
        await session.flush()
        session.add_all(
            AuthTokenRow(
                user_id=user.id,
                token_digest=token_digest(token),
                created_at=now,
                expires_at=now + timedelta(days=1),
            )
            for (_, user), token in zip(pairs, tokens, strict=True)
        )
        await session.execute(
            user_patients.insert(),
            [{"user_id": user.id, "patient_id": patient.id} for patient, user in pairs],
        )
        await session.commit()
    return [
        (SignedInUser(user, token), patient.id)
        for (patient, user), token in zip(pairs, tokens, strict=True)
    ]


async def patients(deps: Deps, names: list[str], *, provisional: bool = False) -> list[PatientRow]:
    """Many patient records at once (lists that need pages)."""
    now = datetime.now(UTC)
    rows = [
        PatientRow(
            name=name,
            birth_date=None,
            email=None,
            provisional=provisional,
            contact_consent=True,
            created_at=now + timedelta(microseconds=i),
        )
        for i, name in enumerate(names)
    ]
    async with deps.database.writer() as session:
        session.add_all(rows)
        await session.commit()
    return rows


async def appointment(
    deps: Deps,
    diary: Diary,
    *,
    start: datetime,
    patient: PatientRow | None = None,
    status: str = "BOOKED",
    created_by: SignedInUser | None = None,
) -> AppointmentRow:
    """A diary entry written straight to the database, as long as the diary's service."""
    now = datetime.now(UTC)
    row = AppointmentRow(
        status=status,
        patient_id=patient.id if patient else None,
        practitioner_id=diary.practitioner.id,
        service_id=diary.service.id,
        location_id=diary.location.id,
        start_at=start,
        end_at=start + timedelta(minutes=diary.service.duration_minutes),
        hold_expires_at=now + timedelta(minutes=5) if status == "TEMPORARY" else None,
        created_online=created_by is not None,
        created_by_id=created_by.user.id if created_by else None,
        created_at=now,
    )
    async with deps.database.writer() as session:
        session.add(row)
        await session.commit()
    return row
