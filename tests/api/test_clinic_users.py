"""Staff and practitioner users: invited by staff, set up through a link, turned off and on."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from domain.actors import UserKind
from persistence.models import UserRow
from resolvers.deps import Deps
from tests import factories
from tests.api.test_accounts import token_of
from tests.api.test_availability_api import insert_appointment
from tests.mailbox import Mailbox
from tests.support import GraphQL

INVITE_PRACTITIONER = """mutation($email: String!, $p: ID!) {
  invitePractitionerUser(email: $email, practitionerId: $p) {
    __typename ... on User { id kind disabled practitioner { name } } ... on Problem { code message }
  }
}"""
INVITE_STAFF = """mutation($email: String!, $name: String!) {
  inviteStaffUser(email: $email, name: $name) {
    __typename ... on User { id kind } ... on Problem { code message }
  }
}"""
SET_UP = """mutation($token: String!, $password: String!) {
  setUpAccount(token: $token, password: $password) {
    __typename ... on SignIn { token user { kind practitioner { name } } } ... on Problem { code message }
  }
}"""
LOGIN = """mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { __typename ... on SignIn { token } ... on Problem { code message } }
}"""
DISABLE = "mutation($u: ID!) { disableUser(userId: $u) { __typename ... on User { disabled } ... on Problem { code message } } }"
ENABLE = "mutation($u: ID!) { enableUser(userId: $u) { __typename ... on User { disabled } ... on Problem { code message } } }"
DIARY = """query($p: ID!, $from: DateTime!, $to: DateTime!) {
  diary(practitionerId: $p, from: $from, to: $to) { id patient { name } }
}"""
PASSWORD = "a long and unusual pass phrase"


def link_in(mailbox: Mailbox, address: str) -> str:
    [received] = mailbox.to(address)
    match = re.search(r"https?://\S+account-setup\?token=\S+", received.text())
    assert match, received.text()
    assert "account-setup?token=" in received.html()
    return match.group(0)


async def test_a_practitioner_user_sets_up_and_sees_only_their_own_diary(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    desk = await factories.staff(deps)
    maria = await factories.online_practitioner(deps, name="Maria Keller")
    jonas = await factories.online_practitioner(deps, name="Jonas Weber")
    for diary in (maria, jonas):
        patient = await factories.patient(deps, name=f"Of {diary.practitioner.name}")
        await insert_appointment(deps, diary, factories.slot_start(days=3), patient=patient)

    invited = (
        await gql(
            INVITE_PRACTITIONER,
            {"email": "Maria@Example.com", "p": maria.practitioner_id},
            token=desk.token,
        )
    )["invitePractitionerUser"]
    assert invited["kind"] == "PRACTITIONER" and invited["practitioner"]["name"] == "Maria Keller"
    await mailbox.wait_for(1)
    token = token_of(link_in(mailbox, "maria@example.com"))

    # Until set up, the account has no password anyone could guess.
    refused = (await gql(LOGIN, {"email": "maria@example.com", "password": ""}))["login"]
    assert refused["__typename"] == "InvalidInput"

    signed = (await gql(SET_UP, {"token": token, "password": PASSWORD}))["setUpAccount"]
    assert signed["user"] == {"kind": "PRACTITIONER", "practitioner": {"name": "Maria Keller"}}
    again = (await gql(SET_UP, {"token": token, "password": PASSWORD}))["setUpAccount"]
    assert again["code"] == "NOT_FOUND"  # the link works once

    now = datetime.now(UTC)
    window = {"from": now.isoformat(), "to": (now + timedelta(days=14)).isoformat()}
    own = (await gql(DIARY, {"p": maria.practitioner_id, **window}, token=signed["token"]))["diary"]
    assert [a["patient"]["name"] for a in own] == ["Of Maria Keller"]
    other = await gql.raw(DIARY, {"p": jonas.practitioner_id, **window}, token=signed["token"])
    assert other["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"
    patients = await gql.raw("{ patients { name } }", token=signed["token"])
    assert patients["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_only_staff_invite_and_an_existing_account_is_not_taken_over(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    desk = await factories.staff(deps)
    patient = await factories.user(deps, email="anna@example.com")
    by_patient = (
        await gql(INVITE_STAFF, {"email": "new@example.com", "name": "New"}, token=patient.token)
    )["inviteStaffUser"]
    assert by_patient["code"] == "NOT_ALLOWED"
    taken = (
        await gql(INVITE_STAFF, {"email": "anna@example.com", "name": "Anna"}, token=desk.token)
    )["inviteStaffUser"]
    assert taken == {
        "__typename": "InvalidInput",
        "code": "INVALID_INPUT",
        "message": taken["message"],
    }

    first = await gql(
        INVITE_STAFF, {"email": "colleague@example.com", "name": "Colleague"}, token=desk.token
    )
    second = await gql(
        INVITE_STAFF, {"email": "colleague@example.com", "name": "Colleague"}, token=desk.token
    )
    assert first["inviteStaffUser"]["id"] == second["inviteStaffUser"]["id"]
    await mailbox.wait_for(2)
    old, new = (token_of(link_in_all) for link_in_all in _links(mailbox, "colleague@example.com"))
    assert (await gql(SET_UP, {"token": old, "password": PASSWORD}))["setUpAccount"][
        "code"
    ] == "NOT_FOUND"
    weak = (await gql(SET_UP, {"token": new, "password": "short"}))["setUpAccount"]
    assert weak["__typename"] == "InvalidInput"
    ok = (await gql(SET_UP, {"token": new, "password": PASSWORD}))["setUpAccount"]
    assert ok["user"]["kind"] == UserKind.STAFF.value


def _links(mailbox: Mailbox, address: str) -> list[str]:
    found = [
        re.search(r"https?://\S+account-setup\?token=\S+", r.text()) for r in mailbox.to(address)
    ]
    return [m.group(0) for m in found if m]


async def test_a_disabled_user_is_signed_out_at_once_and_cannot_sign_in_until_enabled(
    gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    anna = await factories.user(deps, email="anna@example.com", name="Anna")
    assert (await gql("{ me { email } }", token=anna.token))["me"]["email"] == "anna@example.com"

    off = (await gql(DISABLE, {"u": anna.id}, token=desk.token))["disableUser"]
    assert off == {"__typename": "User", "disabled": True}
    signed_out = await gql.client.post(
        "/graphql",
        json={"query": "{ me { email } }"},
        headers={"Authorization": f"Bearer {anna.token}"},
    )
    assert signed_out.status_code == 401
    login = (await gql(LOGIN, {"email": "anna@example.com", "password": factories.PASSWORD}))[
        "login"
    ]
    assert login["code"] == "NOT_ALLOWED"

    own = (await gql(DISABLE, {"u": desk.id}, token=desk.token))["disableUser"]
    assert own["__typename"] == "InvalidInput"
    other = await factories.user(deps, email="other@example.com")
    by_patient = (await gql(ENABLE, {"u": anna.id}, token=other.token))["enableUser"]
    assert by_patient["code"] == "NOT_ALLOWED"

    assert (await gql(ENABLE, {"u": anna.id}, token=desk.token))["enableUser"]["disabled"] is False
    login = (await gql(LOGIN, {"email": "anna@example.com", "password": factories.PASSWORD}))[
        "login"
    ]
    assert login["__typename"] == "SignIn"
    assert (await gql("{ me { email } }", token=login["token"]))["me"][
        "email"
    ] == "anna@example.com"


async def test_a_set_up_link_expires(gql: GraphQL, deps: Deps, mailbox: Mailbox) -> None:
    desk = await factories.staff(deps)
    await gql(INVITE_STAFF, {"email": "late@example.com", "name": "Late"}, token=desk.token)
    await mailbox.wait_for(1)
    token = token_of(link_in(mailbox, "late@example.com"))
    async with deps.database.writer() as session:
        await session.execute(
            update(UserRow)
            .where(UserRow.email == "late@example.com")
            .values(setup_expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        await session.commit()
    assert (await gql(SET_UP, {"token": token, "password": PASSWORD}))["setUpAccount"][
        "code"
    ] == "NOT_FOUND"
