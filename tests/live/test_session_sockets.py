"""A websocket lives no longer than the sign-in session it opened with: logout, a session
ended from another device, a password reset and expiry close it with 4401, on whichever
server process the socket is."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from websockets.exceptions import ConnectionClosed

from domain.credentials import new_token, token_digest
from persistence.models import AuthTokenRow
from resolvers.deps import Deps
from tests import factories
from tests.api.test_visits import CLEAR, CONFIRM, STAFF_CANCEL, Clinic, book, clinic
from tests.mailbox import Mailbox
from tests.support import GraphQL, LiveSocket, ServerProcess, on_redis

MY_UPDATES = "subscription { myAppointmentUpdates { id visitStatus patient { name } } }"
SLOT_CHANGES = """
subscription($p: ID!, $from: DateTime!, $to: DateTime!) {
  slotChanges(practitionerId: $p, from: $from, to: $to) { state }
}
"""
MY_SESSIONS = "{ mySessions { id current } }"
END_SESSION = "mutation($id: ID!) { endSession(id: $id) { __typename } }"
REQUEST_RESET = "mutation($e: String!) { requestPasswordReset(email: $e) { __typename } }"
RESET = """
mutation($t: String!, $p: String!) {
  resetPassword(token: $t, newPassword: $p) { __typename ... on PasswordChanged { signedOutSessions } }
}
"""
LOGIN = 'mutation($e: String!) { login(email: $e, password: "correct horse battery") { ... on SignIn { token } } }'
SESSION_ENDED = 4401
TWO_PROCESSES = pytest.mark.skipif(
    not on_redis(), reason="two server processes share events only with BROADCAST_URL=redis://"
)


async def closed_with(socket: LiveSocket, timeout: float = 5.0) -> tuple[int | None, list[Any]]:
    """Wait until the server closes the socket: its close code, and what came before."""
    heard: list[Any] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        try:
            heard.append(await socket.receive(timeout=max(left, 0.01)))
        except ConnectionClosed as closed:
            return (closed.rcvd.code if closed.rcvd else None), heard
        except TimeoutError:
            raise AssertionError(f"still open after {timeout}s; heard {heard}") from None


async def streaming(socket: LiveSocket, gql: GraphQL, c: Clinic, visit: str) -> dict:
    """Subscribe to my appointment updates and prove the stream is live: the patient
    confirms and clears the visit until the socket hears of it (10 s at most)."""
    await socket.subscribe(MY_UPDATES)
    deadline = asyncio.get_running_loop().time() + 10
    pokes = [CONFIRM, CLEAR]
    for n in range(100):
        await gql(pokes[n % 2], {"id": visit}, token=c.user.token)
        try:
            return dict((await socket.next_data(timeout=1.0))["myAppointmentUpdates"])
        except TimeoutError:
            if asyncio.get_running_loop().time() > deadline:
                break
    raise AssertionError("the subscription never delivered an update")


async def after_the_end(socket: LiveSocket, gql: GraphQL, c: Clinic, visit: str) -> list[Any]:
    """The clinic cancels the visit right after the session ended: what the socket hears
    before it is closed with 4401, which must happen within 5 s."""
    await gql(STAFF_CANCEL, {"id": visit}, token=c.desk.token)
    code, heard = await closed_with(socket)
    assert code == SESSION_ENDED
    return heard


async def test_logout_closes_a_socket_opened_before_it(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    c = await clinic(deps)
    visit = (await book(server_gql, c, factories.slot_start(days=3)))["id"]
    async with LiveSocket(server.ws_url, c.user.token) as socket:
        first = await streaming(socket, server_gql, c, visit)
        assert first["patient"] == {"name": "Anna Schmidt"}

        assert (await server_gql("mutation { logout }", token=c.user.token))["logout"] is True

        assert await after_the_end(socket, server_gql, c, visit) == []


@TWO_PROCESSES
async def test_logout_on_the_other_process_closes_the_socket(
    two_servers: list[ServerProcess], deps: Deps
) -> None:
    c = await clinic(deps)
    watched, other = two_servers
    async with httpx.AsyncClient(base_url=other.url, timeout=30) as client:
        gql = GraphQL(client)
        visit = (await book(gql, c, factories.slot_start(days=3)))["id"]
        async with LiveSocket(watched.ws_url, c.user.token) as socket:
            await streaming(socket, gql, c, visit)

            assert (await gql("mutation { logout }", token=c.user.token))["logout"] is True

            assert await after_the_end(socket, gql, c, visit) == []


@TWO_PROCESSES
async def test_a_session_ended_from_another_device_closes_its_socket(
    two_servers: list[ServerProcess], deps: Deps
) -> None:
    c = await clinic(deps)
    watched, other = two_servers
    async with httpx.AsyncClient(base_url=other.url, timeout=30) as client:
        gql = GraphQL(client)
        visit = (await book(gql, c, factories.slot_start(days=3)))["id"]
        laptop = (await gql(LOGIN, {"e": c.user.user.email}))["login"]["token"]
        async with LiveSocket(watched.ws_url, c.user.token) as socket:
            await streaming(socket, gql, c, visit)
            phone_id = next(
                s["id"]
                for s in (await gql(MY_SESSIONS, token=laptop))["mySessions"]
                if not s["current"]
            )

            ended = await gql(END_SESSION, {"id": phone_id}, token=laptop)

            assert ended["endSession"]["__typename"] == "SignInSession"
            assert await after_the_end(socket, gql, c, visit) == []
        assert (await gql("{ me { email } }", token=laptop))["me"] is not None


@TWO_PROCESSES
async def test_a_password_reset_closes_every_socket_of_the_user(
    two_servers: list[ServerProcess], deps: Deps, mailbox: Mailbox
) -> None:
    c = await clinic(deps)
    watched, other = two_servers
    async with httpx.AsyncClient(base_url=other.url, timeout=30) as client:
        gql = GraphQL(client)
        visit = (await book(gql, c, factories.slot_start(days=3)))["id"]
        async with LiveSocket(watched.ws_url, c.user.token) as socket:
            await streaming(socket, gql, c, visit)
            await gql(REQUEST_RESET, {"e": c.user.user.email})
            link = (await mailbox.wait_for(1))[0].text()
            match = re.search(r"reset-password\?token=([A-Za-z0-9_\-]+)", link)
            assert match, link

            reset = await gql(RESET, {"t": match.group(1), "p": "a brand new passphrase"})

            assert reset["resetPassword"] == {
                "__typename": "PasswordChanged",
                "signedOutSessions": 1,
            }
            assert await after_the_end(socket, gql, c, visit) == []


async def short_session(
    deps: Deps, user: factories.SignedInUser, seconds: float
) -> tuple[str, datetime]:
    """A second sign-in of the user that expires in a few seconds, and when."""
    token, expires_at = new_token(), datetime.now(UTC) + timedelta(seconds=seconds)
    async with deps.database.writer() as session:
        session.add(
            AuthTokenRow(
                user_id=user.user.id,
                token_digest=token_digest(token),
                created_at=datetime.now(UTC),
                expires_at=expires_at,
            )
        )
        await session.commit()
    return token, expires_at


async def test_a_socket_closes_when_its_session_expires(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    user = await factories.user(deps)
    token, expires_at = await short_session(deps, user, seconds=3)
    diary = await factories.online_practitioner(deps)
    start = factories.slot_start()
    window = {
        "p": diary.practitioner_id,
        "from": (start - timedelta(hours=1)).isoformat(),
        "to": (start + timedelta(hours=1)).isoformat(),
    }
    async with LiveSocket(server.ws_url, token) as socket:
        await socket.subscribe(SLOT_CHANGES, window)

        code, heard = await closed_with(socket, timeout=3 + 5)
        closed_at = datetime.now(UTC)

    assert (code, heard) == (SESSION_ENDED, [])
    assert expires_at <= closed_at <= expires_at + timedelta(seconds=5)


async def test_a_socket_of_another_session_of_the_same_user_stays_open(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    c = await clinic(deps)
    visit = (await book(server_gql, c, factories.slot_start(days=3)))["id"]
    other = (await server_gql(LOGIN, {"e": c.user.user.email}))["login"]["token"]
    async with LiveSocket(server.ws_url, c.user.token) as socket:
        await streaming(socket, server_gql, c, visit)

        await server_gql("mutation { logout }", token=other)
        await server_gql(STAFF_CANCEL, {"id": visit}, token=c.desk.token)

        status = None
        while status != "CANCELLED":
            status = (await socket.next_data())["myAppointmentUpdates"]["visitStatus"]
    assert status == "CANCELLED"


async def test_a_socket_whose_session_ended_unannounced_cannot_subscribe_again(
    server: ServerProcess, deps: Deps
) -> None:
    """Announcements are best-effort: a subscribe on a socket whose session the database
    no longer holds live closes it (4401) even when no process was told."""
    user = await factories.user(deps)
    diary = await factories.online_practitioner(deps)
    start = factories.slot_start()
    window = {
        "p": diary.practitioner_id,
        "from": (start - timedelta(hours=1)).isoformat(),
        "to": (start + timedelta(hours=1)).isoformat(),
    }
    async with LiveSocket(server.ws_url, user.token) as socket:
        async with deps.database.writer() as session:
            await session.execute(
                update(AuthTokenRow)
                .where(AuthTokenRow.token_digest == token_digest(user.token))
                .values(revoked_at=datetime.now(UTC))
            )
            await session.commit()

        await socket.subscribe(SLOT_CHANGES, window)
        code, heard = await closed_with(socket)

    assert (code, heard) == (SESSION_ENDED, [])


async def test_disabling_a_user_closes_their_socket(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    c = await clinic(deps)
    visit = (await book(server_gql, c, factories.slot_start(days=3)))["id"]
    async with LiveSocket(server.ws_url, c.user.token) as socket:
        await streaming(socket, server_gql, c, visit)
        disable = "mutation($u: ID!) { disableUser(userId: $u) { __typename } }"
        await server_gql(disable, {"u": c.user.id}, token=c.desk.token)
        assert await after_the_end(socket, server_gql, c, visit) == []
