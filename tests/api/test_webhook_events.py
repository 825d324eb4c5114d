"""Each event of the catalogue comes from the operation a partner expects it from, once,
and a hold on its own tells partners nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import REQUEST, hold
from tests.api.test_requests import ACCEPT, REJECT
from tests.api.test_webhooks import ALL_EVENTS, BOOK, create_endpoint
from tests.receiver import Receiver
from tests.support import GraphQL, eventually


def operation(name: str, arguments: str, variables: str) -> str:
    return f"mutation({variables}) {{ {name}({arguments}) {{ __typename ... on Problem {{ code message }} }} }}"


def on_visit(name: str) -> str:
    return operation(name, "appointmentId: $id", "$id: ID!")


CANCEL = operation(
    "cancelAppointment", "appointmentId: $id, reason: $reason", "$id: ID!, $reason: String"
)
MERGE = operation(
    "merge", "provisionalPatientId: $from, intoPatientId: $into", "$from: ID!, $into: ID!"
)
LINK = operation("link", "userId: $user, patientId: $patient", "$user: ID!, $patient: ID!")
MOVE = operation(
    "rescheduleAppointment", "appointmentId: $id, start: $start", "$id: ID!, $start: DateTime!"
)
REGISTER = """
mutation { register(email: "new@example.com", password: "long enough password", name: "Neu Person") {
  ... on SignIn { token user { id patients { id } } } } }
"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().up()
    try:
        yield receiver
    finally:
        receiver.down()


class Heard:
    """What the partner has heard, step by step."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.seen = 0

    async def next(self, count: int = 1) -> list[dict]:
        async def enough() -> bool:
            return len(self.receiver.delivered()) >= self.seen + count

        await eventually(enough, timeout=10)
        new = self.receiver.delivered()[self.seen :]
        self.seen += len(new)
        return [json.loads(r.body) for r in new]

    async def types(self, count: int = 1) -> list[str]:
        return sorted(e["type"] for e in await self.next(count))


async def succeeded(gql: GraphQL, query: str, variables: dict, token: str) -> None:
    data = await gql(query, variables, token)
    [answer] = data.values()
    assert answer["__typename"] not in ("NotFound", "NotAllowed", "InvalidInput"), answer


async def test_a_request_answered_and_the_patients_answers_each_tell_partners(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    desk = await factories.staff(deps)
    await create_endpoint(gql, desk.token, receiver.url, ALL_EVENTS)
    heard = Heard(receiver)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))

    first = await hold(gql, diary, factories.slot_start(hour=10), user.token)
    second = await hold(gql, diary, factories.slot_start(hour=11), user.token)
    visit, other = first["appointment"]["id"], second["appointment"]["id"]
    for held in (visit, other):
        await succeeded(gql, REQUEST, {"id": held, "patientId": str(anna.id)}, user.token)
    requested = await heard.next(2)  # the holds themselves told nothing
    assert [e["type"] for e in requested] == ["appointment.requested"] * 2
    assert {e["data"]["status"] for e in requested} == {"REQUESTED"}

    await succeeded(gql, ACCEPT, {"id": visit}, desk.token)
    assert await heard.types() == ["appointment.booked"]
    await succeeded(gql, REJECT, {"id": other, "notify": False}, desk.token)
    assert await heard.types() == ["appointment.rejected"]

    await succeeded(gql, on_visit("confirmVisit"), {"id": visit}, user.token)
    assert await heard.types() == ["appointment.patient_confirmed"]
    await succeeded(gql, on_visit("cancelVisit"), {"id": visit}, user.token)
    assert await heard.types() == ["appointment.cancel_requested"]
    await succeeded(gql, on_visit("clearVisitResponse"), {"id": visit}, user.token)
    assert await heard.types() == ["appointment.uncancel_requested"]
    await succeeded(gql, CANCEL, {"id": visit, "reason": "Ill"}, desk.token)
    [cancelled] = await heard.next()
    assert cancelled["type"] == "appointment.cancelled"
    assert "Ill" not in json.dumps(cancelled)  # reasons are the patient's business

    # A booking at the desk, for a visit already held, then completed.
    past = (factories.slot_start(days=3, hour=9) - timedelta(days=7)).isoformat()
    booked = await gql(
        BOOK,
        {
            "patient": str(anna.id),
            "practitioner": diary.practitioner_id,
            "service": diary.service_id,
            "start": past,
        },
        desk.token,
    )
    assert await heard.types() == ["appointment.booked"]
    await succeeded(
        gql, on_visit("completeAppointment"), {"id": booked["bookAppointment"]["id"]}, desk.token
    )
    assert await heard.types() == ["appointment.completed"]
    assert len(receiver.received) == heard.seen


async def test_a_move_tells_partners_where_the_visit_was_and_is_now(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    await factories.set_clinic(deps, approval_required=False)
    desk = await factories.staff(deps)
    await create_endpoint(gql, desk.token, receiver.url, ["appointment.rescheduled"])
    heard = Heard(receiver)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps, patients=(anna,))
    old, new = factories.slot_start(hour=10), factories.slot_start(hour=14)
    visit = (await hold(gql, diary, old, user.token))["appointment"]["id"]
    await succeeded(gql, REQUEST, {"id": visit, "patientId": str(anna.id)}, user.token)

    await succeeded(gql, MOVE, {"id": visit, "start": new.isoformat()}, user.token)

    [moved] = await heard.next()
    assert moved["type"] == "appointment.rescheduled"
    data = moved["data"]
    assert (data["appointmentId"], data["status"]) == (visit, "BOOKED")
    assert datetime.fromisoformat(data["start"]) == new
    assert datetime.fromisoformat(data["previousStart"]) == old
    assert datetime.fromisoformat(data["previousEnd"]) == old + timedelta(minutes=30)


async def test_registrations_merges_and_links_tell_partners(
    gql: GraphQL, deps: Deps, receiver: Receiver
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    desk = await factories.staff(deps)
    await create_endpoint(gql, desk.token, receiver.url, ALL_EVENTS)
    heard = Heard(receiver)
    diary = await factories.online_practitioner(deps)

    signed = (await gql(REGISTER))["register"]
    provisional = signed["user"]["patients"][0]["id"]
    [registered] = await heard.next()
    assert registered == {
        "type": "registration.created",
        "timestamp": registered["timestamp"],
        "version": 1,
        "data": {"patientId": provisional},
    }
    held = await hold(gql, diary, factories.slot_start(), signed["token"])
    await succeeded(
        gql, REQUEST, {"id": held["appointment"]["id"], "patientId": provisional}, signed["token"]
    )
    [request] = await heard.next()
    assert (request["type"], request["data"]["status"]) == ("appointment.requested", "PROVISIONAL")

    existing = await factories.patient(deps, name="Neu Person", email="new@example.com")
    await succeeded(gql, MERGE, {"from": provisional, "into": str(existing.id)}, desk.token)
    [merged] = await heard.next()
    assert merged["type"] == "patient.merged"
    assert merged["data"] == {"patientId": str(existing.id), "mergedPatientId": provisional}

    other = await factories.patient(deps, name="Mia Schmidt", email=None)
    carer = await factories.user(deps)
    await succeeded(gql, LINK, {"user": carer.id, "patient": str(other.id)}, desk.token)
    [linked] = await heard.next()
    assert linked["type"] == "patient.linked"
    assert linked["data"] == {"patientId": str(other.id), "userId": carer.id}
    assert len(receiver.received) == heard.seen
