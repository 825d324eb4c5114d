"""The client portal's visits and the clinic's official outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import free_starts
from tests.mailbox import Mailbox
from tests.support import GraphQL, LiveSocket, ServerProcess

BOOK = """
mutation Book($patientId: ID!, $practitionerId: ID!, $serviceId: ID!, $start: DateTime!) {
  bookAppointment(patientId: $patientId, practitionerId: $practitionerId, serviceId: $serviceId, start: $start) {
    __typename
    ... on Appointment { id status createdOnline start }
    ... on Problem { code message }
  }
}
"""

VISITS = """
query Visits($patientId: ID!, $from: DateTime!, $to: DateTime!) {
  visits(patientId: $patientId, from: $from, to: $to) {
    id start status visitStatus patientResponse practitioner { name } location { name }
  }
}
"""

CONFIRM = "mutation($id: ID!) { confirmVisit(appointmentId: $id) { __typename ... on Appointment { visitStatus } ... on Problem { code } } }"
CANCEL = "mutation($id: ID!) { cancelVisit(appointmentId: $id) { __typename ... on CancelRequested { notice appointment { visitStatus } } ... on Problem { code message } } }"
CLEAR = "mutation($id: ID!) { clearVisitResponse(appointmentId: $id) { __typename ... on Appointment { visitStatus } ... on Problem { code } } }"
COMPLETE = "mutation($id: ID!) { completeAppointment(appointmentId: $id) { __typename ... on Appointment { status visitStatus } ... on Problem { code message } } }"
STAFF_CANCEL = "mutation($id: ID!, $reason: String) { cancelAppointment(appointmentId: $id, reason: $reason) { __typename ... on Appointment { status visitStatus } ... on Problem { code } } }"


class Clinic:
    """A practitioner, a patient with a portal user, and staff."""

    def __init__(
        self,
        diary: factories.Diary,
        patient_id: str,
        user: factories.SignedInUser,
        desk: factories.SignedInUser,
    ) -> None:
        self.diary, self.patient_id, self.user, self.desk = diary, patient_id, user, desk


async def clinic(deps: Deps) -> Clinic:
    await factories.set_clinic(deps, notification_email="desk@clinic.example")
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    return Clinic(diary, str(anna.id), user, await factories.staff(deps))


async def book(gql: GraphQL, c: Clinic, start: datetime) -> dict:
    variables = {
        "patientId": c.patient_id,
        "practitionerId": c.diary.practitioner_id,
        "serviceId": c.diary.service_id,
        "start": start.isoformat(),
    }
    return (await gql(BOOK, variables, token=c.desk.token))["bookAppointment"]


async def visit_statuses(gql: GraphQL, c: Clinic) -> dict[str, str]:
    now = datetime.now(UTC)
    variables = {
        "patientId": c.patient_id,
        "from": (now - timedelta(days=30)).isoformat(),
        "to": (now + timedelta(days=30)).isoformat(),
    }
    return {
        v["id"]: v["visitStatus"]
        for v in (await gql(VISITS, variables, token=c.user.token))["visits"]
    }


async def test_every_visit_status_is_reached_through_the_api(gql: GraphQL, deps: Deps) -> None:
    c = await clinic(deps)
    past = (await book(gql, c, factories.slot_start(days=-1, hour=9)))["id"]
    awaiting = (await book(gql, c, factories.slot_start(days=2, hour=9)))["id"]
    confirmed = (await book(gql, c, factories.slot_start(days=2, hour=10)))["id"]
    pending = (await book(gql, c, factories.slot_start(days=2, hour=11)))["id"]
    cancelled = (await book(gql, c, factories.slot_start(days=2, hour=12)))["id"]

    assert (await gql(COMPLETE, {"id": past}, token=c.desk.token))["completeAppointment"][
        "status"
    ] == "COMPLETED"
    assert (await gql(CONFIRM, {"id": confirmed}, token=c.user.token))["confirmVisit"][
        "visitStatus"
    ] == "PATIENT_CONFIRMED"
    cancel = (await gql(CANCEL, {"id": pending}, token=c.user.token))["cancelVisit"]
    assert cancel["appointment"]["visitStatus"] == "PENDING_CANCEL"
    assert "call the clinic" in cancel["notice"]
    assert (await gql(STAFF_CANCEL, {"id": cancelled, "reason": "Ill"}, token=c.desk.token))[
        "cancelAppointment"
    ]["status"] == "CANCELLED"

    assert await visit_statuses(gql, c) == {
        past: "COMPLETED",
        awaiting: "AWAITING_RESPONSE",
        confirmed: "PATIENT_CONFIRMED",
        pending: "PENDING_CANCEL",
        cancelled: "CANCELLED",
    }


async def test_a_visit_that_has_not_started_cannot_be_completed(gql: GraphQL, deps: Deps) -> None:
    c = await clinic(deps)
    future = (await book(gql, c, factories.slot_start(days=2)))["id"]
    refused = (await gql(COMPLETE, {"id": future}, token=c.desk.token))["completeAppointment"]
    assert refused["__typename"] == "InvalidInput"


async def test_cancel_change_cancel_emails_the_clinic_once_for_each_in_order(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    c = await clinic(deps)
    visit = (await book(gql, c, factories.slot_start(days=3)))["id"]

    await gql(CANCEL, {"id": visit}, token=c.user.token)
    await mailbox.wait_for(1)
    await gql(CLEAR, {"id": visit}, token=c.user.token)
    await mailbox.wait_for(2)
    await gql(CANCEL, {"id": visit}, token=c.user.token)
    await mailbox.wait_for(3)

    subjects = [r.subject.split(":")[0] for r in mailbox.to("desk@clinic.example")]
    assert subjects == ["Cancellation request", "Cancellation withdrawn", "Cancellation request"]


async def test_with_patient_cancelling_off_cancel_is_refused_but_confirm_works(
    gql: GraphQL, deps: Deps
) -> None:
    c = await clinic(deps)
    await factories.set_clinic(deps, patient_cancel_enabled=False)
    visit = (await book(gql, c, factories.slot_start(days=3)))["id"]

    refused = (await gql(CANCEL, {"id": visit}, token=c.user.token))["cancelVisit"]
    confirmed = (await gql(CONFIRM, {"id": visit}, token=c.user.token))["confirmVisit"]
    setting = (await gql("{ clinic { settings { patientCancelEnabled } } }"))["clinic"]["settings"]

    assert refused["__typename"] == "NotAllowed"
    assert confirmed["visitStatus"] == "PATIENT_CONFIRMED"
    assert setting == {"patientCancelEnabled": False}


async def test_a_front_desk_booking_is_held_to_the_no_overlap_guarantee(
    gql: GraphQL, deps: Deps
) -> None:
    c = await clinic(deps)
    start = factories.slot_start(days=2, hour=14)
    first = await book(gql, c, start)
    overlapping = await book(gql, c, start + timedelta(minutes=15))

    assert (first["status"], first["createdOnline"]) == ("BOOKED", False)
    assert overlapping["__typename"] == "SlotUnavailable"


async def test_cancelling_officially_frees_the_slot(gql: GraphQL, deps: Deps) -> None:
    c = await clinic(deps)
    start = factories.slot_start(days=2, hour=15)
    visit = (await book(gql, c, start))["id"]
    assert start not in await free_starts(gql, c.diary, start)

    await gql(STAFF_CANCEL, {"id": visit}, token=c.desk.token)

    assert start in await free_starts(gql, c.diary, start)


async def test_a_user_sees_no_visits_of_a_patient_they_do_not_manage(
    gql: GraphQL, deps: Deps
) -> None:
    c = await clinic(deps)
    stranger = await factories.user(deps)
    now = datetime.now(UTC)
    body = await gql.raw(
        VISITS,
        {
            "patientId": c.patient_id,
            "from": now.isoformat(),
            "to": (now + timedelta(days=1)).isoformat(),
        },
        token=stranger.token,
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_the_visit_list_spans_a_daylight_saving_change_at_the_same_wall_clock_time(
    gql: GraphQL, deps: Deps
) -> None:
    c = await clinic(deps)
    before = factories.local(date(2027, 3, 26), 9)  # Friday, UTC+1
    after = factories.local(date(2027, 3, 29), 9)  # Monday, UTC+2 (clocks went forward on Sunday)
    for start in (before, after):
        assert (await book(gql, c, start))["status"] == "BOOKED"
    window = {
        "patientId": c.patient_id,
        "from": "2027-03-26T00:00:00+01:00",
        "to": "2027-03-30T00:00:00+02:00",
    }

    listed = (await gql(VISITS, window, token=c.user.token))["visits"]

    assert [v["start"] for v in listed] == [
        "2027-03-26T09:00:00+01:00",
        "2027-03-29T09:00:00+02:00",
    ]
    assert [v["practitioner"]["name"] for v in listed] == ["Maria Keller", "Maria Keller"]
    assert all(v["location"]["name"] == "Lindenhof Centre" for v in listed)


async def test_the_patient_portal_hears_every_visit_status_change(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    c = await clinic(deps)
    visit = (await book(server_gql, c, factories.slot_start(days=3)))["id"]
    async with LiveSocket(server.ws_url, c.user.token) as portal:
        await portal.subscribe("subscription { myAppointmentUpdates { id visitStatus } }")
        seen = []
        for mutation, token in (
            (CONFIRM, c.user.token),
            (CANCEL, c.user.token),
            (CLEAR, c.user.token),
            (STAFF_CANCEL, c.desk.token),
        ):
            await server_gql(mutation, {"id": visit}, token=token)
            seen.append((await portal.next_data())["myAppointmentUpdates"]["visitStatus"])

    assert seen == ["PATIENT_CONFIRMED", "PENDING_CANCEL", "AWAITING_RESPONSE", "CANCELLED"]


ANSWERS = {"confirmVisit": CONFIRM, "cancelVisit": CANCEL, "clearVisitResponse": CLEAR}
PROBLEM = "mutation($id: ID!) {{ {field}(appointmentId: $id) {{ __typename ... on Problem {{ code message }} }} }}"


async def test_someone_elses_visit_answers_exactly_as_a_missing_one(
    gql: GraphQL, deps: Deps
) -> None:
    c = await clinic(deps)
    visit = (await book(gql, c, factories.slot_start(days=3)))["id"]
    stranger = await factories.user(
        deps, email="stranger@example.com", patients=(await factories.patient(deps, name="Other"),)
    )
    for field in ANSWERS:
        query = PROBLEM.format(field=field)
        theirs = (await gql(query, {"id": visit}, token=stranger.token))[field]
        missing = (await gql(query, {"id": "999999"}, token=stranger.token))[field]
        assert theirs == missing
        assert theirs["code"] == "NOT_FOUND"
    assert (await visit_statuses(gql, c)) == {visit: "AWAITING_RESPONSE"}
