"""Verified identifiers decide, typed ones only suggest: no record changes hands because
someone typed its patient's name, birth date and phone, or holds a forwarded link."""

from __future__ import annotations

from datetime import date

import pytest

from resolvers.deps import Deps
from tests import factories
from tests.api.test_accounts import ACCEPT_INVITATION, INVITE, token_of
from tests.api.test_email_verification import verification_emails, verify_through_email
from tests.api.test_holds import REQUEST, hold
from tests.mailbox import Mailbox
from tests.support import GraphQL

REGISTER = """
mutation($email: String!, $name: String!, $birthDate: Date, $phone: String) {
  register(email: $email, password: "long enough", name: $name, birthDate: $birthDate, phone: $phone) {
    ... on SignIn { token user { id patients { id } } }
  }
}
"""
MY_PATIENTS = "{ me { patients { id name provisional } } }"
PATIENT_USERS = '{ patients(search: "schmidt") { id users { email } } }'
APPOINTMENT = "query($id: ID!) { appointment(id: $id) { status patient { id provisional } } }"
VISITS = 'query($p: ID!) { visits(patientId: $p, from: "2020-01-01T00:00:00Z", to: "2035-01-01T00:00:00Z") { id } }'
MATCHES = "query($id: ID!) { patientMatches(patientId: $id) { patient { id } grade verifiedOn } }"
INVITATIONS = (
    "query($p: ID!) { invitations(patientId: $p) { state } patients { id invitationStatus } }"
)
ACCEPT_FULL = """
mutation Accept($id: ID!, $patientId: ID) {
  accept(appointmentId: $id, patientId: $patientId) {
    __typename
    ... on Appointment { status identityConfirmed patient { id } }
    ... on PatientChoiceRequired { message candidates { patient { id } grade matchedOn verifiedOn } }
    ... on Problem { code message }
  }
}
"""

ANNA_BIRTH = date(1986, 4, 12)


async def register_and_request(
    gql: GraphQL, deps: Deps, *, email: str, name: str, birth: date, phone: str | None
) -> tuple[dict, str, str]:
    """Register online, hold a slot and request it: (sign-in, own patient id, appointment id)."""
    diary = await factories.online_practitioner(deps)
    signed = (
        await gql(
            REGISTER,
            {"email": email, "name": name, "birthDate": birth.isoformat(), "phone": phone},
        )
    )["register"]
    own = signed["user"]["patients"][0]["id"]
    held = await hold(gql, diary, factories.slot_start(), signed["token"])
    requested = (
        await gql(
            REQUEST, {"id": held["appointment"]["id"], "patientId": own}, token=signed["token"]
        )
    )["request"]
    assert requested["status"] == "PROVISIONAL"
    return signed, own, requested["id"]


@pytest.mark.parametrize(
    ("stranger_email", "verifies_own_email"),
    [
        pytest.param("stranger@example.net", True, id="with their own verified email"),
        pytest.param("anna@example.com", False, id="with the record's email, unproved"),
    ],
)
async def test_a_look_alike_registration_takes_over_no_record(
    gql: GraphQL, deps: Deps, mailbox: Mailbox, stranger_email: str, verifies_own_email: bool
) -> None:
    """The takeover, replayed: a stranger registers with Anna's name, birth date and phone,
    holds and requests a slot, and staff press accept without choosing."""
    anna = await factories.patient(
        deps,
        name="Anna Schmidt",
        birth_date=ANNA_BIRTH,
        email="anna@example.com",
        phone="+49 30 1234567",
    )
    desk = await factories.staff(deps)
    stranger, own, appointment_id = await register_and_request(
        gql, deps, email=stranger_email, name="anna schmidt", birth=ANNA_BIRTH, phone="030 1234567"
    )
    if verifies_own_email:
        await verify_through_email(gql, mailbox, stranger_email, stranger["token"])

    matches = (await gql(MATCHES, {"id": own}, token=desk.token))["patientMatches"]
    answer = (await gql(ACCEPT_FULL, {"id": appointment_id}, token=desk.token))["accept"]

    assert matches == [{"patient": {"id": str(anna.id)}, "grade": "PROBABLE", "verifiedOn": []}]
    assert answer["__typename"] == "PatientChoiceRequired"
    assert answer["candidates"][0]["patient"]["id"] == str(anna.id)
    assert answer["candidates"][0]["verifiedOn"] == []
    # No merge happened: the stranger manages their own provisional profile and nothing else.
    assert (await gql(MY_PATIENTS, token=stranger["token"]))["me"]["patients"] == [
        {"id": own, "name": "anna schmidt", "provisional": True}
    ]
    visits = await gql.raw(VISITS, {"p": str(anna.id)}, token=stranger["token"])
    assert visits["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"
    staff_view = (await gql(PATIENT_USERS, token=desk.token))["patients"]
    assert {"id": str(anna.id), "users": []} in staff_view
    appointment = (await gql(APPOINTMENT, {"id": appointment_id}, token=desk.token))["appointment"]
    assert appointment == {"status": "PROVISIONAL", "patient": {"id": own, "provisional": True}}


async def test_the_patient_who_proves_the_email_on_file_is_recognised_without_asking(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    anna = await factories.patient(
        deps, name="Anna Schmidt", birth_date=ANNA_BIRTH, email="anna@example.com"
    )
    desk = await factories.staff(deps)
    signed, own, appointment_id = await register_and_request(
        gql, deps, email="anna@example.com", name="Anna Schmidt", birth=ANNA_BIRTH, phone=None
    )
    await verify_through_email(gql, mailbox, "anna@example.com", signed["token"])

    matches = (await gql(MATCHES, {"id": own}, token=desk.token))["patientMatches"]
    accepted = (await gql(ACCEPT_FULL, {"id": appointment_id}, token=desk.token))["accept"]

    assert matches == [
        {"patient": {"id": str(anna.id)}, "grade": "CERTAIN", "verifiedOn": ["email"]}
    ]
    assert accepted == {
        "__typename": "Appointment",
        "status": "BOOKED",
        "identityConfirmed": True,
        "patient": {"id": str(anna.id)},
    }
    assert [p["id"] for p in (await gql(MY_PATIENTS, token=signed["token"]))["me"]["patients"]] == [
        str(anna.id)
    ]


async def test_staff_may_choose_a_record_without_proof_and_are_told_it_is_unconfirmed(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    anna = await factories.patient(
        deps, name="Anna Schmidt", birth_date=ANNA_BIRTH, email="anna.old@example.com"
    )
    desk = await factories.staff(deps)
    signed, _, appointment_id = await register_and_request(
        gql, deps, email="anna.new@example.com", name="Anna Schmidt", birth=ANNA_BIRTH, phone=None
    )
    await verify_through_email(gql, mailbox, "anna.new@example.com", signed["token"])

    choice = (await gql(ACCEPT_FULL, {"id": appointment_id}, token=desk.token))["accept"]
    chosen = (
        await gql(ACCEPT_FULL, {"id": appointment_id, "patientId": str(anna.id)}, token=desk.token)
    )["accept"]

    assert choice["__typename"] == "PatientChoiceRequired"
    assert "verified email" in choice["message"]
    assert chosen == {
        "__typename": "Appointment",
        "status": "BOOKED",
        "identityConfirmed": False,
        "patient": {"id": str(anna.id)},
    }


# ---------------------------------------------------------------- invitations


async def invite(gql: GraphQL, desk: factories.SignedInUser, patient_id: int, email: str) -> dict:
    invitation = (
        await gql(
            INVITE, {"patientId": str(patient_id), "email": email, "code": False}, token=desk.token
        )
    )["invite"]
    assert invitation["__typename"] == "Invitation"
    return invitation


async def test_a_forwarded_invitation_link_is_not_found_for_another_account(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    desk = await factories.staff(deps)
    mia = await factories.patient(deps, name="Mia Schmidt", email=None, birth_date=date(2015, 9, 3))
    invitation = await invite(gql, desk, mia.id, "anna@example.com")
    other = (await gql(REGISTER, {"email": "other@example.com", "name": "Someone Else"}))[
        "register"
    ]
    await verify_through_email(gql, mailbox, "other@example.com", other["token"])

    answer = (
        await gql(ACCEPT_INVITATION, {"token": token_of(invitation["link"])}, token=other["token"])
    )["acceptInvitation"]

    assert answer["__typename"] == "NotFound"
    names = [p["name"] for p in (await gql(MY_PATIENTS, token=other["token"]))["me"]["patients"]]
    assert names == ["Someone Else"]
    status = await gql(INVITATIONS, {"p": str(mia.id)}, token=desk.token)
    assert status["invitations"] == [{"state": "PENDING"}]
    assert {"id": str(mia.id), "invitationStatus": "INVITED"} in status["patients"]


async def test_the_invitee_accepts_once_they_have_verified_the_invited_email(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    desk = await factories.staff(deps)
    mia = await factories.patient(deps, name="Mia Schmidt", email=None, birth_date=date(2015, 9, 3))
    invitation = await invite(gql, desk, mia.id, "anna@example.com")
    invited = (await mailbox.wait_for(1))[0]
    anna = (await gql(REGISTER, {"email": "anna@example.com", "name": "Anna Schmidt"}))["register"]
    link = {"token": token_of(invited.text())}

    before = (await gql(ACCEPT_INVITATION, link, token=anna["token"]))["acceptInvitation"]
    await verify_through_email(gql, mailbox, "anna@example.com", anna["token"])
    after = (await gql(ACCEPT_INVITATION, link, token=anna["token"]))["acceptInvitation"]

    assert invited.to == ["anna@example.com"]
    assert invitation["link"] in invited.text() and invitation["link"] in invited.html()
    verification = (await verification_emails(mailbox, "anna@example.com"))[0]
    assert verification.text() and verification.html()
    assert (before["__typename"], after["__typename"]) == ("NotFound", "Patient")
    assert "confirm it" in before["message"]
    names = {p["name"] for p in (await gql(MY_PATIENTS, token=anna["token"]))["me"]["patients"]}
    assert names == {"Anna Schmidt", "Mia Schmidt"}


async def test_an_invitation_with_a_code_still_needs_the_code_even_from_the_invitee(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    desk = await factories.staff(deps)
    mia = await factories.patient(deps, name="Mia Schmidt", email=None)
    invitation = (
        await gql(
            INVITE,
            {"patientId": str(mia.id), "email": "anna@example.com", "code": True},
            token=desk.token,
        )
    )["invite"]
    anna = (await gql(REGISTER, {"email": "anna@example.com", "name": "Anna Schmidt"}))["register"]
    await verify_through_email(gql, mailbox, "anna@example.com", anna["token"])
    token = token_of(invitation["link"])

    without = (await gql(ACCEPT_INVITATION, {"token": token}, token=anna["token"]))[
        "acceptInvitation"
    ]
    with_code = (
        await gql(
            ACCEPT_INVITATION,
            {"token": token, "code": invitation["verificationCode"]},
            token=anna["token"],
        )
    )["acceptInvitation"]

    assert without["__typename"] == "VerificationFailed"
    assert with_code == {"__typename": "Patient", "id": str(mia.id), "name": "Mia Schmidt"}
