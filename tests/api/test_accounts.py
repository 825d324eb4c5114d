"""Accounts for patients and families: invitations, verification codes, link and merge."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update

from persistence.models import AppointmentRow, InvitationRow, PatientRow
from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import REQUEST, hold
from tests.api.test_requests import provisional_request
from tests.mailbox import Mailbox
from tests.support import GraphQL

INVITE = """
mutation Invite($patientId: ID!, $email: String!, $code: Boolean!) {
  invite(patientId: $patientId, email: $email, requireVerificationCode: $code) {
    __typename
    ... on Invitation { id email state link verificationCode requiresVerificationCode patient { id invitationStatus } }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""
RESEND = "mutation($id: ID!) { resendInvitation(invitationId: $id) { __typename ... on Invitation { id state } ... on Problem { code message } } }"
DELETE = "mutation($id: ID!) { deleteInvitation(invitationId: $id) { __typename ... on Invitation { id state } ... on Problem { code } } }"
ACCEPT_INVITATION = """
mutation Accept($token: String!, $code: String) {
  acceptInvitation(token: $token, verificationCode: $code) {
    __typename ... on Patient { id name } ... on Problem { code message }
  }
}
"""
REGISTER = """
mutation($email: String!, $name: String!, $birthDate: Date) {
  register(email: $email, password: "long enough", name: $name, birthDate: $birthDate) {
    ... on SignIn { token user { id patients { id } } }
  }
}
"""
ME = "{ me { kind patients { id name } } }"
STATUS = (
    "query($id: ID!) { patients { id invitationStatus } invitations(patientId: $id) { id state } }"
)
LINK = "mutation($u: ID!, $p: ID!) { link(userId: $u, patientId: $p) { __typename ... on Patient { id } ... on Problem { code message } } }"
MERGE = "mutation($a: ID!, $b: ID!) { merge(provisionalPatientId: $a, intoPatientId: $b) { __typename ... on Patient { id email phone users { email } } ... on Problem { code message } } }"
CONFIRM_REGISTRATION = "mutation($a: ID!) { confirmRegistration(provisionalPatientId: $a) { __typename ... on Patient { id provisional } ... on Problem { code } } }"
BULK = """
mutation($ids: [ID!]!) {
  bulkInvite(patientIds: $ids) {
    invited { patient { name } email }
    skipped { patient { name } problem { __typename code message } }
  }
}
"""


def token_of(link: str) -> str:
    match = re.search(r"[?&]token=([^&\s]+)", link)
    assert match, link
    return match.group(1)


async def test_the_family_flow_a_parent_is_invited_for_a_child_and_books_for_both(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    await factories.set_clinic(deps, approval_required=False)
    diary = await factories.online_practitioner(deps)
    desk = await factories.staff(deps)
    mia = await factories.patient(deps, name="Mia Schmidt", email=None, birth_date=date(2015, 9, 3))

    invitation = (
        await gql(
            INVITE,
            {"patientId": str(mia.id), "email": "anna@example.com", "code": True},
            token=desk.token,
        )
    )["invite"]
    assert invitation["__typename"] == "Invitation"
    code = invitation["verificationCode"]
    assert re.fullmatch(r"\d{6}", code)
    assert invitation["patient"]["invitationStatus"] == "INVITED"
    received = (await mailbox.wait_for(1))[0]
    assert received.to == ["anna@example.com"]
    link = re.search(r"https?://\S+invitation\?token=\S+", received.text())
    assert link and link.group(0) == invitation["link"]
    assert code not in received.text()

    parent = (
        await gql(
            REGISTER,
            {"email": "anna@example.com", "name": "Anna Schmidt", "birthDate": "1986-04-12"},
        )
    )["register"]
    own_profile = parent["user"]["patients"][0]["id"]
    accepted = (
        await gql(
            ACCEPT_INVITATION,
            {"token": token_of(invitation["link"]), "code": code},
            token=parent["token"],
        )
    )["acceptInvitation"]
    assert accepted == {"__typename": "Patient", "id": str(mia.id), "name": "Mia Schmidt"}
    me = (await gql(ME, token=parent["token"]))["me"]
    assert {p["name"] for p in me["patients"]} == {"Mia Schmidt", "Anna Schmidt"}

    for patient_id, hour in ((str(mia.id), 9), (own_profile, 10)):
        held = await hold(gql, diary, factories.slot_start(hour=hour), parent["token"])
        booked = (
            await gql(
                REQUEST,
                {"id": held["appointment"]["id"], "patientId": patient_id},
                token=parent["token"],
            )
        )["request"]
        assert booked["__typename"] == "Appointment"
    statuses = await gql(STATUS, {"id": str(mia.id)}, token=desk.token)
    assert {"id": str(mia.id), "invitationStatus": "ENROLLED"} in statuses["patients"]


async def test_a_wrong_code_fails_and_five_revoke_the_invitation(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    mia = await factories.patient(deps, name="Mia Schmidt")
    user = await factories.user(deps)
    invitation = (
        await gql(
            INVITE,
            {"patientId": str(mia.id), "email": "anna@example.com", "code": True},
            token=desk.token,
        )
    )["invite"]
    token = token_of(invitation["link"])
    wrong = "000000" if invitation["verificationCode"] != "000000" else "111111"

    answers = [
        (await gql(ACCEPT_INVITATION, {"token": token, "code": wrong}, token=user.token))[
            "acceptInvitation"
        ]["__typename"]
        for _ in range(5)
    ]
    after = (
        await gql(
            ACCEPT_INVITATION,
            {"token": token, "code": invitation["verificationCode"]},
            token=user.token,
        )
    )["acceptInvitation"]

    assert answers == ["VerificationFailed"] * 5
    assert after["__typename"] == "NotFound"
    assert (await gql(ME, token=user.token))["me"]["patients"] == []


async def test_patients_cannot_read_the_verification_code(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    mia = await factories.patient(deps)
    user = await factories.user(deps, patients=(mia,))
    await gql(
        INVITE, {"patientId": str(mia.id), "email": "x@example.com", "code": True}, token=desk.token
    )
    body = await gql.raw("{ invitations { verificationCode } }", token=user.token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_a_used_deleted_or_forged_token_is_not_found(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    mia = await factories.patient(deps)
    first, second = await factories.user(deps), await factories.user(deps)
    used = (
        await gql(
            INVITE,
            {"patientId": str(mia.id), "email": "a@example.com", "code": True},
            token=desk.token,
        )
    )["invite"]
    deleted = (
        await gql(
            INVITE,
            {"patientId": str(mia.id), "email": "b@example.com", "code": False},
            token=desk.token,
        )
    )["invite"]
    first_use = (
        await gql(
            ACCEPT_INVITATION,
            {"token": token_of(used["link"]), "code": used["verificationCode"]},
            token=first.token,
        )
    )["acceptInvitation"]
    assert first_use["__typename"] == "Patient"
    await gql(DELETE, {"id": deleted["id"]}, token=desk.token)
    forged = f"{used['id']}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

    for token in (token_of(used["link"]), token_of(deleted["link"]), forged, "nonsense"):
        answer = (await gql(ACCEPT_INVITATION, {"token": token}, token=second.token))[
            "acceptInvitation"
        ]
        assert answer["__typename"] == "NotFound", token


async def test_an_expired_invitation_is_not_found(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    mia = await factories.patient(deps)
    user = await factories.user(deps)
    invitation = (
        await gql(
            INVITE,
            {"patientId": str(mia.id), "email": "a@example.com", "code": False},
            token=desk.token,
        )
    )["invite"]
    async with deps.database.writer() as session:
        await session.execute(
            update(InvitationRow).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        await session.commit()

    answer = (
        await gql(ACCEPT_INVITATION, {"token": token_of(invitation["link"])}, token=user.token)
    )["acceptInvitation"]

    assert answer["__typename"] == "NotFound"


async def test_the_database_alone_gives_no_usable_link(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    mia = await factories.patient(deps)
    invitation = (
        await gql(
            INVITE,
            {"patientId": str(mia.id), "email": "a@example.com", "code": False},
            token=desk.token,
        )
    )["invite"]
    async with deps.database.reader() as session:
        row = (await session.execute(select(InvitationRow))).scalar_one()
    stored = " ".join(str(getattr(row, c.key)) for c in InvitationRow.__table__.columns)
    assert token_of(invitation["link"]).split(".")[1] not in stored


async def test_an_opted_out_patient_cannot_be_invited(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    paul = await factories.patient(deps, name="Paul Becker", contact_consent=False)

    refused = (
        await gql(
            INVITE,
            {"patientId": str(paul.id), "email": "paul@example.com", "code": False},
            token=desk.token,
        )
    )["invite"]
    malformed = (
        await gql(
            INVITE,
            {"patientId": str(paul.id), "email": "paul-at-example", "code": False},
            token=desk.token,
        )
    )["invite"]

    assert refused["__typename"] == "ConsentMissing"
    assert "consent" in refused["message"]
    assert (malformed["__typename"], malformed["field"]) == ("InvalidInput", "email")


async def test_after_an_email_change_the_old_invitation_cannot_be_resent(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    anna = await factories.patient(deps, email="old@example.com")
    invitation = (
        await gql(
            INVITE,
            {"patientId": str(anna.id), "email": "old@example.com", "code": False},
            token=desk.token,
        )
    )["invite"]
    assert (await gql(RESEND, {"id": invitation["id"]}, token=desk.token))["resendInvitation"][
        "__typename"
    ] == "Invitation"

    await gql(
        'mutation($id: ID!) { updatePatient(patientId: $id, input: {email: "new@example.com"}) { __typename } }',
        {"id": str(anna.id)},
        token=desk.token,
    )
    stale = (await gql(RESEND, {"id": invitation["id"]}, token=desk.token))["resendInvitation"]

    assert stale["__typename"] == "InvitationStale"
    await gql(DELETE, {"id": invitation["id"]}, token=desk.token)
    fresh = (
        await gql(
            INVITE,
            {"patientId": str(anna.id), "email": "new@example.com", "code": False},
            token=desk.token,
        )
    )["invite"]
    assert fresh["__typename"] == "Invitation"


async def test_invitation_status_through_the_life_of_an_invitation(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    anna = await factories.patient(deps)
    user = await factories.user(deps)

    async def status() -> str:
        rows = (await gql(STATUS, {"id": str(anna.id)}, token=desk.token))["patients"]
        return next(r["invitationStatus"] for r in rows if r["id"] == str(anna.id))

    assert await status() == "NOT_INVITED"
    invitation = (
        await gql(
            INVITE,
            {"patientId": str(anna.id), "email": "anna@example.com", "code": False},
            token=desk.token,
        )
    )["invite"]
    assert await status() == "INVITED"
    await gql(DELETE, {"id": invitation["id"]}, token=desk.token)
    assert await status() == "NOT_INVITED"
    again = (
        await gql(
            INVITE,
            {"patientId": str(anna.id), "email": "anna@example.com", "code": True},
            token=desk.token,
        )
    )["invite"]
    await gql(
        ACCEPT_INVITATION,
        {"token": token_of(again["link"]), "code": again["verificationCode"]},
        token=user.token,
    )
    assert await status() == "ENROLLED"


async def test_bulk_invite_invites_those_it_can_and_says_why_it_skipped_the_rest(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    ok = await factories.patient(deps, name="Has Email", email="has@example.com")
    no_email = await factories.patient(deps, name="No Email", email=None)
    opted_out = await factories.patient(
        deps, name="Opted Out", email="out@example.com", contact_consent=False
    )

    result = (
        await gql(
            BULK, {"ids": [str(ok.id), str(no_email.id), str(opted_out.id)]}, token=desk.token
        )
    )["bulkInvite"]

    assert result["invited"] == [{"patient": {"name": "Has Email"}, "email": "has@example.com"}]
    skipped = {s["patient"]["name"]: s["problem"]["__typename"] for s in result["skipped"]}
    assert skipped == {"No Email": "InvalidInput", "Opted Out": "ConsentMissing"}


async def test_creating_a_patient_can_send_the_invitation_at_once(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    desk = await factories.staff(deps)
    query = """mutation($input: PatientInput!) { createPatient(input: $input, sendInvitation: true) {
      __typename ... on Patient { id invitationStatus } ... on Problem { code } ... on InvalidInput { field } } }"""

    created = (
        await gql(
            query, {"input": {"name": "New Patient", "email": "new@example.com"}}, token=desk.token
        )
    )["createPatient"]
    without_email = (await gql(query, {"input": {"name": "No Email"}}, token=desk.token))[
        "createPatient"
    ]

    assert created["invitationStatus"] == "INVITED"
    assert (without_email["__typename"], without_email["field"]) == ("InvalidInput", "email")
    assert (await mailbox.wait_for(1))[0].to == ["new@example.com"]


async def test_a_user_who_has_not_accepted_cannot_see_or_book_for_the_patient(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    diary = await factories.online_practitioner(deps)
    mia = await factories.patient(deps, name="Mia Schmidt")
    user = await factories.user(deps)
    await gql(
        INVITE,
        {"patientId": str(mia.id), "email": user.user.email, "code": False},
        token=desk.token,
    )
    held = await hold(gql, diary, factories.slot_start(), user.token)

    refused = (
        await gql(
            REQUEST, {"id": held["appointment"]["id"], "patientId": str(mia.id)}, token=user.token
        )
    )["request"]
    visits = await gql.raw(
        'query($p: ID!) { visits(patientId: $p, from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { id } }',
        {"p": str(mia.id)},
        token=user.token,
    )

    assert refused["__typename"] == "NotAllowed"
    assert visits["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"
    assert (await gql(ME, token=user.token))["me"]["patients"] == []


# ---------------------------------------------------------------- registrations


async def registered_with_booking(gql: GraphQL, deps: Deps) -> tuple[dict, str, str]:
    """Lena registers online and makes a PROVISIONAL booking: (sign-in, patient id, appointment id)."""
    return await provisional_request(
        gql, deps, name="Lena Braun", birth=date(1990, 1, 1), email="lena@example.com"
    )


async def test_merging_a_registration_keeps_every_appointment_and_link_and_leaves_no_duplicate(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    desk = await factories.staff(deps)
    existing = await factories.patient(
        deps, name="Lena Braun", birth_date=date(1990, 1, 1), email=None, phone="+49 30 555"
    )
    signed, provisional_id, appointment_id = await registered_with_booking(gql, deps)

    merged = (await gql(MERGE, {"a": provisional_id, "b": str(existing.id)}, token=desk.token))[
        "merge"
    ]

    assert merged["id"] == str(existing.id)
    assert merged["email"] == "lena@example.com"
    assert merged["phone"] == "+49 30 555"
    assert merged["users"] == [{"email": "lena@example.com"}]
    appointment = (
        await gql(
            "query($id: ID!) { appointment(id: $id) { status patient { id } } }",
            {"id": appointment_id},
            token=desk.token,
        )
    )["appointment"]
    assert appointment == {"status": "REQUESTED", "patient": {"id": str(existing.id)}}
    me = (await gql(ME, token=signed["token"]))["me"]
    assert me == {"kind": "PATIENT", "patients": [{"id": str(existing.id), "name": "Lena Braun"}]}
    assert (await gql("{ onlineRegistrations { id } }", token=desk.token))[
        "onlineRegistrations"
    ] == []
    again = (await gql(MERGE, {"a": provisional_id, "b": str(existing.id)}, token=desk.token))[
        "merge"
    ]
    assert again["__typename"] == "NotFound"


async def test_confirming_a_registration_makes_a_real_patient(gql: GraphQL, deps: Deps) -> None:
    await factories.set_clinic(deps, approval_required=False)
    desk = await factories.staff(deps)
    signed, provisional_id, appointment_id = await registered_with_booking(gql, deps)

    confirmed = (await gql(CONFIRM_REGISTRATION, {"a": provisional_id}, token=desk.token))[
        "confirmRegistration"
    ]

    assert confirmed == {"__typename": "Patient", "id": provisional_id, "provisional": False}
    status = (
        await gql(
            "query($id: ID!) { appointment(id: $id) { status } }",
            {"id": appointment_id},
            token=signed["token"],
        )
    )["appointment"]
    assert status == {"status": "BOOKED"}


async def test_linking_a_registered_user_to_their_patient_record_folds_in_their_registration(
    gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    desk = await factories.staff(deps)
    existing = await factories.patient(deps, name="Lena Braun")
    signed, _, appointment_id = await registered_with_booking(gql, deps)

    linked = (
        await gql(LINK, {"u": signed["user"]["id"], "p": str(existing.id)}, token=desk.token)
    )["link"]

    assert linked == {"__typename": "Patient", "id": str(existing.id)}
    me = (await gql(ME, token=signed["token"]))["me"]
    assert me["kind"] == "PATIENT"
    assert [p["id"] for p in me["patients"]] == [str(existing.id)]
    appointment = (
        await gql(
            "query($id: ID!) { appointment(id: $id) { status } }",
            {"id": appointment_id},
            token=desk.token,
        )
    )["appointment"]
    assert appointment == {"status": "REQUESTED"}


async def test_concurrent_merge_and_accept_end_consistent(gql: GraphQL, deps: Deps) -> None:
    desk = await factories.staff(deps)
    existing = await factories.patient(
        deps, name="Lena Braun", birth_date=date(1990, 1, 1), email="lena@example.com"
    )
    _, provisional_id, appointment_id = await registered_with_booking(gql, deps)
    accept = "mutation($id: ID!, $p: ID) { accept(appointmentId: $id, patientId: $p) { __typename ... on Appointment { status } ... on Problem { code } } }"

    merged, accepted = await asyncio.gather(
        gql(MERGE, {"a": provisional_id, "b": str(existing.id)}, token=desk.token),
        gql(accept, {"id": appointment_id, "p": str(existing.id)}, token=desk.token),
    )

    async with deps.database.reader() as session:
        provisional_left = (
            await session.execute(
                select(func.count()).select_from(PatientRow).where(PatientRow.provisional.is_(True))
            )
        ).scalar_one()
        appointment = await session.get(AppointmentRow, int(appointment_id))
    assert provisional_left == 0
    assert appointment is not None and appointment.patient_id == existing.id
    assert appointment.status in ("BOOKED", "REQUESTED")
    assert merged["merge"]["__typename"] in ("Patient", "NotFound")
    assert accepted["accept"]["__typename"] in ("Appointment", "NotFound", "InvalidInput")
