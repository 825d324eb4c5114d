"""A change published for the patient and for the user reaches their portal once."""

from __future__ import annotations

import asyncio
from datetime import datetime

from resolvers.deps import Deps
from subscriptions.events import AppointmentChanged, patient_channel, user_channel
from subscriptions.hub import Hub, Subscriber
from tests import factories
from tests.api.test_holds import RELEASE, REQUEST, hold
from tests.support import GraphQL, LiveSocket, ServerProcess

MY_UPDATES = "subscription { myAppointmentUpdates { id status } }"


async def held_and_heard(
    gql: GraphQL,
    portal: LiveSocket,
    diary: factories.Diary,
    start: datetime,
    token: str,
    attempts: int = 20,
) -> str:
    """Hold the slot until the portal hears of the hold, so its subscription is known to
    be listening; a hold made before it was is released and made again."""
    for _ in range(attempts):
        held = (await hold(gql, diary, start, token))["appointment"]["id"]
        try:
            while (await portal.next_data(timeout=1))["myAppointmentUpdates"]["id"] != held:
                pass  # news of an earlier, released hold arriving late
        except TimeoutError:
            await gql(RELEASE, {"id": held}, token=token)  # released holds are not shown
            continue
        return held
    raise AssertionError("the portal never heard of a hold")


async def test_a_request_reaches_the_portal_of_a_user_managing_the_patient_once(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    await factories.set_clinic(deps, approval_required=True)
    diary = await factories.online_practitioner(deps)
    anna = await factories.patient(deps, name="Anna Schmidt")
    user = await factories.user(deps, patients=(anna,))
    async with LiveSocket(server.ws_url, user.token) as portal:
        await portal.subscribe(MY_UPDATES)
        first = await held_and_heard(
            server_gql, portal, diary, factories.slot_start(hour=10), user.token
        )

        # Announced on Anna's channel and on the user's: the portal listens on both.
        await server_gql(REQUEST, {"id": first, "patientId": str(anna.id)}, token=user.token)
        assert (await portal.next_data())["myAppointmentUpdates"] == {
            "id": first,
            "status": "REQUESTED",
        }

        second = await hold(server_gql, diary, factories.slot_start(hour=11), user.token)
        # The next message is the next change: no second copy of the request came between.
        assert (await portal.next_data())["myAppointmentUpdates"] == {
            "id": second["appointment"]["id"],
            "status": "TEMPORARY",
        }


async def test_one_subscription_on_two_channels_gets_an_event_published_on_both_once() -> None:
    hub = Hub("memory://", prefix="clinic")
    await hub.connect()
    try:
        async with (
            hub.listen([patient_channel(3), user_channel(5)]) as portal,
            hub.listen([patient_channel(3)]) as other_carer,
        ):
            await hub.publish_events(
                [AppointmentChanged(7, patient_id=3, user_id=5), AppointmentChanged(8, None, 5)]
            )

            async def next_id(subscriber: Subscriber) -> int:
                message = await asyncio.wait_for(anext(subscriber), 1)
                return AppointmentChanged.from_json(message.message).appointment_id

            assert [await next_id(portal), await next_id(portal)] == [7, 8]
            assert await next_id(other_carer) == 7
    finally:
        await hub.disconnect()
