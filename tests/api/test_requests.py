"""Requests the clinic answers: the pending list, accept, reject, email and the staff panel."""

from __future__ import annotations

import asyncio
import re
from datetime import date

from resolvers.deps import Deps
from tests import factories
from tests.api.test_email_verification import verify_through_email
from tests.api.test_holds import REQUEST, free_starts, hold
from tests.mailbox import Mailbox
from tests.support import GraphQL, eventually, unsent_emails

PENDING = """
{ pendingRequests { id status note start patient { name } practitioner { name } service { name } } }
"""

ACCEPT = """
mutation Accept($id: ID!, $patientId: ID, $createPatient: Boolean) {
  accept(appointmentId: $id, patientId: $patientId, createPatient: $createPatient) {
    __typename
    ... on Appointment { id status patient { id name provisional } }
    ... on PatientChoiceRequired { candidates { patient { id name } grade matchedOn } }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""

REJECT = """
mutation Reject($id: ID!, $reason: String, $notify: Boolean!) {
  reject(appointmentId: $id, reason: $reason, notifyPatient: $notify) {
    __typename
    ... on Appointment { id status rejectionReason }
    ... on Problem { code message }
  }
}
"""

MATCHES = """
query Matches($id: ID!) { patientMatches(patientId: $id) { patient { id name } score grade matchedOn } }
"""


async def requested(
    gql: GraphQL, deps: Deps, note: str | None = "Lower back pain"
) -> tuple[dict, factories.Diary, factories.SignedInUser]:
    """A known patient's online request (the clinic approves bookings)."""
    await factories.set_clinic(
        deps, approval_required=True, notification_email="desk@clinic.example"
    )
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    user = await factories.user(deps, patients=(anna,), email="anna@example.com")
    held = await hold(gql, diary, factories.slot_start(), user.token)
    variables = {"id": held["appointment"]["id"], "patientId": str(anna.id), "note": note}
    result = (await gql(REQUEST, variables, token=user.token))["request"]
    assert result["status"] == "REQUESTED"
    return result, diary, user


async def test_a_request_is_listed_for_staff_and_emailed_to_patient_and_clinic(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    appointment, _, _ = await requested(gql, deps)
    desk = await factories.staff(deps)

    pending = (await gql(PENDING, token=desk.token))["pendingRequests"]

    assert [p["id"] for p in pending] == [appointment["id"]]
    assert pending[0]["note"] == "Lower back pain"
    assert pending[0]["patient"] == {"name": "Anna Schmidt"}
    assert pending[0]["practitioner"] == {"name": "Maria Keller"}
    await mailbox.wait_for(2)
    to_patient, to_clinic = mailbox.to("anna@example.com"), mailbox.to("desk@clinic.example")
    assert len(to_patient) == 1 and len(to_clinic) == 1
    assert "awaiting confirmation" in to_patient[0].text()
    # The clinic's wall clock, as English writes a date ("Tue 8 Dec 2026, 10:00").
    assert re.search(r"When: \w{3} \d{1,2} \w{3} \d{4}, 10:00\r?\n", to_patient[0].text())
    assert "Lower back pain" in to_clinic[0].text()
    assert "Anna Schmidt" in to_clinic[0].html()


async def test_patients_cannot_read_the_pending_list(gql: GraphQL, deps: Deps) -> None:
    _, _, user = await requested(gql, deps)
    body = await gql.raw(PENDING, token=user.token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_accepting_a_request_books_it_and_tells_the_patient(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    appointment, _, _ = await requested(gql, deps)
    desk = await factories.staff(deps)
    await mailbox.wait_for(2)

    accepted = (await gql(ACCEPT, {"id": appointment["id"]}, token=desk.token))["accept"]

    assert accepted["status"] == "BOOKED"
    assert (await gql(PENDING, token=desk.token))["pendingRequests"] == []
    await mailbox.wait_for(3)
    confirmed = mailbox.to("anna@example.com")[-1]
    assert "confirmed" in confirmed.subject


async def test_rejecting_frees_the_slot_and_emails_the_reason_when_the_clinic_says_so(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    appointment, diary, _ = await requested(gql, deps)
    desk = await factories.staff(deps)
    start = factories.slot_start()
    await mailbox.wait_for(2)

    rejected = (
        await gql(
            REJECT,
            {"id": appointment["id"], "reason": "Maria is on leave", "notify": True},
            token=desk.token,
        )
    )["reject"]

    assert (rejected["status"], rejected["rejectionReason"]) == ("REJECTED", "Maria is on leave")
    assert start in await free_starts(gql, diary, start)
    await mailbox.wait_for(3)
    assert "Maria is on leave" in mailbox.to("anna@example.com")[-1].text()


async def test_a_rejection_email_leaves_out_the_reason_when_the_clinic_says_so(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    appointment, _, _ = await requested(gql, deps)
    await factories.set_clinic(deps, rejection_email_includes_reason=False)
    desk = await factories.staff(deps)
    await mailbox.wait_for(2)

    await gql(
        REJECT,
        {"id": appointment["id"], "reason": "Internal: double booked", "notify": True},
        token=desk.token,
    )

    await mailbox.wait_for(3)
    email = mailbox.to("anna@example.com")[-1]
    assert "could not accept" in email.text()
    assert "double booked" not in email.text()


async def test_rejecting_without_notifying_sends_no_email(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    appointment, _, _ = await requested(gql, deps)
    desk = await factories.staff(deps)
    await mailbox.wait_for(2)

    await gql(REJECT, {"id": appointment["id"], "reason": "No", "notify": False}, token=desk.token)

    # An email is queued in the reject's own transaction: once the outbox is empty again,
    # any email about it would have arrived.
    await mailbox.wait_for(2)
    assert len(mailbox.received) == 2


async def test_accept_racing_reject_ends_with_one_outcome(gql: GraphQL, deps: Deps) -> None:
    appointment, _, _ = await requested(gql, deps)
    first, second = await factories.staff(deps), await factories.staff(deps)

    accepted, rejected = await asyncio.gather(
        gql(ACCEPT, {"id": appointment["id"]}, token=first.token),
        gql(
            REJECT, {"id": appointment["id"], "reason": "Full", "notify": False}, token=second.token
        ),
    )

    outcomes = {accepted["accept"].get("status"), rejected["reject"].get("status")}
    final = (
        await gql(
            "query($id: ID!) { appointment(id: $id) { status } }",
            {"id": appointment["id"]},
            token=first.token,
        )
    )["appointment"]["status"]
    assert final in ("BOOKED", "REJECTED")
    assert final in outcomes
    losers = [r for r in (accepted["accept"], rejected["reject"]) if r.get("status") != final]
    assert all(r["__typename"] == "InvalidInput" for r in losers)


async def test_two_staff_accepting_at_once_both_see_it_booked(gql: GraphQL, deps: Deps) -> None:
    appointment, _, _ = await requested(gql, deps)
    first, second = await factories.staff(deps), await factories.staff(deps)

    results = await asyncio.gather(
        gql(ACCEPT, {"id": appointment["id"]}, token=first.token),
        gql(ACCEPT, {"id": appointment["id"]}, token=second.token),
    )

    assert [r["accept"]["status"] for r in results] == ["BOOKED", "BOOKED"]


async def test_an_smtp_server_that_is_down_loses_no_email(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    mailbox.stop()
    try:
        await requested(gql, deps)

        async def both_tried_and_kept() -> bool:
            unsent = await unsent_emails(deps.database)
            return len(unsent) == 2 and all(row.last_error for row in unsent)

        await eventually(both_tried_and_kept)
        assert mailbox.received == []
    finally:
        mailbox.start()
    received = await mailbox.wait_for(2, timeout=20)
    assert sorted(r.to[0] for r in received) == ["anna@example.com", "desk@clinic.example"]


# ---------------------------------------------------------------- provisional patients

REGISTER = """
mutation($email: String!, $name: String!, $birthDate: Date, $phone: String) {
  register(email: $email, password: "long enough", name: $name, birthDate: $birthDate, phone: $phone) {
    ... on SignIn { token user { id patients { id } } }
  }
}
"""


async def provisional_request(
    gql: GraphQL,
    deps: Deps,
    *,
    name: str,
    birth: date | None,
    email: str,
    phone: str | None = None,
) -> tuple[dict, str, str]:
    """Someone new registers online and books: a PROVISIONAL appointment.

    Returns (the sign-in, the provisional patient's id, the appointment's id).
    """
    diary = await factories.online_practitioner(deps, name=f"Practitioner for {email}")
    signed = (
        await gql(
            REGISTER,
            {
                "email": email,
                "name": name,
                "birthDate": birth.isoformat() if birth else None,
                "phone": phone,
            },
        )
    )["register"]
    patient_id = signed["user"]["patients"][0]["id"]
    held = await hold(gql, diary, factories.slot_start(), signed["token"])
    booked = (
        await gql(
            REQUEST,
            {"id": held["appointment"]["id"], "patientId": patient_id},
            token=signed["token"],
        )
    )["request"]
    assert booked["status"] == "PROVISIONAL"
    return signed, patient_id, booked["id"]


async def test_a_single_certain_match_is_taken_without_asking(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    existing = await factories.patient(
        deps, name="José Álvarez", birth_date=date(1980, 5, 1), email="jose@example.com"
    )
    desk = await factories.staff(deps)
    signed, provisional_id, appointment_id = await provisional_request(
        gql, deps, name="jose alvarez", birth=date(1980, 5, 1), email="jose@example.com"
    )
    # Certain only once the registrant proved the email on file: they open the emailed link.
    await verify_through_email(gql, mailbox, "jose@example.com", signed["token"])

    matches = (await gql(MATCHES, {"id": provisional_id}, token=desk.token))["patientMatches"]
    accepted = (await gql(ACCEPT, {"id": appointment_id}, token=desk.token))["accept"]

    assert matches[0]["grade"] == "CERTAIN" and matches[0]["patient"]["id"] == str(existing.id)
    assert accepted["status"] == "BOOKED"
    assert accepted["patient"] == {
        "id": str(existing.id),
        "name": "José Álvarez",
        "provisional": False,
    }
    registrations = (await gql("{ onlineRegistrations { id } }", token=desk.token))[
        "onlineRegistrations"
    ]
    assert registrations == []


async def test_several_possible_patients_make_staff_choose(gql: GraphQL, deps: Deps) -> None:
    first = await factories.patient(
        deps, name="Lena Braun", birth_date=date(1990, 1, 1), email="lena1@example.com"
    )
    second = await factories.patient(
        deps, name="Lena Braun", birth_date=date(1990, 1, 1), email="lena2@example.com"
    )
    desk = await factories.staff(deps)
    _, _, appointment_id = await provisional_request(
        gql, deps, name="Lena Braun", birth=date(1990, 1, 1), email="lena.new@example.com"
    )

    choice = (await gql(ACCEPT, {"id": appointment_id}, token=desk.token))["accept"]
    assert choice["__typename"] == "PatientChoiceRequired"
    assert {c["patient"]["id"] for c in choice["candidates"]} == {str(first.id), str(second.id)}

    chosen = (
        await gql(ACCEPT, {"id": appointment_id, "patientId": str(second.id)}, token=desk.token)
    )["accept"]
    assert chosen["status"] == "BOOKED"
    assert chosen["patient"]["id"] == str(second.id)


async def test_no_match_asks_staff_to_create_the_patient(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    _, provisional_id, appointment_id = await provisional_request(
        gql, deps, name="Brand New", birth=date(2001, 7, 7), email="new@example.com"
    )

    refused = (await gql(ACCEPT, {"id": appointment_id}, token=desk.token))["accept"]
    assert (refused["__typename"], refused["field"]) == ("InvalidInput", "createPatient")

    admitted = (await gql(ACCEPT, {"id": appointment_id, "createPatient": True}, token=desk.token))[
        "accept"
    ]
    assert admitted["status"] == "BOOKED"
    assert admitted["patient"] == {"id": provisional_id, "name": "Brand New", "provisional": False}


async def test_accept_names_its_own_argument_when_the_chosen_patient_is_a_registration(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    _, other_registration, _ = await provisional_request(
        gql, deps, name="Other Newcomer", birth=date(1999, 2, 2), email="other@example.com"
    )
    _, provisional_id, appointment_id = await provisional_request(
        gql, deps, name="Brand New", birth=date(2001, 7, 7), email="new@example.com"
    )

    for chosen in (other_registration, provisional_id):
        refused = (
            await gql(ACCEPT, {"id": appointment_id, "patientId": chosen}, token=desk.token)
        )["accept"]
        assert (refused["__typename"], refused["field"]) == ("InvalidInput", "patientId")
