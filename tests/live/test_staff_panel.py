"""The staff live panel and the patient portal hear of requests and answers as they happen."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import REQUEST, hold
from tests.api.test_requests import ACCEPT, REJECT
from tests.api.test_times import as_the_clinic_shows
from tests.support import GraphQL, LiveSocket, ServerProcess, on_redis

STAFF_NOTIFICATIONS = """
subscription { staffNotifications { kind at appointment { id status note patient { name } } patient { name provisional } } }
"""
MY_UPDATES = "subscription { myAppointmentUpdates { id status rejectionReason } }"
REGISTER = 'mutation($email: String!) { register(email: $email, password: "long enough", name: "Newcomer") { ... on SignIn { token user { patients { id } } } } }'


async def request_through(url: str, deps: Deps) -> tuple[str, factories.SignedInUser]:
    await factories.set_clinic(deps, approval_required=True)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    user = await factories.user(deps, patients=(anna,))
    async with httpx.AsyncClient(base_url=url) as client:
        gql = GraphQL(client)
        held = await hold(gql, diary, factories.slot_start(), user.token)
        done = (
            await gql(
                REQUEST,
                {"id": held["appointment"]["id"], "patientId": str(anna.id), "note": "Shoulder"},
                token=user.token,
            )
        )["request"]
    return done["id"], user


async def test_the_staff_panel_hears_a_new_request_live(server: ServerProcess, deps: Deps) -> None:
    desk = await factories.staff(deps)
    async with LiveSocket(server.ws_url, desk.token) as panel:
        await panel.subscribe(STAFF_NOTIFICATIONS)
        appointment_id, _ = await request_through(server.url, deps)

        notice = (await panel.next_data())["staffNotifications"]

    assert notice["kind"] == "NEW_REQUEST"
    assert notice["appointment"] == {
        "id": appointment_id,
        "status": "REQUESTED",
        "note": "Shoulder",
        "patient": {"name": "Anna Schmidt"},
    }


async def test_a_notice_is_timed_in_whole_seconds_with_the_clinic_offset(
    server: ServerProcess, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    async with LiveSocket(server.ws_url, desk.token) as panel:
        await panel.subscribe(STAFF_NOTIFICATIONS)
        await request_through(server.url, deps)

        notice = (await panel.next_data())["staffNotifications"]

    at = as_the_clinic_shows(notice["at"])  # the same format as every other time
    assert at <= datetime.now(UTC)


async def test_the_staff_panel_hears_registrations_and_provisional_bookings(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    diary = await factories.online_practitioner(deps)
    async with LiveSocket(server.ws_url, desk.token) as panel:
        await panel.subscribe(STAFF_NOTIFICATIONS)
        signed = (await server_gql(REGISTER, {"email": "newcomer@example.com"}))["register"]
        registration = (await panel.next_data())["staffNotifications"]
        held = await hold(server_gql, diary, factories.slot_start(), signed["token"])
        await server_gql(
            REQUEST,
            {"id": held["appointment"]["id"], "patientId": signed["user"]["patients"][0]["id"]},
            token=signed["token"],
        )
        booking = (await panel.next_data())["staffNotifications"]

    assert (registration["kind"], registration["patient"]) == (
        "NEW_REGISTRATION",
        {"name": "Newcomer", "provisional": True},
    )
    assert (booking["kind"], booking["appointment"]["status"]) == (
        "NEW_PROVISIONAL_BOOKING",
        "PROVISIONAL",
    )


async def test_patients_and_anonymous_sockets_cannot_listen_to_the_staff_panel(
    server: ServerProcess, deps: Deps
) -> None:
    patient = await factories.user(deps)
    for token in (None, patient.token):
        async with LiveSocket(server.ws_url, token) as socket:
            await socket.subscribe(STAFF_NOTIFICATIONS)
            message = await socket.receive()
        assert message["type"] in ("error", "next")
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["message"] in ("Sign in first.", "Only clinic staff may do this.")
        assert errors[0]["extensions"]["code"] == "NOT_ALLOWED"


async def test_a_socket_with_a_bad_token_is_refused_at_connection_init(
    server: ServerProcess,
) -> None:
    with pytest.raises(Exception) as refused:
        async with LiveSocket(server.ws_url, "not-a-token"):
            pass
    assert "4403" in str(refused.value) or "Forbidden" in str(refused.value)


async def test_the_patient_portal_hears_accept_and_reject_live(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    first_id, user = await request_through(server.url, deps)
    async with LiveSocket(server.ws_url, user.token) as portal:
        await portal.subscribe(MY_UPDATES)

        await server_gql(ACCEPT, {"id": first_id}, token=desk.token)
        accepted = (await portal.next_data())["myAppointmentUpdates"]

    assert accepted == {"id": first_id, "status": "BOOKED", "rejectionReason": None}

    diary = await factories.online_practitioner(deps, name="Second")
    anna_id = (await server_gql("{ me { patients { id } } }", token=user.token))["me"]["patients"][
        0
    ]["id"]
    held = await hold(server_gql, diary, factories.slot_start(hour=11), user.token)
    second = (
        await server_gql(
            REQUEST, {"id": held["appointment"]["id"], "patientId": anna_id}, token=user.token
        )
    )["request"]
    async with LiveSocket(server.ws_url, user.token) as portal:
        await portal.subscribe(MY_UPDATES)
        await server_gql(
            REJECT, {"id": second["id"], "reason": "On leave", "notify": False}, token=desk.token
        )
        rejected = (await portal.next_data())["myAppointmentUpdates"]
    assert rejected == {"id": second["id"], "status": "REJECTED", "rejectionReason": "On leave"}


@pytest.mark.skipif(not on_redis(), reason="cross-process updates need BROADCAST_URL=redis://")
async def test_a_panel_on_one_process_hears_a_request_made_through_the_other(
    two_servers: list[ServerProcess], deps: Deps
) -> None:
    desk = await factories.staff(deps)
    async with LiveSocket(two_servers[0].ws_url, desk.token) as panel:
        await panel.subscribe(STAFF_NOTIFICATIONS)
        appointment_id, _ = await request_through(two_servers[1].url, deps)

        notice = (await panel.next_data())["staffNotifications"]

    assert (notice["kind"], notice["appointment"]["id"]) == ("NEW_REQUEST", appointment_id)
