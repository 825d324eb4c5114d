"""`Appointment/$hold` (IHE ITI-116) and `$book` (ITI-117): a partner holds a time
`$find` proposed, books it for a patient or gives it back; the same caps, policy and
lapse as GraphQL's holds; every refusal an OperationOutcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from resolvers.deps import Deps
from tests import factories
from tests.api.partners import access_token, partner, token_request
from tests.api.test_holds import expire_holds
from tests.fhir_checks import fhir_answer, issue_of
from tests.support import GraphQL

BASE = "/fhir/R4"
HELD_UNTIL = "http://portal.test/fhir/StructureDefinition/appointment-held-until"
HUB = ("availability:read", "appointments:read", "appointments:write", "patients:read")
ACCEPT = """
mutation($id: ID!, $patientId: ID!) {
  accept(appointmentId: $id, patientId: $patientId) {
    __typename ... on Problem { code message } }
}
"""
HOLDS_OF = """
query($id: ID!) { appointment(id: $id) { status holdExpiresAt } }
"""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def parameters(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Parameters", "parameter": list(entries)}


def resource(name: str, appointment: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "resource": appointment}


def reference(name: str, target: str) -> dict[str, Any]:
    return {"name": name, "valueReference": {"reference": target}}


async def proposals(
    client: httpx.AsyncClient, diary: factories.Diary, days: int = 3
) -> list[dict[str, Any]]:
    day = factories.days_ahead(days)
    found = fhir_answer(
        await client.post(
            f"{BASE}/Appointment/$find",
            json=parameters(
                {"name": "start", "valueDate": day.isoformat()},
                {"name": "end", "valueDate": (day + timedelta(days=1)).isoformat()},
                reference("practitioner", f"Practitioner/{diary.practitioner_id}"),
            ),
        )
    )
    return [entry["resource"] for entry in found["entry"]]


async def hold(client: httpx.AsyncClient, token: str, proposal: dict[str, Any]) -> httpx.Response:
    return await client.post(
        f"{BASE}/Appointment/$hold",
        json=parameters(resource("appointment-resource", proposal)),
        headers=bearer(token),
    )


async def book(
    client: httpx.AsyncClient, token: str, appointment_id: str, patient_id: int
) -> httpx.Response:
    return await client.post(
        f"{BASE}/Appointment/$book",
        json=parameters(
            reference("appointment-reference", f"Appointment/{appointment_id}"),
            reference("patient-reference", f"Patient/{patient_id}"),
        ),
        headers=bearer(token),
    )


async def cancel(client: httpx.AsyncClient, token: str, appointment_id: str) -> httpx.Response:
    return await client.post(
        f"{BASE}/Appointment/$book",
        json=parameters(
            resource(
                "appointment-resource",
                {"resourceType": "Appointment", "id": appointment_id, "status": "cancelled"},
            )
        ),
        headers=bearer(token),
    )


async def is_free(client: httpx.AsyncClient, proposal: dict[str, Any]) -> bool:
    slot = proposal["slot"][0]["reference"]
    return (await client.get(f"{BASE}/{slot}")).status_code == 200


async def test_a_partner_holds_a_found_time_and_books_it_for_a_patient(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    [patient] = await factories.patients(deps, ["Mara Kühn"])
    token = await access_token(gql.client, await partner(gql, deps, *HUB))
    first = (await proposals(gql.client, diary))[0]

    placed = await hold(gql.client, token, first)
    held = fhir_answer(placed, 201)
    booked = fhir_answer(await book(gql.client, token, held["id"], patient.id))

    assert placed.headers["location"].endswith(f"/fhir/R4/Appointment/{held['id']}")
    assert held["status"] == "pending"
    assert (held["start"], held["end"]) == (first["start"], first["end"])
    [until] = held["extension"]
    assert until["url"] == HELD_UNTIL
    lapses = datetime.fromisoformat(until["valueDateTime"]) - datetime.now(UTC)
    assert timedelta(minutes=4) < lapses <= timedelta(minutes=5)
    assert not await is_free(gql.client, first)
    # The clinic approves requests (its default): pending until staff answer.
    assert booked["status"] == "pending" and "extension" not in booked
    assert f"Patient/{patient.id}" in [p["actor"]["reference"] for p in booked["participant"]]
    desk = await factories.staff(deps)
    accepted = await gql(ACCEPT, {"id": held["id"], "patientId": patient.id}, token=desk.token)
    assert accepted["accept"]["__typename"] == "Appointment", accepted
    read = fhir_answer(
        await gql.client.get(f"{BASE}/Appointment/{held['id']}", headers=bearer(token))
    )
    assert read["status"] == "booked"


async def test_without_approval_a_booking_is_booked_at_once(gql: GraphQL, deps: Deps) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    [patient] = await factories.patients(deps, ["Ole Brandt"])
    token = await access_token(gql.client, await partner(gql, deps, *HUB))
    held = fhir_answer(await hold(gql.client, token, (await proposals(gql.client, diary))[0]), 201)

    booked = fhir_answer(await book(gql.client, token, held["id"], patient.id))
    again = fhir_answer(await book(gql.client, token, held["id"], patient.id))

    assert booked["status"] == again["status"] == "booked"


async def test_a_second_partner_finds_the_time_taken(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    first = await access_token(gql.client, await partner(gql, deps, *HUB))
    second = await access_token(gql.client, await partner(gql, deps, *HUB, name="Referrals"))
    proposal = (await proposals(gql.client, diary))[0]
    fhir_answer(await hold(gql.client, first, proposal), 201)

    taken = await hold(gql.client, second, proposal)

    assert issue_of(taken, 409)["code"] == "conflict"


async def test_only_the_holding_partner_books_or_gives_back_its_hold(
    gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    [patient] = await factories.patients(deps, ["Lena Vogt"])
    owner = await access_token(gql.client, await partner(gql, deps, *HUB))
    other = await access_token(gql.client, await partner(gql, deps, *HUB, name="Other hub"))
    proposal = (await proposals(gql.client, diary))[0]
    held = fhir_answer(await hold(gql.client, owner, proposal), 201)

    booked_by_other = await book(gql.client, other, held["id"], patient.id)
    missing = await book(gql.client, owner, "987654321", patient.id)

    assert issue_of(booked_by_other, 404)["code"] == "not-found"
    assert issue_of(missing, 404)["code"] == "not-found"
    assert not await is_free(gql.client, proposal)


async def test_book_with_status_cancelled_gives_a_hold_back_and_cancels_a_booking(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    [patient] = await factories.patients(deps, ["Nils Hahn"])
    token = await access_token(gql.client, await partner(gql, deps, *HUB))
    first, second = (await proposals(gql.client, diary))[:2]
    held = fhir_answer(await hold(gql.client, token, first), 201)
    booked = fhir_answer(await hold(gql.client, token, second), 201)
    fhir_answer(await book(gql.client, token, booked["id"], patient.id))

    released = fhir_answer(await cancel(gql.client, token, held["id"]))
    cancelled = fhir_answer(await cancel(gql.client, token, booked["id"]))

    assert released["status"] == cancelled["status"] == "cancelled"
    assert await is_free(gql.client, first) and await is_free(gql.client, second)


async def test_a_partner_hold_lapses_as_a_portal_hold_does(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    [patient] = await factories.patients(deps, ["Ida Roth"])
    token = await access_token(gql.client, await partner(gql, deps, *HUB))
    other = await access_token(gql.client, await partner(gql, deps, *HUB, name="Later hub"))
    proposal = (await proposals(gql.client, diary))[0]
    held = fhir_answer(await hold(gql.client, token, proposal), 201)

    await expire_holds(deps)

    assert await is_free(gql.client, proposal)
    fhir_answer(await hold(gql.client, other, proposal), 201)
    late = await book(gql.client, token, held["id"], patient.id)
    assert issue_of(late, 409)["code"] == "conflict"


async def test_scopes_decide_who_holds_and_for_whom(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    [patient] = await factories.patients(deps, ["Tom Berg"])
    reader = await access_token(gql.client, await partner(gql, deps, "availability:read"))
    writer = await access_token(
        gql.client, await partner(gql, deps, "appointments:write", name="No patients")
    )
    proposal = (await proposals(gql.client, diary))[0]

    anonymous = await gql.client.post(
        f"{BASE}/Appointment/$hold",
        json=parameters(resource("appointment-resource", proposal)),
    )
    refused = await hold(gql.client, reader, proposal)
    held = fhir_answer(await hold(gql.client, writer, proposal), 201)
    for_patient = await book(gql.client, writer, held["id"], patient.id)

    assert issue_of(anonymous, 401)["code"] == "login"
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert issue_of(refused, 403)["code"] == "forbidden"
    # Without patients:read a partner has no business with patients' ids.
    assert "patients:read" in issue_of(for_patient, 403)["diagnostics"]


async def test_a_partner_keeps_at_most_twenty_live_holds(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    token = await access_token(gql.client, await partner(gql, deps, *HUB))
    found = await proposals(gql.client, diary) + await proposals(gql.client, diary, days=4)
    for proposal in found[:20]:
        fhir_answer(await hold(gql.client, token, proposal), 201)

    over = await hold(gql.client, token, found[20])

    assert issue_of(over, 429)["code"] == "throttled"
    assert 240 <= int(over.headers["retry-after"]) <= 300
    assert await is_free(gql.client, found[20])


def slot_reference(diary: factories.Diary, start: datetime) -> str:
    utc = start.astimezone(UTC)
    return f"Slot/{diary.practitioner_id}-{diary.location.id}-{diary.service_id}-{utc:%Y%m%d%H%M}"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"not json", 400, "invalid"),
        (b'{"resourceType": "Patient"}', 400, "invalid"),
        (parameters(), 400, "required"),
        (parameters({"name": "appointment-resource", "valueString": "x"}), 400, "invalid"),
        (
            parameters(
                resource("appointment-resource", {"resourceType": "Appointment", "slot": "x"})
            ),
            400,
            "invalid",
        ),
        (
            parameters(
                resource(
                    "appointment-resource",
                    {"resourceType": "Appointment", "slot": [{"reference": "Slot/1' OR 1=1"}]},
                )
            ),
            404,
            "not-found",
        ),
        (
            parameters(
                resource(
                    "appointment-resource",
                    {
                        "resourceType": "Appointment",
                        "slot": [{"reference": "Slot/1-1-1-209913310900"}],
                    },
                )
            ),
            404,
            "not-found",
        ),
    ],
)
async def test_malformed_holds_answer_an_operation_outcome(
    gql: GraphQL, deps: Deps, body: Any, status: int, code: str
) -> None:
    token = await access_token(gql.client, await partner(gql, deps, *HUB))
    content = body if isinstance(body, bytes) else None
    sent = await gql.client.post(
        f"{BASE}/Appointment/$hold",
        content=content,
        json=None if content is not None else body,
        headers=bearer(token),
    )

    assert issue_of(sent, status)["code"] == code


async def test_times_that_are_not_online_slots_are_unprocessable(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    token = await access_token(gql.client, await partner(gql, deps, *HUB))
    night = factories.slot_start(days=3, hour=3)
    other_clinic_practitioner = f"Slot/987654-{diary.location.id}-{diary.service_id}-203001010900"

    at_night = await hold(
        gql.client,
        token,
        {"resourceType": "Appointment", "slot": [{"reference": slot_reference(diary, night)}]},
    )
    unknown = await hold(
        gql.client,
        token,
        {"resourceType": "Appointment", "slot": [{"reference": other_clinic_practitioner}]},
    )

    assert issue_of(at_night, 422)["code"] == "business-rule"
    assert issue_of(unknown, 404)["code"] == "not-found"


@pytest.mark.parametrize(
    "entries",
    [
        [reference("appointment-reference", "Appointment/1")],
        [reference("patient-reference", "Patient/1")],
        [
            reference("appointment-reference", "Appointment/abc"),
            reference("patient-reference", "Patient/1"),
        ],
        [
            reference("appointment-reference", "Appointment/1"),
            reference("patient-reference", "Patient/" + "9" * 40),
        ],
        [
            reference("appointment-reference", "Appointment/1"),
            reference("appointment-reference", "Appointment/2"),
            reference("patient-reference", "Patient/1"),
        ],
    ],
)
async def test_malformed_bookings_answer_an_operation_outcome(
    gql: GraphQL, deps: Deps, entries: list[dict[str, Any]]
) -> None:
    token = await access_token(gql.client, await partner(gql, deps, *HUB))

    sent = await gql.client.post(
        f"{BASE}/Appointment/$book", json=parameters(*entries), headers=bearer(token)
    )

    assert sent.status_code in (400, 404)
    assert issue_of(sent, sent.status_code)["code"] in ("required", "invalid", "not-found")


async def test_a_patient_of_no_record_cannot_be_booked(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    token = await access_token(gql.client, await partner(gql, deps, *HUB))
    held = fhir_answer(await hold(gql.client, token, (await proposals(gql.client, diary))[0]), 201)

    unknown = await book(gql.client, token, held["id"], 987654)

    assert issue_of(unknown, 404)["code"] == "not-found"
    read = await gql(HOLDS_OF, {"id": held["id"]}, token=(await factories.staff(deps)).token)
    assert read["appointment"]["status"] == "TEMPORARY"


async def test_smart_system_scopes_are_granted_as_ours(gql: GraphQL, deps: Deps) -> None:
    diary = await factories.online_practitioner(deps)
    hub = await partner(gql, deps, "availability:read", "appointments:write")
    reader = await partner(gql, deps, "availability:read", name="Reader")

    granted = await token_request(
        gql.client, hub, scope="system/Slot.read system/Schedule.rs system/Appointment.cud"
    )
    widened = await token_request(
        gql.client, reader, scope="system/Slot.read system/Appointment.write"
    )
    unknown = await token_request(gql.client, hub, scope="system/Observation.read")

    assert granted.status_code == 200, granted.text
    assert granted.json()["scope"] == "availability:read appointments:write"
    token = granted.json()["access_token"]
    fhir_answer(await hold(gql.client, token, (await proposals(gql.client, diary))[0]), 201)
    assert widened.status_code == unknown.status_code == 400
    assert widened.json()["error"] == unknown.json()["error"] == "invalid_scope"
