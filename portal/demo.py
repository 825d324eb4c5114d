"""Demo data: one clinic with locations, services, practitioners, sessions and sign-ins."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

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
    practitioner_services,
    user_patients,
)
from resolvers.services import Services
from resolvers.unit_of_work import UnitOfWork

STAFF_EMAIL = "staff@example.com"
STAFF_PASSWORD = "staff-password"
PATIENT_EMAIL = "anna@example.com"
PATIENT_PASSWORD = "patient-password"


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
    )


async def ensure_clinic(services: Services) -> None:
    """Every database needs its clinic row; a fresh one gets the defaults."""
    async with UnitOfWork(services) as uow:
        if await uow.session.get(ClinicRow, 1) is None:
            uow.session.add(default_clinic())
            await uow.commit()


async def load_demo_data_if_empty(services: Services) -> bool:
    await ensure_clinic(services)
    async with UnitOfWork(services) as uow:
        count = (
            await uow.session.execute(select(func.count()).select_from(PractitionerRow))
        ).scalar_one()
    if count:
        return False
    await load_demo_data(services)
    return True


async def load_demo_data(services: Services) -> None:
    await ensure_clinic(services)
    now = services.now()
    monday = now.date() - timedelta(days=now.date().weekday())
    async with UnitOfWork(services) as uow:
        s = uow.session
        centre = LocationRow(name="Lindenhof Centre")
        riverside = LocationRow(name="Riverside Practice")
        assessment = ServiceRow(
            name="Initial assessment", duration_minutes=45, bookable_online=True
        )
        follow_up = ServiceRow(
            name="Follow-up treatment", duration_minutes=30, bookable_online=True
        )
        massage = ServiceRow(name="Sports massage", duration_minutes=60, bookable_online=True)
        maria = PractitionerRow(name="Maria Keller", online_access=True)
        jonas = PractitionerRow(name="Jonas Weber", online_access=True)
        lena = PractitionerRow(name="Lena Fischer", online_access=False)
        tom = PractitionerRow(name="Tom Richter", online_access=True)
        s.add_all([centre, riverside, assessment, follow_up, massage, maria, jonas, lena, tom])
        await s.flush()
        offered = [
            (maria, assessment),
            (maria, follow_up),
            (jonas, follow_up),
            (jonas, massage),
            (lena, assessment),
            (lena, follow_up),
            (tom, follow_up),
        ]
        await s.execute(
            practitioner_services.insert(),
            [{"practitioner_id": p.id, "service_id": sv.id} for p, sv in offered],
        )

        def weekly(
            p: PractitionerRow,
            loc: LocationRow,
            day: int,
            start: time,
            end: time,
            online: bool = True,
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

        s.add_all(
            [weekly(maria, centre, d, time(9), time(13)) for d in (1, 2, 3, 4, 5)]
            + [weekly(maria, centre, d, time(14), time(17), online=False) for d in (1, 3)]
            + [weekly(jonas, riverside, d, time(12), time(18)) for d in (2, 4)]
            + [weekly(lena, centre, d, time(8), time(12)) for d in (1, 2)]
            # Tom works only offline sessions: he has online access but no online slots.
            + [weekly(tom, riverside, 5, time(9), time(12), online=False)]
        )
        anna = PatientRow(
            name="Anna Schmidt",
            birth_date=date(1986, 4, 12),
            email=PATIENT_EMAIL,
            phone="+49 30 1234567",
            contact_consent=True,
            provisional=False,
            created_at=now,
        )
        mia = PatientRow(
            name="Mia Schmidt",
            birth_date=date(2015, 9, 3),
            email=None,
            phone=None,
            contact_consent=True,
            provisional=False,
            created_at=now,
        )
        paul = PatientRow(
            name="Paul Becker",
            birth_date=date(1972, 1, 30),
            email="paul.becker@example.com",
            phone="+49 30 7654321",
            contact_consent=False,
            provisional=False,
            created_at=now,
        )
        staff = UserRow(
            email=STAFF_EMAIL,
            name="Front Desk",
            kind=UserKind.STAFF.value,
            password_hash=hash_password(STAFF_PASSWORD),
            created_at=now,
        )
        anna_user = UserRow(
            email=PATIENT_EMAIL,
            name="Anna Schmidt",
            kind=UserKind.PATIENT.value,
            password_hash=hash_password(PATIENT_PASSWORD),
            created_at=now,
        )
        s.add_all([anna, mia, paul, staff, anna_user])
        await s.flush()
        await s.execute(
            user_patients.insert(),
            [
                {"user_id": anna_user.id, "patient_id": anna.id},
                {"user_id": anna_user.id, "patient_id": mia.id},
            ],
        )
        await uow.commit()
