"""Reminders that confirm: each sent once per visit and time, not to a cancelled, moved or
(for the second) confirmed visit; their links confirm, or ask to cancel within the rules."""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from persistence.models import AppointmentRow
from resolvers.deps import Deps
from resolvers.visits.reminders import send_due_reminders
from tests import factories
from tests.api.conftest import Clock
from tests.mailbox import Mailbox, Received
from tests.support import GraphQL

VISIT = "query($id: ID!) { appointment(id: $id) { visitStatus patientResponse } }"
MOVE = """
mutation($id: ID!, $start: DateTime!) { rescheduleAppointment(appointmentId: $id, start: $start) {
  __typename } }
"""


class Visit:
    def __init__(self, row: AppointmentRow, user: factories.SignedInUser) -> None:
        self.row, self.user = row, user

    @property
    def id(self) -> str:
        return str(self.row.id)


async def booked_long_ago(deps: Deps, start: datetime, **clinic: object) -> Visit:
    """A visit booked online a week ago, starting at `start`."""
    if clinic:
        await factories.set_clinic(deps, **clinic)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    row = await factories.appointment(deps, diary, start=start, patient=anna, created_by=user)
    async with deps.database.writer() as session:
        await session.execute(
            update(AppointmentRow)
            .where(AppointmentRow.id == row.id)
            .values(created_at=datetime.now(UTC) - timedelta(days=7))
        )
        await session.commit()
    return Visit(row, user)


def links(received: Received) -> dict[str, str]:
    found = re.findall(
        r"(Confirm|cancel)[^:]*: http://portal\.test(/visit-link/\S+)", received.text()
    )
    return {kind.lower(): path for kind, path in found}


async def test_the_first_reminder_goes_once_even_when_two_senders_race(
    gql: GraphQL, deps: Deps, mailbox: Mailbox, clock: Clock
) -> None:
    start = factories.slot_start(days=3, hour=10)
    v = await booked_long_ago(deps, start)
    clock.now = start - timedelta(hours=47)

    sent = await asyncio.gather(*(send_due_reminders(deps) for _ in range(3)))
    again = await send_due_reminders(deps)
    [email] = await mailbox.wait_for(1)

    assert sum(sent) == 1 and again == 0
    assert email.to == [v.user.user.email]
    assert email.subject.startswith("Lindenhof Physiotherapy: your visit on")
    assert "Treatment" not in email.subject and "Anna" not in email.subject
    assert set(links(email)) == {"confirm", "cancel"}


async def test_a_clock_stepped_back_sends_nothing_twice_and_the_second_follows_in_time(
    gql: GraphQL, deps: Deps, mailbox: Mailbox, clock: Clock
) -> None:
    start = factories.slot_start(days=3, hour=10)
    await booked_long_ago(deps, start)
    clock.now = start - timedelta(hours=47)
    assert await send_due_reminders(deps) == 1
    clock.now -= timedelta(hours=3)  # the clock steps back
    assert await send_due_reminders(deps) == 0
    clock.now = start - timedelta(hours=1, minutes=59)
    assert await send_due_reminders(deps) == 1
    clock.now = start + timedelta(minutes=1)
    assert await send_due_reminders(deps) == 0
    assert len(await mailbox.wait_for(2)) == 2


async def test_a_confirmed_visit_gets_no_second_reminder_and_a_cancelled_one_none(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    start = factories.slot_start(days=3, hour=10)
    confirmed = await booked_long_ago(deps, start)
    async with deps.database.writer() as session:
        await session.execute(
            update(AppointmentRow)
            .where(AppointmentRow.id == confirmed.row.id)
            .values(patient_response="CONFIRMED")
        )
        await session.commit()
    clock.now = start - timedelta(hours=47)
    assert await send_due_reminders(deps) == 1  # the first goes to every booked visit
    clock.now = start - timedelta(hours=1)
    assert await send_due_reminders(deps) == 0
    clock.now = datetime.now(UTC)  # signed-in tokens live by the clock too
    desk = await factories.staff(deps)
    await gql(
        "mutation($id: ID!) { cancelAppointment(appointmentId: $id) { __typename } }",
        {"id": confirmed.id},
        token=desk.token,
    )
    clock.now = start - timedelta(minutes=30)
    assert await send_due_reminders(deps) == 0


async def test_a_visit_moved_past_its_reminder_is_reminded_at_its_new_time(
    gql: GraphQL, deps: Deps, clock: Clock
) -> None:
    start = factories.slot_start(days=3, hour=10)
    v = await booked_long_ago(deps, start, reminder_hours="2")
    later = start + timedelta(days=1)
    moved = await gql(MOVE, {"id": v.id, "start": later.isoformat()}, token=v.user.token)
    assert moved["rescheduleAppointment"]["__typename"] == "Appointment"

    clock.now = start - timedelta(hours=1)
    assert await send_due_reminders(deps) == 0
    clock.now = later - timedelta(hours=1)
    assert await send_due_reminders(deps) == 1


async def test_the_confirm_link_confirms_once_and_the_cancel_link_keeps_the_notice_window(
    gql: GraphQL, deps: Deps, mailbox: Mailbox, clock: Clock
) -> None:
    start = factories.slot_start(days=3, hour=10)
    # A notice window that has begun, whatever the time of day: 66 to 90 hours ahead.
    hours_ahead = math.ceil((start - datetime.now(UTC)).total_seconds() / 3600)
    v = await booked_long_ago(deps, start, cancel_notice_hours=hours_ahead + 1, phone="+49 30 222")
    clock.now = start - timedelta(hours=47)
    await send_due_reminders(deps)
    [email] = await mailbox.wait_for(1)
    clock.now = datetime.now(UTC)  # signed-in tokens live by the clock too
    paths = links(email)
    http = gql.client

    shown = await http.get(paths["confirm"])
    status = (await gql(VISIT, {"id": v.id}, token=v.user.token))["appointment"]
    assert "Confirm" in shown.text and status["patientResponse"] == "NONE"
    done = await http.post(paths["confirm"])
    used = await http.post(paths["confirm"])
    refused = await http.post(paths["cancel"])
    status = (await gql(VISIT, {"id": v.id}, token=v.user.token))["appointment"]

    assert "confirmed" in done.text and "not valid" in used.text
    assert "+49 30 222" in refused.text and "Nothing was changed" in refused.text
    assert status == {"visitStatus": "PATIENT_CONFIRMED", "patientResponse": "CONFIRMED"}


async def test_a_cancel_link_outside_the_window_asks_the_clinic_to_cancel(
    gql: GraphQL, deps: Deps, mailbox: Mailbox, clock: Clock
) -> None:
    start = factories.slot_start(days=3, hour=10)
    v = await booked_long_ago(deps, start, notification_email="desk@clinic.example")
    clock.now = start - timedelta(hours=47)
    await send_due_reminders(deps)
    [email] = await mailbox.wait_for(1)
    clock.now = datetime.now(UTC)

    answered = await gql.client.post(links(email)["cancel"])
    status = (await gql(VISIT, {"id": v.id}, token=v.user.token))["appointment"]

    assert "call the clinic" in answered.text
    assert status["visitStatus"] == "PENDING_CANCEL"
    await mailbox.wait_for(2)
    assert [m.subject.split(":")[0] for m in mailbox.to("desk@clinic.example")] == [
        "Cancellation request"
    ]


async def test_pressing_forged_links_from_one_address_is_slowed_down(
    from_address: Callable[[str], GraphQL], deps: Deps
) -> None:
    presser = from_address("203.0.113.9")
    pages = [(await presser.client.post(f"/visit-link/{n}.forged")).text for n in range(31)]

    assert all("not valid" in page for page in pages[:30])
    assert "Too many link uses" in pages[-1]
