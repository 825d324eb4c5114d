"""Reminders from real server processes: two senders and a restart in between still send
each reminder once, and its link confirms the visit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import update

from persistence.models import AppointmentRow
from portal.settings import Settings
from resolvers.deps import Deps
from tests import factories
from tests.conftest import running_servers
from tests.mailbox import Mailbox


async def booked_a_week_ago(deps: Deps, diary: factories.Diary, name: str, start: datetime) -> str:
    """A visit booked online a week ago; its user's email address."""
    patient = await factories.patient(deps, name=name)
    user = await factories.user(
        deps, email=f"{name.split()[0].lower()}@example.com", patients=(patient,)
    )
    row = await factories.appointment(deps, diary, start=start, patient=patient, created_by=user)
    async with deps.database.writer() as session:
        await session.execute(
            update(AppointmentRow)
            .where(AppointmentRow.id == row.id)
            .values(created_at=datetime.now(UTC) - timedelta(days=7))
        )
        await session.commit()
    return user.user.email


async def test_a_reminder_is_sent_once_by_two_processes_and_a_restart_and_its_link_confirms(
    settings: Settings, run_dir: Path, deps: Deps, mailbox: Mailbox
) -> None:
    diary = await factories.online_practitioner(deps)
    first = await booked_a_week_ago(
        deps, diary, "Anna Schmidt", factories.slot_start(days=1, hour=12)
    )
    with running_servers(settings, run_dir, 2, REMINDER_SECONDS="0.2") as servers:
        await mailbox.wait_for(1)
        [reminder] = mailbox.to(first)
        path = re.search(r"Confirm[^:]*: https?://[^/\s]+(/visit-link/\S+)", reminder.text())
        assert path is not None
        async with httpx.AsyncClient(base_url=servers[1].url) as http:
            confirmed = await http.post(path.group(1))
        assert "confirmed" in confirmed.text

    second = await booked_a_week_ago(
        deps, diary, "Ben Weber", factories.slot_start(days=1, hour=13)
    )
    with running_servers(settings, run_dir, 1, REMINDER_SECONDS="0.2"):
        # The restarted process has sent the second visit's reminder: it has looked at
        # the first one too, and found it sent.
        await mailbox.wait_for(2)

    assert len(mailbox.to(first)) == 1 and len(mailbox.to(second)) == 1
    async with deps.database.reader() as session:
        response = (
            await session.execute(
                AppointmentRow.__table__.select().where(
                    AppointmentRow.start_at == factories.slot_start(days=1, hour=12)
                )
            )
        ).one()
    assert response.patient_response == "CONFIRMED"
