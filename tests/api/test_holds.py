"""Holding a slot, releasing it, requesting it; expiry owned by the server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from domain.actors import UserKind
from persistence.models import AppointmentRow
from resolvers.deps import Deps
from tests import factories
from tests.support import GraphQL, eventually

HOLD = """
mutation Hold($practitionerId: ID!, $serviceId: ID!, $start: DateTime!, $clientKey: String) {
  hold(practitionerId: $practitionerId, serviceId: $serviceId, start: $start, clientKey: $clientKey) {
    __typename
    ... on Hold { expiresAt appointment { id status start end createdOnline holdExpiresAt } }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""

RELEASE = """
mutation Release($id: ID!) {
  releaseHold(appointmentId: $id) { __typename ... on Appointment { id } ... on Problem { code } }
}
"""

REQUEST = """
mutation Request($id: ID!, $patientId: ID!, $note: String) {
  request(appointmentId: $id, patientId: $patientId, note: $note) {
    __typename
    ... on Appointment {
      id status note createdOnline createdAt
      createdBy { email }
      service { name }
      patient { name }
      holdExpiresAt
    }
    ... on Problem { code message }
  }
}
"""

SLOTS = """
query Slots($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(practitionerId: $p, serviceId: $s, from: $from, to: $to) { slots { start } }
}
"""


async def hold(
    gql: GraphQL, diary: factories.Diary, start: datetime, token: str, key: str | None = None
) -> dict:
    variables = {
        "practitionerId": diary.practitioner_id,
        "serviceId": diary.service_id,
        "start": start.isoformat(),
        "clientKey": key,
    }
    return (await gql(HOLD, variables, token=token))["hold"]


async def free_starts(gql: GraphQL, diary: factories.Diary, start: datetime) -> set[datetime]:
    data = await gql(
        SLOTS,
        {
            "p": diary.practitioner_id,
            "s": diary.service_id,
            "from": (start - timedelta(hours=2)).isoformat(),
            "to": (start + timedelta(hours=2)).isoformat(),
        },
    )
    return {datetime.fromisoformat(s["start"]) for s in data["availableSlots"]["slots"]}


async def expire_holds(deps: Deps) -> None:
    """Make every hold lapse now, as if its minutes had run out."""
    async with deps.database.writer() as session:
        await session.execute(
            update(AppointmentRow)
            .where(AppointmentRow.status == "TEMPORARY")
            .values(hold_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()


async def live_count(deps: Deps) -> int:
    async with deps.database.reader() as session:
        query = (
            select(func.count())
            .select_from(AppointmentRow)
            .where(AppointmentRow.status != "LAPSED")
        )
        return int((await session.execute(query)).scalar_one())


async def test_a_hold_takes_the_slot_out_of_everyone_elses_availability(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    start = factories.slot_start()

    held = await hold(gql, diary, start, anna.token)

    assert held["__typename"] == "Hold"
    assert held["appointment"]["status"] == "TEMPORARY"
    assert held["appointment"]["createdOnline"] is True
    expires = datetime.fromisoformat(held["expiresAt"])
    assert timedelta(minutes=4) < expires - datetime.now(UTC) <= timedelta(minutes=5)
    assert start not in await free_starts(gql, diary, start)


async def test_a_second_portal_cannot_snipe_a_held_slot(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    first, second = await factories.user(deps), await factories.user(deps)
    start = factories.slot_start()
    await hold(gql, diary, start, first.token)

    sniped = await hold(gql, diary, start, second.token)

    assert sniped["__typename"] == "SlotUnavailable"
    assert sniped["code"] == "SLOT_UNAVAILABLE"
    assert await live_count(deps) == 1


async def test_a_time_that_is_not_an_online_slot_cannot_be_held(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps, duration_minutes=30)
    anna = await factories.user(deps)
    off_grid = factories.slot_start(hour=10, minute=10)
    outside_session = factories.slot_start(hour=20)

    for start in (off_grid, outside_session):
        refused = await hold(gql, diary, start, anna.token)
        assert (refused["__typename"], refused["field"]) == ("InvalidInput", "start")
    assert await live_count(deps) == 0


async def test_holding_needs_a_sign_in(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    variables = {
        "practitionerId": diary.practitioner_id,
        "serviceId": diary.service_id,
        "start": factories.slot_start().isoformat(),
    }
    refused = (await gql(HOLD, variables))["hold"]
    assert refused["__typename"] == "NotAllowed"


async def test_one_user_cannot_hoard_more_holds_than_the_clinic_allows(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    starts = [factories.slot_start(hour=h) for h in (9, 10, 11)]

    results = [await hold(gql, diary, s, anna.token) for s in starts]

    assert [r["__typename"] for r in results] == ["Hold", "Hold", "NotAllowed"]
    # The refused hold left nothing in the diary: the time is anyone else's to hold.
    assert starts[2] in await free_starts(gql, diary, starts[2])
    other = await factories.user(deps)
    assert (await hold(gql, diary, starts[2], other.token))["__typename"] == "Hold"


async def test_a_retry_with_the_same_client_key_returns_the_same_hold(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    start = factories.slot_start()

    first = await hold(gql, diary, start, anna.token, key="attempt-1")
    retry = await hold(gql, diary, start, anna.token, key="attempt-1")

    assert retry["__typename"] == "Hold"
    assert retry["appointment"]["id"] == first["appointment"]["id"]
    assert await live_count(deps) == 1


async def test_releasing_a_hold_frees_the_slot_at_once(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    anna, other = await factories.user(deps), await factories.user(deps)
    start = factories.slot_start()
    held = await hold(gql, diary, start, anna.token)
    appointment_id = held["appointment"]["id"]

    not_theirs = (await gql(RELEASE, {"id": appointment_id}, token=other.token))["releaseHold"]
    released = (await gql(RELEASE, {"id": appointment_id}, token=anna.token))["releaseHold"]

    assert not_theirs["__typename"] == "NotFound"
    assert released["__typename"] == "Appointment"
    assert start in await free_starts(gql, diary, start)
    assert (await hold(gql, diary, start, other.token))["__typename"] == "Hold"


async def test_staff_can_release_a_patients_hold(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    anna, desk = await factories.user(deps), await factories.staff(deps)
    held = await hold(gql, diary, factories.slot_start(), anna.token)

    released = (await gql(RELEASE, {"id": held["appointment"]["id"]}, token=desk.token))[
        "releaseHold"
    ]

    assert released["__typename"] == "Appointment"


async def test_an_expired_hold_blocks_nobody_even_before_the_sweeper_runs(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna, other = await factories.user(deps), await factories.user(deps)
    start = factories.slot_start()
    await hold(gql, diary, start, anna.token)
    await expire_holds(deps)

    assert start in await free_starts(gql, diary, start)
    assert (await hold(gql, diary, start, other.token))["__typename"] == "Hold"


async def test_the_server_lapses_expired_holds_by_itself(server_gql: GraphQL, deps: Deps) -> None:
    gql = server_gql
    diary = await factories.online_practitioner(deps)
    anna = await factories.user(deps)
    held = await hold(gql, diary, factories.slot_start(), anna.token)
    await expire_holds(deps)

    async def lapsed() -> bool:
        async with deps.database.reader() as session:
            row = await session.get(AppointmentRow, int(held["appointment"]["id"]))
            return row is not None and row.status == "LAPSED"

    assert await eventually(lapsed)
    shown = await gql(
        "query($id: ID!) { appointment(id: $id) { id } }",
        {"id": held["appointment"]["id"]},
        token=anna.token,
    )
    assert shown["appointment"] is None


async def test_requesting_a_hold_books_it_for_the_chosen_patient(gql: GraphQL, deps: Deps) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    mother = await factories.patient(deps, name="Anna Schmidt")
    child = await factories.patient(deps, name="Mia Schmidt", email=None)
    parent = await factories.user(deps, patients=(mother, child), email="anna@example.com")
    held = await hold(gql, diary, factories.slot_start(), parent.token)

    booked = (
        await gql(
            REQUEST,
            {"id": held["appointment"]["id"], "patientId": str(child.id), "note": "Knee"},
            token=parent.token,
        )
    )["request"]

    assert booked["__typename"] == "Appointment"
    assert booked["status"] == "BOOKED"
    assert booked["patient"] == {"name": "Mia Schmidt"}
    assert booked["note"] == "Knee"
    assert booked["createdOnline"] is True
    assert booked["createdBy"] == {"email": "anna@example.com"}
    assert booked["service"] == {"name": "Treatment"}
    assert booked["holdExpiresAt"] is None


async def test_a_clinic_that_approves_bookings_gets_a_request(gql: GraphQL, deps: Deps) -> None:
    await factories.set_clinic(deps, approval_required=True)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    held = await hold(gql, diary, factories.slot_start(), user.token)

    requested = (
        await gql(
            REQUEST, {"id": held["appointment"]["id"], "patientId": str(anna.id)}, token=user.token
        )
    )["request"]

    assert requested["status"] == "REQUESTED"


async def test_a_provisional_patient_makes_a_provisional_booking(gql: GraphQL, deps: Deps) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    newcomer = await factories.patient(deps, provisional=True)
    user = await factories.user(deps, kind=UserKind.PROVISIONAL_PATIENT, patients=(newcomer,))
    held = await hold(gql, diary, factories.slot_start(), user.token)

    provisional = (
        await gql(
            REQUEST,
            {"id": held["appointment"]["id"], "patientId": str(newcomer.id)},
            token=user.token,
        )
    )["request"]

    assert provisional["status"] == "PROVISIONAL"


async def test_a_user_cannot_book_for_a_patient_they_do_not_manage(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    stranger = await factories.patient(deps, name="Paul Becker")
    user = await factories.user(deps)
    held = await hold(gql, diary, factories.slot_start(), user.token)

    refused = (
        await gql(
            REQUEST,
            {"id": held["appointment"]["id"], "patientId": str(stranger.id)},
            token=user.token,
        )
    )["request"]

    assert refused["__typename"] == "NotAllowed"


async def test_repeating_a_request_returns_the_same_booking(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    held = await hold(gql, diary, factories.slot_start(), user.token)
    variables = {"id": held["appointment"]["id"], "patientId": str(anna.id)}

    first = (await gql(REQUEST, variables, token=user.token))["request"]
    again = (await gql(REQUEST, variables, token=user.token))["request"]

    assert again["__typename"] == "Appointment"
    assert again["id"] == first["id"]
    assert await live_count(deps) == 1


async def test_a_lapsed_hold_still_books_while_the_slot_is_free(gql: GraphQL, deps: Deps) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    held = await hold(gql, diary, factories.slot_start(), user.token)
    await expire_holds(deps)

    booked = (
        await gql(
            REQUEST, {"id": held["appointment"]["id"], "patientId": str(anna.id)}, token=user.token
        )
    )["request"]

    assert booked["status"] == "BOOKED"


async def test_a_lapsed_hold_whose_slot_was_taken_says_hold_expired(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    slow, quick = await factories.user(deps, patients=(anna,)), await factories.user(deps)
    start = factories.slot_start()
    held = await hold(gql, diary, start, slow.token)
    await expire_holds(deps)
    assert (await hold(gql, diary, start, quick.token))["__typename"] == "Hold"

    late = (
        await gql(
            REQUEST, {"id": held["appointment"]["id"], "patientId": str(anna.id)}, token=slow.token
        )
    )["request"]

    assert late["__typename"] == "HoldExpired"
    assert await live_count(deps) == 1
