"""A user's own account: password rules, reset by email, change of password and email,
and the sessions they are signed in with."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from persistence.models import EmailLinkRow
from resolvers.deps import Deps
from tests import factories
from tests.mailbox import Mailbox
from tests.support import GraphQL, eventually

REGISTER = """
mutation($email: String!, $password: String!) {
  register(email: $email, password: $password, name: "Newcomer") {
    __typename ... on Problem { code message } ... on InvalidInput { field }
  }
}
"""
LOGIN = """
mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { __typename ... on SignIn { token } }
}
"""
ME = "{ me { id email } }"
REQUEST_RESET = """
mutation($email: String!) {
  requestPasswordReset(email: $email) {
    __typename ... on PasswordResetRequested { message } ... on Problem { code message }
  }
}
"""
RESET = """
mutation($token: String!, $password: String!) {
  resetPassword(token: $token, newPassword: $password) {
    __typename
    ... on PasswordChanged { signedOutSessions }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""
CHANGE_PASSWORD = """
mutation($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) {
    __typename
    ... on PasswordChanged { signedOutSessions }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""
CHANGE_EMAIL = """
mutation($email: String!) {
  changeEmail(newEmail: $email) {
    __typename
    ... on EmailChangeRequested { newEmail expiresAt }
    ... on Problem { code message }
    ... on InvalidInput { field }
  }
}
"""
CONFIRM_EMAIL = """
mutation($token: String!) {
  confirmEmailChange(token: $token) {
    __typename ... on User { email } ... on Problem { code message }
  }
}
"""
MY_SESSIONS = "{ mySessions { id current createdAt lastUsedAt expiresAt } }"
END_SESSION = """
mutation($id: ID!) {
  endSession(id: $id) { __typename ... on SignInSession { id current } ... on Problem { code } }
}
"""
END_OTHERS = """
mutation { endOtherSessions { __typename ... on SessionsEnded { count } ... on Problem { code } } }
"""
NEW_PASSWORD = "a new and long passphrase"
WEAK = {
    "nine chars": "Nine char",
    "only spaces": " " * 12,
    "common": "password123",
    "common, padded with spaces": "  qwertyuiop  ",
}


def token_in(text: str, path: str) -> str:
    match = re.search(rf"https?://\S+/{path}\?token=([A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


async def login(gql: GraphQL, email: str, password: str = factories.PASSWORD) -> str:
    signed = (await gql(LOGIN, {"email": email, "password": password}))["login"]
    assert signed["__typename"] == "SignIn", signed
    return str(signed["token"])


async def signed_in(gql: GraphQL, token: str) -> bool:
    """Whether the token still signs someone in (an ended session is answered 401)."""
    response = await gql.client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )
    if response.status_code == 401:
        return False
    return response.json()["data"]["me"] is not None


# ---------------------------------------------------------------- password rules


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
async def test_register_refuses_a_weak_password_naming_the_field(
    gql: GraphQL, password: str
) -> None:
    answer = (await gql(REGISTER, {"email": "new@example.com", "password": password}))["register"]
    assert (answer["__typename"], answer["field"]) == ("InvalidInput", "password")


async def test_the_demo_passwords_and_a_passphrase_are_accepted(gql: GraphQL) -> None:
    for i, password in enumerate(("staff-password", "patient-password", NEW_PASSWORD)):
        answer = (await gql(REGISTER, {"email": f"ok{i}@example.com", "password": password}))[
            "register"
        ]
        assert answer["__typename"] == "SignIn", answer


async def test_change_and_reset_refuse_weak_passwords_naming_the_field(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    user = await factories.user(deps, email="weak@example.com")
    await gql(REQUEST_RESET, {"email": "weak@example.com"})
    reset_token = token_in((await mailbox.wait_for(1))[0].text(), "reset-password")

    for password in WEAK.values():
        changed = (
            await gql(
                CHANGE_PASSWORD, {"current": factories.PASSWORD, "new": password}, token=user.token
            )
        )["changePassword"]
        reset = (await gql(RESET, {"token": reset_token, "password": password}))["resetPassword"]
        assert (changed["__typename"], changed["field"]) == ("InvalidInput", "newPassword")
        assert (reset["__typename"], reset["field"]) == ("InvalidInput", "newPassword")

    assert await login(gql, "weak@example.com")


# ---------------------------------------------------------------- reset by email


async def test_a_forgotten_password_is_reset_through_the_emailed_link(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    user = await factories.user(deps, email="forgetful@example.com")
    second_device = await login(gql, "forgetful@example.com")

    asked = (await gql(REQUEST_RESET, {"email": "Forgetful@Example.com"}))["requestPasswordReset"]
    email = (await mailbox.wait_for(1))[0]
    token = token_in(email.text(), "reset-password")
    reset = (await gql(RESET, {"token": token, "password": NEW_PASSWORD}))["resetPassword"]
    again = (await gql(RESET, {"token": token, "password": "another long passphrase"}))[
        "resetPassword"
    ]

    assert asked["__typename"] == "PasswordResetRequested"
    assert email.to == ["forgetful@example.com"]
    assert token in email.html()
    assert reset == {"__typename": "PasswordChanged", "signedOutSessions": 2}
    assert not await signed_in(gql, user.token)
    assert not await signed_in(gql, second_device)
    assert await login(gql, "forgetful@example.com", NEW_PASSWORD)
    assert (await gql(LOGIN, {"email": "forgetful@example.com", "password": factories.PASSWORD}))[
        "login"
    ]["__typename"] == "InvalidInput"
    assert (again["__typename"], again["code"]) == ("NotFound", "NOT_FOUND")


async def test_an_unknown_email_gets_the_same_answer_and_no_email(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    await factories.user(deps, email="known@example.com")

    unknown = await gql(REQUEST_RESET, {"email": "nobody@example.com"})
    known = await gql(REQUEST_RESET, {"email": "known@example.com"})

    assert unknown == known
    received = await mailbox.wait_for(1)
    assert [r.to for r in received] == [["known@example.com"]]


async def test_a_reset_link_expires_within_an_hour_and_a_made_up_one_is_not_found(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    await factories.user(deps, email="late@example.com")
    await gql(REQUEST_RESET, {"email": "late@example.com"})
    token = token_in((await mailbox.wait_for(1))[0].text(), "reset-password")
    async with deps.database.writer() as session:
        expiry = (await session.execute(select(EmailLinkRow.expires_at))).scalar_one()
        await session.execute(
            update(EmailLinkRow).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()

    expired = (await gql(RESET, {"token": token, "password": NEW_PASSWORD}))["resetPassword"]
    made_up = (await gql(RESET, {"token": "made-up", "password": NEW_PASSWORD}))["resetPassword"]

    assert expiry <= datetime.now(UTC) + timedelta(hours=1)
    assert expired["__typename"] == made_up["__typename"] == "NotFound"
    assert await login(gql, "late@example.com")


# ---------------------------------------------------------------- change password


async def test_changing_the_password_signs_out_the_other_sessions_only(
    gql: GraphQL, deps: Deps
) -> None:
    user = await factories.user(deps, email="mover@example.com")
    other = await login(gql, "mover@example.com")

    wrong = (
        await gql(
            CHANGE_PASSWORD, {"current": "not my password", "new": NEW_PASSWORD}, token=user.token
        )
    )["changePassword"]
    changed = (
        await gql(
            CHANGE_PASSWORD, {"current": factories.PASSWORD, "new": NEW_PASSWORD}, token=user.token
        )
    )["changePassword"]
    anonymous = (
        await gql(CHANGE_PASSWORD, {"current": NEW_PASSWORD, "new": "yet another passphrase"})
    )["changePassword"]

    assert (wrong["__typename"], wrong["field"]) == ("InvalidInput", "currentPassword")
    assert changed == {"__typename": "PasswordChanged", "signedOutSessions": 1}
    assert await signed_in(gql, user.token)
    assert not await signed_in(gql, other)
    assert await login(gql, "mover@example.com", NEW_PASSWORD)
    assert anonymous["__typename"] == "NotAllowed"


# ---------------------------------------------------------------- change email


async def test_a_new_email_takes_effect_when_its_link_is_followed_and_the_old_one_is_told(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    user = await factories.user(deps, email="old@example.com")

    requested = (await gql(CHANGE_EMAIL, {"email": "New@Example.com"}, token=user.token))[
        "changeEmail"
    ]
    await mailbox.wait_for(2)
    (confirm_mail,) = mailbox.to("new@example.com")
    (notice,) = mailbox.to("old@example.com")
    still_old = (await gql(ME, token=user.token))["me"]["email"]
    token = token_in(confirm_mail.text(), "confirm-email")
    confirmed = (await gql(CONFIRM_EMAIL, {"token": token}))["confirmEmailChange"]
    reused = (await gql(CONFIRM_EMAIL, {"token": token}))["confirmEmailChange"]

    assert (requested["__typename"], requested["newEmail"]) == (
        "EmailChangeRequested",
        "new@example.com",
    )
    assert "new@example.com" in notice.text() and "new@example.com" in notice.html()
    assert token in confirm_mail.html()
    assert still_old == "old@example.com"
    assert confirmed == {"__typename": "User", "email": "new@example.com"}
    assert reused["__typename"] == "NotFound"
    assert (await gql(ME, token=user.token))["me"]["email"] == "new@example.com"
    assert await login(gql, "new@example.com")
    assert (await gql(LOGIN, {"email": "old@example.com", "password": factories.PASSWORD}))[
        "login"
    ]["__typename"] == "InvalidInput"


async def test_an_email_in_use_is_refused_naming_the_field(gql: GraphQL, deps: Deps) -> None:
    await factories.user(deps, email="taken@example.com")
    user = await factories.user(deps)

    taken = (await gql(CHANGE_EMAIL, {"email": "taken@example.com"}, token=user.token))[
        "changeEmail"
    ]
    malformed = (await gql(CHANGE_EMAIL, {"email": "not an email"}, token=user.token))[
        "changeEmail"
    ]

    assert (taken["__typename"], taken["field"]) == ("InvalidInput", "newEmail")
    assert (malformed["__typename"], malformed["field"]) == ("InvalidInput", "newEmail")


# ---------------------------------------------------------------- sessions


async def test_my_sessions_lists_where_i_am_signed_in_and_marks_this_one(
    gql: GraphQL, deps: Deps
) -> None:
    user = await factories.user(deps, email="two@example.com")
    other = await login(gql, "two@example.com")
    await factories.user(deps)

    mine = (await gql(MY_SESSIONS, token=user.token))["mySessions"]
    from_other = (await gql(MY_SESSIONS, token=other))["mySessions"]
    anonymous = await gql.raw(MY_SESSIONS)

    async def last_used() -> str | None:
        listed = (await gql(MY_SESSIONS, token=user.token))["mySessions"]
        return next(s["lastUsedAt"] for s in listed if s["current"])

    assert len(mine) == 2
    assert [s["current"] for s in mine].count(True) == 1
    assert {s["id"] for s in mine} == {s["id"] for s in from_other}
    current = next(s for s in mine if s["current"])
    assert current["id"] != next(s for s in from_other if s["current"])["id"]
    assert await eventually(last_used)
    assert user.token not in str(mine) and other not in str(mine)
    assert anonymous["errors"][0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_ending_another_session_signs_it_out(gql: GraphQL, deps: Deps) -> None:
    user = await factories.user(deps, email="phone@example.com")
    laptop = await login(gql, "phone@example.com")
    laptop_id = next(
        s["id"] for s in (await gql(MY_SESSIONS, token=laptop))["mySessions"] if s["current"]
    )

    ended = (await gql(END_SESSION, {"id": laptop_id}, token=user.token))["endSession"]
    again = (await gql(END_SESSION, {"id": laptop_id}, token=user.token))["endSession"]

    assert ended == {"__typename": "SignInSession", "id": laptop_id, "current": False}
    assert not await signed_in(gql, laptop)
    assert await signed_in(gql, user.token)
    assert again["__typename"] == "NotFound"


async def test_another_users_session_id_is_not_found(gql: GraphQL, deps: Deps) -> None:
    me = await factories.user(deps)
    someone = await factories.user(deps)
    their_id = (await gql(MY_SESSIONS, token=someone.token))["mySessions"][0]["id"]

    answer = (await gql(END_SESSION, {"id": their_id}, token=me.token))["endSession"]
    missing = (await gql(END_SESSION, {"id": "987654"}, token=me.token))["endSession"]

    assert answer == {"__typename": "NotFound", "code": "NOT_FOUND"}
    assert answer == missing
    assert await signed_in(gql, someone.token)


async def test_ending_the_other_sessions_keeps_this_one(gql: GraphQL, deps: Deps) -> None:
    user = await factories.user(deps, email="many@example.com")
    others = [await login(gql, "many@example.com") for _ in range(2)]

    ended = (await gql(END_OTHERS, token=user.token))["endOtherSessions"]

    assert ended == {"__typename": "SessionsEnded", "count": 2}
    assert [await signed_in(gql, t) for t in others] == [False, False]
    assert await signed_in(gql, user.token)
    assert len((await gql(MY_SESSIONS, token=user.token))["mySessions"]) == 1
