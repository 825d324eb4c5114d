"""Moving a visit: one transaction, the same id, its history, the notice windows, and
everyone who must hear of it (the diary, the patient's calendar, the clinic, partners)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from icalendar import Calendar

from resolvers.deps import Deps
from tests import factories
from tests.api.partners import partner, token_request
from tests.api.test_holds import REQUEST, free_starts, hold
from tests.api.test_visits import CANCEL
from tests.mailbox import Mailbox, Received
from tests.support import GraphQL

MOVE = """
mutation Move($id: ID!, $start: DateTime!, $key: String, $practitionerId: ID, $serviceId: ID) {
  rescheduleAppointment(appointmentId: $id, start: $start, clientKey: $key,
                        practitionerId: $practitionerId, serviceId: $serviceId) {
    __typename
    ... on Appointment {
      id status start end patientResponse
      practitioner { id }
      moves { fromStart toStart movedAt movedByClient movedBy { email } }
      changeableUntil { cancel reschedule }
    }
    ... on TooLateToChange { deadline phone }
    ... on InvalidInput { field }
    ... on Problem { code message }
  }
}
"""
VISIT = """
query($id: ID!) { appointment(id: $id) { id status start moves { fromStart toStart } changeableUntil { cancel reschedule } } }
"""


class Booked:
    """A patient user's booked visit, made online through hold and request."""

    def __init__(
        self, diary: factories.Diary, user: factories.SignedInUser, patient: int, visit: str
    ) -> None:
        self.diary, self.user, self.patient, self.id = diary, user, patient, visit


async def booked(gql: GraphQL, deps: Deps, start: datetime, **clinic: object) -> Booked:
    await factories.set_clinic(
        deps, approval_required=False, notification_email="desk@clinic.example", **clinic
    )
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    held = await hold(gql, diary, start, user.token)
    visit = held["appointment"]["id"]
    asked = {"id": visit, "patientId": str(anna.id), "note": "Knee pain since the fall"}
    done = await gql(REQUEST, asked, token=user.token)
    assert done["request"]["status"] == "BOOKED", done
    return Booked(diary, user, anna.id, visit)


async def move(gql: GraphQL, visit: str, start: datetime, token: str, **more: str) -> dict:
    variables = {"id": visit, "start": start.isoformat(), **more}
    return (await gql(MOVE, variables, token=token))["rescheduleAppointment"]


def calendar_of(received: Received) -> Calendar:
    [part] = [p for p in received.message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") in ("REQUEST", "CANCEL")
    return Calendar.from_ical(part.get_content())


async def test_a_patient_moves_a_visit_keeping_its_id_and_the_old_time_is_free_again(
    gql: GraphQL, deps: Deps
) -> None:
    old, new = factories.slot_start(days=3, hour=10), factories.slot_start(days=3, hour=11)
    b = await booked(gql, deps, old)

    moved = await move(gql, b.id, new, b.user.token)

    assert moved["__typename"] == "Appointment", moved
    assert (moved["id"], moved["status"]) == (b.id, "BOOKED")
    assert datetime.fromisoformat(moved["start"]) == new
    [history] = moved["moves"]
    assert datetime.fromisoformat(history["fromStart"]) == old
    assert datetime.fromisoformat(history["toStart"]) == new
    assert history["movedBy"] == {"email": b.user.user.email}
    free = await free_starts(gql, b.diary, old)
    assert old in free and new not in free


async def test_the_patient_and_the_clinic_are_emailed_and_the_calendar_file_updates_the_same_event(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10))
    [booking] = await mailbox.wait_for(1)
    await move(gql, b.id, factories.slot_start(days=4, hour=9), b.user.token)
    await mailbox.wait_for(3)

    [confirmed, rescheduled] = mailbox.to(b.user.user.email)
    [desk] = mailbox.to("desk@clinic.example")
    assert "has moved" in rescheduled.subject and "Visit moved" in desk.subject
    before, after = (calendar_of(m).walk("VEVENT")[0] for m in (confirmed, rescheduled))
    assert before["UID"] == after["UID"]
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after.decoded("DTSTART") == factories.slot_start(days=4, hour=9)
    assert str(after.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    assert calendar_of(rescheduled).walk("VTIMEZONE")
    for sent in (booking, rescheduled, desk):
        assert "Knee" not in sent.subject
    for sent in (booking, rescheduled):
        assert "Knee" not in calendar_of(sent).to_ical().decode()
    assert all(p.get_content_type() != "text/calendar" for p in desk.message.walk())


async def test_a_move_onto_a_taken_time_changes_nothing(gql: GraphQL, deps: Deps) -> None:
    start, taken = factories.slot_start(days=3, hour=10), factories.slot_start(days=3, hour=12)
    b = await booked(gql, deps, start)
    other = await factories.patient(deps, name="Other Patient")
    await factories.appointment(deps, b.diary, start=taken, patient=other)

    refused = await move(gql, b.id, taken, b.user.token)
    visit = (await gql(VISIT, {"id": b.id}, token=b.user.token))["appointment"]

    assert refused["__typename"] == "SlotUnavailable"
    assert datetime.fromisoformat(visit["start"]) == start and visit["moves"] == []


async def test_two_visits_moved_onto_one_time_at_once_end_with_one_there(
    gql: GraphQL, deps: Deps
) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10))
    second = await hold(gql, b.diary, factories.slot_start(days=3, hour=11), b.user.token)
    asked = {"id": second["appointment"]["id"], "patientId": str(b.patient)}
    await gql(REQUEST, asked, token=b.user.token)
    target = factories.slot_start(days=3, hour=15)

    answers = await asyncio.gather(
        move(gql, b.id, target, b.user.token),
        move(gql, second["appointment"]["id"], target, b.user.token),
    )

    assert sorted(a["__typename"] for a in answers) == ["Appointment", "SlotUnavailable"]


async def test_someone_elses_visit_answers_as_a_missing_one_and_strangers_are_refused(
    gql: GraphQL, deps: Deps
) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10))
    stranger = await factories.user(
        deps, email="stranger@example.com", patients=(await factories.patient(deps, name="X"),)
    )
    new = factories.slot_start(days=3, hour=11)

    theirs = await move(gql, b.id, new, stranger.token)
    missing = await move(gql, "987654", new, stranger.token)
    anonymous = (await gql(MOVE, {"id": b.id, "start": new.isoformat()}))["rescheduleAppointment"]

    assert theirs == missing and theirs["code"] == "NOT_FOUND"
    assert anonymous["code"] == "NOT_ALLOWED"
    visit = (await gql(VISIT, {"id": b.id}, token=b.user.token))["appointment"]
    assert visit["moves"] == []


async def test_hostile_input_is_refused_by_field(gql: GraphQL, deps: Deps) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10))
    off_grid = factories.slot_start(days=3, hour=11, minute=7)
    far = factories.slot_start(days=400, hour=10)

    answers = [
        await move(gql, b.id, off_grid, b.user.token),
        await move(gql, b.id, far, b.user.token),
        await move(gql, b.id, factories.slot_start(days=3, hour=11), b.user.token, key="k" * 101),
        await move(gql, "1 OR 1=1", factories.slot_start(days=3, hour=11), b.user.token),
    ]

    assert [(a["__typename"], a.get("field")) for a in answers] == [
        ("InvalidInput", "start"),
        ("InvalidInput", "start"),
        ("InvalidInput", "clientKey"),
        ("InvalidInput", "appointmentId"),
    ]


async def test_a_retry_with_the_same_client_key_moves_once(gql: GraphQL, deps: Deps) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10))
    new = factories.slot_start(days=3, hour=11)

    first = await move(gql, b.id, new, b.user.token, key="move-1")
    again = await move(gql, b.id, factories.slot_start(days=3, hour=13), b.user.token, key="move-1")

    assert first["start"] == again["start"] and len(again["moves"]) == 1


async def test_inside_the_notice_window_a_patient_is_told_the_deadline_and_phone_staff_are_not_bound(
    gql: GraphQL, deps: Deps
) -> None:
    start = factories.slot_start(days=1, hour=17)
    b = await booked(
        gql, deps, start, reschedule_notice_hours=72, cancel_notice_hours=72, phone="+49 30 111"
    )
    desk = await factories.staff(deps)
    new = factories.slot_start(days=2, hour=9)

    refused = await move(gql, b.id, new, b.user.token)
    cancel = (await gql(CANCEL, {"id": b.id}, token=b.user.token))["cancelVisit"]
    seen = (await gql(VISIT, {"id": b.id}, token=b.user.token))["appointment"]
    by_desk = await move(gql, b.id, new, desk.token)

    assert refused["__typename"] == "TooLateToChange"
    assert datetime.fromisoformat(refused["deadline"]) == start - timedelta(hours=72)
    assert refused["phone"] == "+49 30 111" and "+49 30 111" in refused["message"]
    assert cancel["__typename"] == "TooLateToChange"
    assert seen["changeableUntil"] == {"cancel": None, "reschedule": None}
    assert seen["moves"] == [] and datetime.fromisoformat(seen["start"]) == start
    assert (
        by_desk["__typename"] == "Appointment" and datetime.fromisoformat(by_desk["start"]) == new
    )


async def test_the_portal_is_told_until_when_it_may_change_a_visit(
    gql: GraphQL, deps: Deps
) -> None:
    start = factories.slot_start(days=5, hour=10)
    b = await booked(gql, deps, start, reschedule_notice_hours=24, cancel_notice_hours=48)

    until = (await gql(VISIT, {"id": b.id}, token=b.user.token))["appointment"]["changeableUntil"]

    assert datetime.fromisoformat(until["cancel"]) == start - timedelta(hours=48)
    assert datetime.fromisoformat(until["reschedule"]) == start - timedelta(hours=24)


async def test_a_patient_moves_a_visit_only_as_often_as_the_clinic_allows(
    gql: GraphQL, deps: Deps
) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10), max_reschedules=1)

    first = await move(gql, b.id, factories.slot_start(days=3, hour=11), b.user.token)
    second = await move(gql, b.id, factories.slot_start(days=3, hour=12), b.user.token)

    assert first["changeableUntil"]["reschedule"] is None
    assert second["__typename"] == "NotAllowed" and "as often as" in second["message"]


async def test_moved_visits_wait_for_staff_again_only_where_the_clinic_says_so(
    gql: GraphQL, deps: Deps
) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10))
    await factories.set_clinic(deps, moved_visits_need_approval=True)
    desk = await factories.staff(deps)

    by_patient = await move(gql, b.id, factories.slot_start(days=3, hour=11), b.user.token)
    by_desk = await move(gql, b.id, factories.slot_start(days=3, hour=12), desk.token)

    assert by_patient["status"] == "REQUESTED"
    assert by_desk["status"] == "REQUESTED"  # a request stays a request; staff answer it once


async def test_only_staff_move_a_visit_to_another_practitioner(gql: GraphQL, deps: Deps) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10))
    other = await factories.online_practitioner(deps, name="Jon Berg")
    await factories.appointment(deps, other, start=factories.slot_start(days=9, hour=9))
    desk = await factories.staff(deps)
    new = factories.slot_start(days=3, hour=10)
    elsewhere = {"practitionerId": other.practitioner_id, "serviceId": other.service_id}

    by_patient = await move(gql, b.id, new, b.user.token, **elsewhere)
    by_desk = await move(gql, b.id, new, desk.token, **elsewhere)

    assert by_patient["__typename"] == "NotAllowed"
    assert by_desk["practitioner"]["id"] == other.practitioner_id
    assert new in await free_starts(gql, b.diary, new)
    assert new not in await free_starts(gql, other, new)


async def test_a_partner_needs_appointments_write_to_move_a_visit(gql: GraphQL, deps: Deps) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10))
    new = factories.slot_start(days=3, hour=11)
    tokens = {}
    for scope in ("appointments:read", "appointments:write"):
        p = await partner(gql, deps, scope, name=scope)
        tokens[scope] = (await token_request(gql.client, p)).json()["access_token"]

    reader = await move(gql, b.id, new, tokens["appointments:read"])
    writer = await move(gql, b.id, new, tokens["appointments:write"])

    assert reader["code"] == "NOT_ALLOWED"
    assert writer["__typename"] == "Appointment"
    assert writer["moves"][0]["movedByClient"] is True


async def test_a_patient_moving_a_visit_back_and_forth_is_slowed_down(
    gql: GraphQL, deps: Deps
) -> None:
    b = await booked(gql, deps, factories.slot_start(days=3, hour=10))
    times = [factories.slot_start(days=3, hour=h) for h in (11, 12)]

    answers = [await move(gql, b.id, times[n % 2], b.user.token) for n in range(11)]

    assert [a["__typename"] for a in answers] == ["Appointment"] * 10 + ["TooManyAttempts"]
    assert "moves" in answers[-1]["message"]
