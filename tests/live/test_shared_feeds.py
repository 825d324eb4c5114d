"""Many sockets asking the same public subscription share one computation of each event,
and sharing never carries to a socket what it may not see."""

from __future__ import annotations

import httpx

from resolvers.deps import Deps
from tests import factories
from tests.api.test_holds import hold
from tests.live.test_live_slots import SLOT_CHANGES, next_change, window
from tests.live.test_staff_panel import STAFF_NOTIFICATIONS, request_through
from tests.support import GraphQL, LiveSocket, ServerProcess


async def shared_feeds(server: ServerProcess) -> int:
    async with httpx.AsyncClient(base_url=server.url) as client:
        return int((await client.get("/health")).json()["sharedFeeds"])


async def test_sockets_watching_the_same_slots_share_one_feed_and_each_hears_every_change(
    server: ServerProcess, server_gql: GraphQL, deps: Deps
) -> None:
    diary = await factories.online_practitioner(deps)
    anna, ben, cleo = [await factories.user(deps) for _ in range(3)]
    start = factories.slot_start()
    elsewhere = factories.slot_start(hour=15)
    async with (
        LiveSocket(server.ws_url) as first,
        LiveSocket(server.ws_url) as second,
        LiveSocket(server.ws_url, anna.token) as signed_in,
        LiveSocket(server.ws_url) as other_window,
    ):
        for socket in (first, second, signed_in):
            await socket.subscribe(SLOT_CHANGES, window(diary, start))
        await other_window.subscribe(SLOT_CHANGES, window(diary, elsewhere))
        # One feed per distinct (document, variables): two here.
        assert await shared_feeds(server) == 2

        await hold(server_gql, diary, start, ben.token)
        for socket in (first, second, signed_in):
            assert await next_change(socket) == (start, "HELD")

        # One member leaving ends nothing for the others.
        await first.send({"id": "1", "type": "complete"})
        await hold(server_gql, diary, elsewhere, ben.token)
        assert await next_change(other_window) == (elsewhere, "HELD")
        later = factories.slot_start(hour=10, minute=30)
        assert (await hold(server_gql, diary, later, cleo.token))["__typename"] == "Hold"
        for socket in (second, signed_in):
            assert await next_change(socket) == (later, "HELD")


async def test_a_subscription_for_staff_is_never_shared_with_a_socket_that_may_not_see_it(
    server: ServerProcess, deps: Deps
) -> None:
    desk = await factories.staff(deps)
    async with (
        LiveSocket(server.ws_url, desk.token) as panel,
        LiveSocket(server.ws_url) as stranger,
    ):
        await panel.subscribe(STAFF_NOTIFICATIONS)
        await stranger.subscribe(STAFF_NOTIFICATIONS)
        refusal = await stranger.receive()
        errors = refusal["payload"] if refusal["type"] == "error" else refusal["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "NOT_ALLOWED"
        assert await shared_feeds(server) == 0

        appointment_id, _ = await request_through(server.url, deps)

        notice = (await panel.next_data())["staffNotifications"]
        assert notice["appointment"]["id"] == appointment_id
