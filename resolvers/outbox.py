"""Email through an outbox: written with the change, delivered by every process's sender."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.messages import Email, VisitFacts
from persistence.models import (
    AppointmentRow,
    ClinicRow,
    LocationRow,
    OutboxRow,
    PatientRow,
    PractitionerRow,
    ServiceRow,
    UserRow,
)
from resolvers.services import Services
from resolvers.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=2)
BATCH = 20
MAX_BACKOFF = timedelta(minutes=10)


class Mailer(Protocol):
    async def send(self, email: Email) -> None: ...


def enqueue(session: AsyncSession, email: Email, now: datetime) -> None:
    """Stage an email in the caller's transaction: it exists only if the change commits."""
    session.add(
        OutboxRow(
            kind=email.kind,
            to_address=email.to,
            subject=email.subject,
            text_body=email.text,
            html_body=email.html,
            created_at=now,
            next_attempt_at=now,
            attempts=0,
        )
    )


async def visit_facts(session: AsyncSession, row: AppointmentRow, clinic: ClinicRow) -> VisitFacts:
    patient = await session.get(PatientRow, row.patient_id) if row.patient_id else None
    practitioner = await session.get(PractitionerRow, row.practitioner_id)
    service = await session.get(ServiceRow, row.service_id)
    location = await session.get(LocationRow, row.location_id)
    return VisitFacts(
        clinic_name=clinic.name,
        zone=ZoneInfo(clinic.time_zone),
        patient_name=patient.name if patient else "(no patient)",
        practitioner_name=practitioner.name if practitioner else "",
        service_name=service.name if service else "",
        location_name=location.name if location else "",
        start=row.start_at,
    )


async def patient_contact(session: AsyncSession, row: AppointmentRow) -> str | None:
    """Who hears about an appointment: the online user who booked it, else the patient
    (when they consented to email)."""
    if row.created_online and row.created_by_id is not None:
        user = await session.get(UserRow, row.created_by_id)
        if user is not None:
            return user.email
    patient = await session.get(PatientRow, row.patient_id) if row.patient_id else None
    if patient is not None and patient.email and patient.contact_consent:
        return patient.email
    return None


async def deliver_due(services: Services, mailer: Mailer) -> int:
    """Claim due messages, send them, mark each sent; failures retry with backoff.

    The claim is one UPDATE, so two processes never send the same message at once; a
    process that dies mid-send leaves its claim to expire and another retries it.
    """
    now = services.now()
    if not await _anything_due(services, now):
        return 0
    async with UnitOfWork(services) as uow:
        due = (
            select(OutboxRow.id)
            .where(
                OutboxRow.sent_at.is_(None),
                OutboxRow.next_attempt_at <= now,
                (OutboxRow.claimed_until.is_(None)) | (OutboxRow.claimed_until < now),
            )
            .order_by(OutboxRow.id)
            .limit(BATCH)
        )
        if not services.database.is_sqlite:
            due = due.with_for_update(skip_locked=True)
        ids = list((await uow.session.execute(due)).scalars())
        if not ids:
            return 0
        claim = now + CLAIM_FOR
        await uow.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids))
            .values(claimed_until=claim, attempts=OutboxRow.attempts + 1)
        )
        rows = (
            (await uow.session.execute(select(OutboxRow).where(OutboxRow.id.in_(ids))))
            .scalars()
            .all()
        )
        await uow.commit()
    sent = 0
    for row in rows:
        email = Email(row.kind, row.to_address, row.subject, row.text_body, row.html_body)
        try:
            await mailer.send(email)
        except Exception as error:
            await _retry_later(services, row, claim, error)
            continue
        await _mark_sent(services, row.id, claim)
        sent += 1
    return sent


async def _anything_due(services: Services, now: datetime) -> bool:
    """A cheap read first, so idle senders never take the write lock (SQLite has one)."""
    async with UnitOfWork(services, write=False) as uow:
        query = (
            select(OutboxRow.id)
            .where(OutboxRow.sent_at.is_(None), OutboxRow.next_attempt_at <= now)
            .limit(1)
        )
        return (await uow.session.execute(query)).first() is not None


def _claimed(outbox_id: int, claim: datetime) -> list[ColumnElement[bool]]:
    """This process's claim on a message: the id alone could name another message later."""
    return [OutboxRow.id == outbox_id, OutboxRow.claimed_until == claim]


async def _mark_sent(services: Services, outbox_id: int, claim: datetime) -> None:
    async with UnitOfWork(services) as uow:
        await uow.session.execute(
            update(OutboxRow)
            .where(*_claimed(outbox_id, claim))
            .values(sent_at=services.now(), claimed_until=None, last_error=None)
        )
        await uow.commit()


async def _retry_later(
    services: Services, row: OutboxRow, claim: datetime, error: Exception
) -> None:
    delay = min(timedelta(seconds=2 ** min(row.attempts, 10)), MAX_BACKOFF)
    log.warning("Email %s (%s) not sent, attempt %d: %s", row.id, row.kind, row.attempts, error)
    async with UnitOfWork(services) as uow:
        await uow.session.execute(
            update(OutboxRow)
            .where(*_claimed(row.id, claim))
            .values(
                claimed_until=None,
                next_attempt_at=services.now() + delay,
                last_error=f"{type(error).__name__}: {error}"[:500],
            )
        )
        await uow.commit()
