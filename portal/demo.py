"""Demo data: one clinic with locations, services, practitioners, sessions and sign-ins."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from domain.actors import UserKind
from domain.credentials import hash_password
from persistence.models import (
    ClinicRow,
    LocationRow,
    PatientRow,
    PractitionerRow,
    ServiceRow,
    SessionSeriesRow,
    UserRow,
)
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

STAFF_EMAIL = "staff@example.com"
STAFF_PASSWORD = "staff-password"
PATIENT_EMAIL = "anna@example.com"
PATIENT_PASSWORD = "patient-password"
PRACTITIONER_EMAIL = "maria@example.com"
PRACTITIONER_PASSWORD = "practitioner-password"


def default_clinic() -> ClinicRow:
    return ClinicRow(
        id=1,
        name="Lindenhof Physiotherapy",
        time_zone="Europe/Berlin",
        hold_minutes=5,
        max_live_holds=2,
        approval_required=True,
        patient_cancel_enabled=True,
        booking_horizon_days=60,
        minimum_notice_minutes=120,
        rejection_email_includes_reason=True,
        notification_email="front-desk@example.com",
        invitation_days=14,
        phone="+49 30 5550 1234",
        cancel_notice_hours=24,
        reschedule_notice_hours=24,
        max_reschedules=2,
        moved_visits_need_approval=False,
    )


async def ensure_clinic(deps: Deps) -> None:
    """Every database needs its clinic row; a fresh one gets the defaults. Read first, so
    a process starting beside others takes no write lock when the row is there (on
    SQLite a writer holding the lock would keep the starting process waiting)."""
    async with UnitOfWork(deps, write=False) as uow:
        if await uow.clinic.exists():
            return
    async with UnitOfWork(deps) as uow:
        if not await uow.clinic.exists():
            uow.clinic.add(default_clinic())
            await uow.commit()


async def load_demo_data_if_empty(deps: Deps) -> bool:
    await ensure_clinic(deps)
    async with UnitOfWork(deps, write=False) as uow:
        if await uow.catalog.practitioner_count():
            return False
    await load_demo_data(deps)
    return True


async def load_demo_data(deps: Deps) -> None:
    await ensure_clinic(deps)
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        maria = await _diary(uow, monday=now.date() - timedelta(days=now.date().weekday()))
        await _people(uow, now)
        await _practitioner_user(uow, now, maria)
        await uow.commit()


async def _diary(uow: UnitOfWork, monday: date) -> PractitionerRow:
    """Two locations, three services, four practitioners and their weekly sessions;
    returns Maria, who signs in as a practitioner user."""
    centre = LocationRow(name="Lindenhof Centre")
    riverside = LocationRow(name="Riverside Practice")
    assessment = ServiceRow(name="Initial assessment", duration_minutes=45, bookable_online=True)
    follow_up = ServiceRow(name="Follow-up treatment", duration_minutes=30, bookable_online=True)
    massage = ServiceRow(name="Sports massage", duration_minutes=60, bookable_online=True)
    maria = PractitionerRow(name="Maria Keller", online_access=True)
    jonas = PractitionerRow(name="Jonas Weber", online_access=True)
    lena = PractitionerRow(name="Lena Fischer", online_access=False)
    tom = PractitionerRow(name="Tom Richter", online_access=True)
    uow.catalog.add(centre, riverside, assessment, follow_up, massage, maria, jonas, lena, tom)
    await uow.catalog.flush()
    await uow.catalog.offer_services(maria.id, [assessment.id, follow_up.id])
    await uow.catalog.offer_services(jonas.id, [follow_up.id, massage.id])
    await uow.catalog.offer_services(lena.id, [assessment.id, follow_up.id])
    await uow.catalog.offer_services(tom.id, [follow_up.id])

    def weekly(
        p: PractitionerRow, loc: LocationRow, day: int, start: time, end: time, online: bool = True
    ) -> SessionSeriesRow:
        return SessionSeriesRow(
            practitioner_id=p.id,
            location_id=loc.id,
            weekday=day,
            start_time=start,
            end_time=end,
            valid_from=monday,
            valid_until=None,
            available_online=online,
        )

    uow.catalog.add(
        *[weekly(maria, centre, d, time(9), time(13)) for d in (1, 2, 3, 4, 5)],
        *[weekly(maria, centre, d, time(14), time(17), online=False) for d in (1, 3)],
        *[weekly(jonas, riverside, d, time(12), time(18)) for d in (2, 4)],
        *[weekly(lena, centre, d, time(8), time(12)) for d in (1, 2)],
        # Tom works only offline sessions: he has online access but no online slots.
        weekly(tom, riverside, 5, time(9), time(12), online=False),
    )
    return maria


async def _people(uow: UnitOfWork, now: datetime) -> None:
    """Anna manages herself and her daughter Mia; Paul opted out of email; one staff user."""
    anna = await uow.patients.add(
        PatientRow(
            name="Anna Schmidt",
            birth_date=date(1986, 4, 12),
            email=PATIENT_EMAIL,
            phone="+49 30 1234567",
            contact_consent=True,
            provisional=False,
            created_at=now,
        )
    )
    mia = await uow.patients.add(
        PatientRow(
            name="Mia Schmidt", birth_date=date(2015, 9, 3), provisional=False, created_at=now
        )
    )
    await uow.patients.add(
        PatientRow(
            name="Paul Becker",
            birth_date=date(1972, 1, 30),
            email="paul.becker@example.com",
            phone="+49 30 7654321",
            contact_consent=False,
            provisional=False,
            created_at=now,
        )
    )
    await uow.users.add(_user(STAFF_EMAIL, "Front Desk", UserKind.STAFF, STAFF_PASSWORD, now))
    anna_user = await uow.users.add(
        _user(PATIENT_EMAIL, "Anna Schmidt", UserKind.PATIENT, PATIENT_PASSWORD, now)
    )
    await uow.users.link(anna_user.id, anna.id)
    await uow.users.link(anna_user.id, mia.id)


async def _practitioner_user(uow: UnitOfWork, now: datetime, maria: PractitionerRow) -> None:
    user = _user(PRACTITIONER_EMAIL, maria.name, UserKind.PRACTITIONER, PRACTITIONER_PASSWORD, now)
    user.practitioner_id = maria.id
    await uow.users.add(user)


def _user(email: str, name: str, kind: UserKind, password: str, now: datetime) -> UserRow:
    return UserRow(
        email=email,
        name=name,
        kind=kind.value,
        password_hash=hash_password(password),
        created_at=now,
    )
