"""Email verification: register emails a single-use link; verifyEmail and resendVerification."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from domain.invitations import invitation_token
from persistence.models import EmailVerificationRow, OutboxRow
from resolvers.deps import Deps
from tests.mailbox import Mailbox, Received
from tests.support import GraphQL, eventually

REGISTER = """
mutation($email: String!, $name: String!) {
  register(email: $email, password: "long enough", name: $name) {
    ... on SignIn { token user { id email emailVerified patients { id } } }
  }
}
"""
VERIFY = """
mutation($token: String!) {
  verifyEmail(token: $token) {
    __typename ... on User { id email emailVerified } ... on Problem { code message }
  }
}
"""
RESEND = "mutation { resendVerification { __typename ... on User { email emailVerified } ... on Problem { code } } }"
ME = "{ me { email emailVerified } }"
LINK = re.compile(r"https?://\S+/verify-email\?token=([^\s&<\"]+)")


def link_token(received: Received) -> str:
    match = LINK.search(received.text())
    assert match, received.text()
    return match.group(1)


async def verification_emails(mailbox: Mailbox, address: str, count: int = 1) -> list[Received]:
    """The verification emails to `address`, once at least `count` have arrived."""

    async def arrived() -> list[Received] | None:
        found = [r for r in mailbox.to(address) if LINK.search(r.text())]
        return found if len(found) >= count else None

    found: list[Received] = await eventually(arrived, timeout=10)
    return found


async def register(gql: GraphQL, email: str, name: str = "Lena Braun") -> dict:
    signed = (await gql(REGISTER, {"email": email, "name": name}))["register"]
    assert signed["user"]["emailVerified"] is False
    return signed


async def verify_through_email(gql: GraphQL, mailbox: Mailbox, address: str, token: str) -> None:
    """Open the newest link emailed to `address` as the signed-in user `token`."""
    received = (await verification_emails(mailbox, address))[-1]
    verified = (await gql(VERIFY, {"token": link_token(received)}, token=token))["verifyEmail"]
    assert (verified["__typename"], verified["emailVerified"]) == ("User", True), verified


async def sent_verifications(deps: Deps, address: str) -> int:
    """Verification emails written to the outbox for an address (in the same transaction as
    the change, so this is exact at once, unlike waiting for mail that should not come)."""
    async with deps.database.reader() as session:
        query = (
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.kind == "email_verification", OutboxRow.to_address == address)
        )
        return int((await session.execute(query)).scalar_one())


async def test_register_emails_a_link_that_verifies_the_address_once(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    signed = await register(gql, "lena@example.com")

    received = (await verification_emails(mailbox, "lena@example.com"))[0]
    assert received.to == ["lena@example.com"]
    assert "confirm your email" in received.subject
    token = link_token(received)
    assert token in received.html()
    assert "did not create an account" in received.text()
    assert (await gql(ME, token=signed["token"]))["me"]["emailVerified"] is False

    verified = (await gql(VERIFY, {"token": token}, token=signed["token"]))["verifyEmail"]
    again = (await gql(VERIFY, {"token": token}, token=signed["token"]))["verifyEmail"]

    assert verified == {
        "__typename": "User",
        "id": signed["user"]["id"],
        "email": "lena@example.com",
        "emailVerified": True,
    }
    assert again["__typename"] == "NotFound"
    assert (await gql(ME, token=signed["token"]))["me"] == {
        "email": "lena@example.com",
        "emailVerified": True,
    }


async def test_a_link_works_only_for_its_own_account_signed_in(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    lena = await register(gql, "lena@example.com")
    other = await register(gql, "other@example.com", name="Someone Else")
    token = link_token((await verification_emails(mailbox, "lena@example.com"))[0])

    by_other = (await gql(VERIFY, {"token": token}, token=other["token"]))["verifyEmail"]
    anonymous = (await gql(VERIFY, {"token": token}))["verifyEmail"]

    assert by_other["__typename"] == "NotFound"
    assert anonymous["__typename"] == "NotAllowed"
    assert (await gql(ME, token=other["token"]))["me"]["emailVerified"] is False
    # Neither used it up: its own account still can.
    mine = (await gql(VERIFY, {"token": token}, token=lena["token"]))["verifyEmail"]
    assert mine["emailVerified"] is True


async def test_a_forged_or_expired_link_is_not_found(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    lena = await register(gql, "lena@example.com")
    token = link_token((await verification_emails(mailbox, "lena@example.com"))[0])
    forged = f"{token.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    async with deps.database.writer() as session:
        await session.execute(
            update(EmailVerificationRow).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        await session.commit()

    for attempt in (forged, "nonsense", "99999.abc", token):
        answer = (await gql(VERIFY, {"token": attempt}, token=lena["token"]))["verifyEmail"]
        assert answer["__typename"] == "NotFound", attempt
    assert (await gql(ME, token=lena["token"]))["me"]["emailVerified"] is False


async def test_an_invitation_token_is_no_verification_token(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    """Both links are HMACs of an id and a nonce under one secret, for different purposes."""
    lena = await register(gql, "lena@example.com")
    await verification_emails(mailbox, "lena@example.com")
    async with deps.database.reader() as session:
        row = (await session.execute(select(EmailVerificationRow))).scalar_one()
    lookalike = invitation_token(deps.settings.secret_key, row.id, row.nonce)

    answer = (await gql(VERIFY, {"token": lookalike}, token=lena["token"]))["verifyEmail"]

    assert answer["__typename"] == "NotFound"


async def test_the_database_alone_gives_no_usable_verification_link(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    await register(gql, "lena@example.com")
    token = link_token((await verification_emails(mailbox, "lena@example.com"))[0])
    async with deps.database.reader() as session:
        row = (await session.execute(select(EmailVerificationRow))).scalar_one()
    stored = " ".join(str(getattr(row, c.key)) for c in EmailVerificationRow.__table__.columns)
    assert token.split(".")[1] not in stored


async def test_resend_sends_a_fresh_link_but_not_twice_a_minute_nor_once_verified(
    gql: GraphQL, deps: Deps, mailbox: Mailbox
) -> None:
    lena = await register(gql, "lena@example.com")
    first = link_token((await verification_emails(mailbox, "lena@example.com"))[0])

    at_once = (await gql(RESEND, token=lena["token"]))["resendVerification"]
    assert at_once == {"__typename": "User", "email": "lena@example.com", "emailVerified": False}
    assert await sent_verifications(deps, "lena@example.com") == 1

    async with deps.database.writer() as session:  # the first link went out two minutes ago
        await session.execute(
            update(EmailVerificationRow).values(sent_at=datetime.now(UTC) - timedelta(minutes=2))
        )
        await session.commit()
    later = (await gql(RESEND, token=lena["token"]))["resendVerification"]
    fresh = link_token((await verification_emails(mailbox, "lena@example.com", 2))[1])
    assert later == at_once
    assert fresh != first

    await verify_through_email(gql, mailbox, "lena@example.com", lena["token"])
    verified = (await gql(RESEND, token=lena["token"]))["resendVerification"]
    assert verified == {"__typename": "User", "email": "lena@example.com", "emailVerified": True}
    assert await sent_verifications(deps, "lena@example.com") == 2
    anonymous = (await gql(RESEND))["resendVerification"]
    assert anonymous["__typename"] == "NotAllowed"
