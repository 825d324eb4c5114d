"""A partner against a real server: a token from /oauth/token over HTTP, then
`slotChanges` on a websocket while its scopes allow, and the socket closed once staff
revoke the client."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import httpx

from portal.demo import load_demo_data
from resolvers.deps import Deps
from tests import factories
from tests.api.partners import CREATE
from tests.live.test_client_examples import run_example
from tests.live.test_session_sockets import SESSION_ENDED, SLOT_CHANGES, closed_with
from tests.support import GraphQL, LiveSocket, ServerProcess

BOOK = """
mutation Book($patientId: ID!, $practitionerId: ID!, $serviceId: ID!, $start: DateTime!) {
  bookAppointment(patientId: $patientId, practitionerId: $practitionerId, serviceId: $serviceId, start: $start) {
    __typename
  }
}
"""
REVOKE = "mutation($id: ID!) { revokeApiClient(id: $id) { __typename } }"


async def token_for(
    server: ServerProcess, gql: GraphQL, staff: str, *scopes: str
) -> tuple[str, str]:
    made = (await gql(CREATE, {"name": "Hub", "scopes": list(scopes)}, token=staff))[
        "createApiClient"
    ]
    client_id, secret = made["client"]["id"], made["clientSecret"]
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return client_id, response.json()["access_token"]


async def refusal(socket: LiveSocket, op: str) -> str:
    """The code of the error a subscription was answered with instead of data."""
    answer = await socket.receive()
    while answer.get("type") == "complete":  # the end of an earlier refused one
        answer = await socket.receive()
    assert answer["id"] == op, answer
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    return str(errors[0]["extensions"]["code"])


async def test_a_partner_hears_slot_changes_only_with_availability_read_until_revoked(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps)
    reader_id, reader = await token_for(server, server_gql, desk.token, "availability:read")
    _, other = await token_for(server, server_gql, desk.token, "appointments:read")
    start = factories.slot_start(days=3)
    window = {
        "p": diary.practitioner_id,
        "from": (start - timedelta(hours=1)).isoformat(),
        "to": (start + timedelta(hours=1)).isoformat(),
    }

    async with LiveSocket(server.ws_url, other) as refused:
        for query, variables in (
            (SLOT_CHANGES, window),
            ("subscription { myAppointmentUpdates { id } }", {}),
            ("subscription { staffNotifications { kind } }", {}),
        ):
            op = await refused.subscribe(query, variables)
            assert await refusal(refused, op) == "NOT_ALLOWED"

    async with LiveSocket(server.ws_url, reader) as socket:
        await socket.subscribe(SLOT_CHANGES, window)
        booked = await server_gql(
            BOOK,
            {
                "patientId": str(anna.id),
                "practitionerId": diary.practitioner_id,
                "serviceId": diary.service_id,
                "start": start.isoformat(),
            },
            token=desk.token,
        )
        assert booked["bookAppointment"]["__typename"] == "Appointment"
        assert (await socket.next_data())["slotChanges"]["state"] == "BOOKED"

        await server_gql(REVOKE, {"id": reader_id}, token=desk.token)

        code, _ = await closed_with(socket)
        assert code == SESSION_ENDED


async def test_the_partner_example_gets_a_token_and_pages_through_appointments(
    server: ServerProcess, deps: Deps
) -> None:
    await load_demo_data(deps)

    example = await run_example("partner.py", server, "pages")
    printed, _ = await asyncio.wait_for(example.communicate(), 60)

    said = printed.decode()
    assert example.returncode == 0, said
    assert "Staff created API client" in said
    assert "Signed in as API client" in said
    assert said.rstrip().endswith("0 appointments in all."), said


async def test_the_fhir_partner_example_finds_holds_and_books_for_a_patient(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    await load_demo_data(deps)  # the demo clinic approves requests

    booking = await run_example("fhir_partner.py", server, "--days", "14")
    booked, _ = await asyncio.wait_for(booking.communicate(), 60)
    releasing = await run_example("fhir_partner.py", server, "--days", "14", "--release")
    released, _ = await asyncio.wait_for(releasing.communicate(), 60)

    said = booked.decode()
    assert booking.returncode == 0, said
    assert "with availability:read appointments:write patients:read" in said
    held = re.search(r"Held Appointment/(\d+) at ", said)
    assert held, said
    assert f"Appointment/{held[1]} is pending: requested; the clinic confirms it." in said
    desk = await factories.staff(deps)
    visit = await server_gql(
        "query($id: ID!) { appointment(id: $id) { status patient { name } } }",
        {"id": held[1]},
        token=desk.token,
    )
    assert visit["appointment"] == {"status": "REQUESTED", "patient": {"name": "Anna Schmidt"}}
    assert releasing.returncode == 0, released.decode()
    assert "is cancelled: given back; the time is free again." in released.decode()
