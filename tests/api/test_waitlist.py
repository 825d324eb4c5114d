"""The waitlist: a freed time is offered to the first in line as a hold of theirs; taking
it books it, letting it go (or its lapsing) passes it to the next; strangers are refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import update

from persistence.models import AppointmentRow, UserRow
from resolvers.deps import Deps
from resolvers.waitlist.offers import make_offers
from tests import factories
from tests.mailbox import Mailbox
from tests.support import GraphQL

JOIN = """
mutation Join($input: JoinWaitlistInput!) {
  joinWaitlist(input: $input) {
    __typename
    ... on WaitlistEntry { id state }
    ... on InvalidInput { field }
    ... on Problem { code message }
  }
}
"""
MINE = "{ myWaitlist { id state offer { id status start holdExpiresAt } } }"
ACCEPT = """
mutation($id: ID!) { acceptOffer(offerId: $id) {
  __typename ... on Appointment { id status start } ... on Problem { code message } } }
"""
DECLINE = """
mutation($id: ID!) { declineOffer(offerId: $id) {
  __typename ... on WaitlistEntry { state } ... on Problem { code message } } }
"""
LEAVE = """
mutation($id: ID!) { leaveWaitlist(entryId: $id) {
  __typename ... on WaitlistEntry { state } ... on Problem { code } } }
"""
LINE = "{ waitlist(first: 50) { totalCount edges { node { id state patient { name } } } } }"
MOVE_IN_LINE = """
mutation($id: ID!, $place: Int!) { moveWaitlistEntry(entryId: $id, place: $place) {
  __typename ... on WaitlistEntry { id } ... on Problem { code } } }
"""
STAFF_CANCEL = "mutation($id: ID!) { cancelAppointment(appointmentId: $id) { __typename } }"


class Waiting:
    def __init__(self, user: factories.SignedInUser, patient: int) -> None:
        self.user, self.patient = user, patient


async def waiting_patients(deps: Deps, count: int) -> list[Waiting]:
    pairs = await factories.patients_with_accounts(deps, count)
    return [Waiting(user, patient) for user, patient in pairs]


def wish(diary: factories.Diary, patient: int, days: int = 3, **more: str) -> dict:
    day = factories.days_ahead(days).isoformat()
    return {
        "patientId": str(patient),
        "serviceId": diary.service_id,
        "practitionerId": diary.practitioner_id,
        "fromDate": day,
        "untilDate": day,
        "earliest": "08:00",
        "latest": "18:00",
    } | more


async def join(gql: GraphQL, w: Waiting, diary: factories.Diary, **more: str) -> dict:
    return (await gql(JOIN, {"input": wish(diary, w.patient, **more)}, token=w.user.token))[
        "joinWaitlist"
    ]


async def mine(gql: GraphQL, w: Waiting) -> list[dict]:
    return (await gql(MINE, token=w.user.token))["myWaitlist"]


async def offer_runs_out(deps: Deps, offer_id: str) -> None:
    """The offer's minutes have run out."""
    async with deps.database.writer() as session:
        await session.execute(
            update(AppointmentRow)
            .where(AppointmentRow.id == int(offer_id))
            .values(hold_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()


async def freed_at(deps: Deps, gql: GraphQL, diary: factories.Diary, start: datetime) -> None:
    """A booked visit there, cancelled by the clinic: the time is free again."""
    other = await factories.patient(deps, name="Cancelling Patient")
    row = await factories.appointment(deps, diary, start=start, patient=other)
    desk = await factories.staff(deps)
    await gql(STAFF_CANCEL, {"id": str(row.id)}, token=desk.token)


async def test_a_freed_time_is_offered_to_the_first_in_line_who_takes_it(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    await factories.set_clinic(deps, approval_required=False, offer_minutes=15)
    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    first, second = await waiting_patients(deps, 2)
    nine = factories.slot_start(days=3, hour=9)
    await factories.appointment(deps, diary, start=nine + timedelta(minutes=30))
    busy = await factories.appointment(deps, diary, start=nine)
    for w in (first, second):
        assert (await join(gql, w, diary))["state"] == "WAITING"
    assert await make_offers(deps) == 0  # nothing free yet

    desk = await factories.staff(deps)
    await gql(STAFF_CANCEL, {"id": str(busy.id)}, token=desk.token)
    assert await make_offers(deps) == 1

    [entry] = await mine(gql, first)
    assert entry["state"] == "OFFERED"
    offer = entry["offer"]
    assert (offer["status"], datetime.fromisoformat(offer["start"])) == ("TEMPORARY", nine)
    held_for = datetime.fromisoformat(offer["holdExpiresAt"]) - datetime.now(nine.tzinfo)
    assert timedelta(minutes=14) < held_for <= timedelta(minutes=15)
    assert (await mine(gql, second))[0]["state"] == "WAITING"
    [email] = [m for m in await mailbox.wait_for(1) if first.user.user.email in m.to]
    assert "a time is free for you" in email.subject

    taken = (await gql(ACCEPT, {"id": offer["id"]}, token=first.user.token))["acceptOffer"]
    assert (taken["id"], taken["status"]) == (offer["id"], "BOOKED")
    assert await mine(gql, first) == []


async def test_a_declined_or_lapsed_offer_goes_to_the_next_in_line_never_back(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    first, second, third = await waiting_patients(deps, 3)
    nine = factories.slot_start(days=3, hour=9)
    await factories.appointment(deps, diary, start=nine + timedelta(minutes=30))
    for w in (first, second, third):
        await join(gql, w, diary)
    await freed_at(deps, gql, diary, nine)
    await make_offers(deps)
    offer = (await mine(gql, first))[0]["offer"]["id"]

    declined = (await gql(DECLINE, {"id": offer}, token=first.user.token))["declineOffer"]
    assert declined["state"] == "WAITING"
    await make_offers(deps)
    assert [e["state"] for e in await mine(gql, first)] == ["WAITING"]
    second_offer = (await mine(gql, second))[0]["offer"]
    assert datetime.fromisoformat(second_offer["start"]) == nine

    await offer_runs_out(deps, second_offer["id"])
    await make_offers(deps)
    assert (await mine(gql, second))[0]["state"] == "WAITING"
    assert datetime.fromisoformat((await mine(gql, third))[0]["offer"]["start"]) == nine
    assert (await mine(gql, first))[0]["state"] == "WAITING"


async def test_one_person_holds_one_offer_at_a_time(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    [w] = await waiting_patients(deps, 1)
    nine = factories.slot_start(days=3, hour=9)
    await join(gql, w, diary)
    await join(gql, w, diary, earliest="09:30")
    await freed_at(deps, gql, diary, nine)
    await freed_at(deps, gql, diary, nine + timedelta(minutes=30))

    assert await make_offers(deps) == 1
    assert sorted(e["state"] for e in await mine(gql, w)) == ["OFFERED", "WAITING"]


async def test_someone_elses_offer_and_entry_answer_as_missing_ones(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    owner, stranger = await waiting_patients(deps, 2)
    entry = (await join(gql, owner, diary))["id"]
    await freed_at(deps, gql, diary, factories.slot_start(days=3, hour=9))
    await make_offers(deps)
    offer = (await mine(gql, owner))[0]["offer"]["id"]

    taken = (await gql(ACCEPT, {"id": offer}, token=stranger.user.token))["acceptOffer"]
    declined = (await gql(DECLINE, {"id": offer}, token=stranger.user.token))["declineOffer"]
    left = (await gql(LEAVE, {"id": entry}, token=stranger.user.token))["leaveWaitlist"]
    as_missing = (await gql(ACCEPT, {"id": "98765"}, token=stranger.user.token))["acceptOffer"]

    assert taken == as_missing and taken["code"] == "NOT_FOUND"
    assert declined["code"] == "NOT_FOUND" and left["code"] == "NOT_FOUND"
    assert (await mine(gql, owner))[0]["state"] == "OFFERED"
    joined_for_them = await gql(
        JOIN, {"input": wish(diary, owner.patient)}, token=stranger.user.token
    )
    assert joined_for_them["joinWaitlist"]["code"] == "NOT_ALLOWED"


async def test_a_window_of_years_a_backwards_window_and_a_thousand_entries_are_refused(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    [w] = await waiting_patients(deps, 1)
    far = factories.days_ahead(3650).isoformat()

    years = await join(gql, w, diary, untilDate=far)
    backwards = await join(gql, w, diary, earliest="12:00", latest="09:00")
    bad_time = await join(gql, w, diary, earliest="25:99")
    joined = [await join(gql, w, diary, days=d) for d in range(1, 12)]

    assert (years["__typename"], years["field"]) == ("InvalidInput", "untilDate")
    assert (backwards["__typename"], backwards["field"]) == ("InvalidInput", "latest")
    assert (bad_time["__typename"], bad_time["field"]) == ("InvalidInput", "earliest")
    assert [j["__typename"] for j in joined] == ["WaitlistEntry"] * 10 + ["NotAllowed"]
    assert len(await mine(gql, w)) == 10


async def test_staff_see_the_line_and_whom_they_move_first_is_offered_first(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    first, second = await waiting_patients(deps, 2)
    half_past = factories.slot_start(days=3, hour=9, minute=30)
    await factories.appointment(deps, diary, start=half_past)
    await join(gql, first, diary)
    moved = (await join(gql, second, diary))["id"]
    desk = await factories.staff(deps)

    await gql(MOVE_IN_LINE, {"id": moved, "place": 1}, token=desk.token)
    line = (await gql(LINE, token=desk.token))["waitlist"]
    await freed_at(deps, gql, diary, factories.slot_start(days=3, hour=9))
    await make_offers(deps)

    assert line["totalCount"] == 2 and line["edges"][0]["node"]["id"] == moved
    assert (await mine(gql, second))[0]["state"] == "OFFERED"
    assert (await mine(gql, first))[0]["state"] == "WAITING"
    patient_sees = await gql.raw(LINE, token=first.user.token)
    assert patient_sees["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_the_emailed_link_shows_the_offer_takes_it_once_and_a_forged_one_nothing(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    [w] = await waiting_patients(deps, 1)
    await join(gql, w, diary)
    await freed_at(deps, gql, diary, factories.slot_start(days=3, hour=9))
    await make_offers(deps)
    [email] = [m for m in await mailbox.wait_for(1) if w.user.user.email in m.to]
    link = re.search(r"http://portal\.test(/visit-link/\S+)", email.text()).group(1)  # type: ignore[union-attr]
    http = gql.client

    shown = await http.get(link)
    assert shown.status_code == 200 and "Take this time" in shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert (await mine(gql, w))[0]["state"] == "OFFERED"  # opening it changed nothing
    taken = await http.post(link)
    again = await http.post(link)
    forged = await http.post(link[:-3] + "abc")

    assert "The time is yours" in taken.text
    assert "not valid" in again.text and "not valid" in forged.text
    assert await mine(gql, w) == []


async def test_an_offer_is_not_made_to_a_user_whose_online_access_was_taken(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps, start=time(9), end=time(10))
    [w] = await waiting_patients(deps, 1)
    await join(gql, w, diary)
    async with deps.database.writer() as session:
        await session.execute(
            update(UserRow)
            .where(UserRow.id == w.user.user.id)
            .values(disabled_at=datetime.now(UTC))
        )
        await session.commit()
    await freed_at(deps, gql, diary, factories.slot_start(days=3, hour=9))

    assert await make_offers(deps) == 0
