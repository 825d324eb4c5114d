"""The hub's promises to each socket: bounded memory, and never silently deaf."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from subscriptions.events import SlotChanged, SlotState
from subscriptions.hub import Hub, SubscriptionEnded
from subscriptions.redis_backend import INTERRUPTED

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


async def test_a_subscriber_too_slow_to_keep_up_is_ended_instead_of_growing_without_bound() -> None:
    hub = Hub("memory://", queue_size=10)
    await hub.connect()
    try:
        async with (
            hub.listen(["slow"]) as slow,
            hub.listen(["slow"]) as keeping_up,
            hub.listen(["done"]) as witness,
        ):
            for n in range(25):
                await hub.publish("slow", str(n))
                if n < 5:
                    assert (await asyncio.wait_for(keeping_up.__anext__(), 1)).message == str(n)
            await hub.publish("done", "")
            # One listener hands events out in order: "done" comes after all 25.
            assert (await asyncio.wait_for(witness.__anext__(), 1)).channel == "done"

            with pytest.raises(SubscriptionEnded, match="too far behind"):
                await asyncio.wait_for(slow.__anext__(), 1)
    finally:
        await hub.disconnect()


async def test_one_queue_hears_every_channel_it_listens_on() -> None:
    hub = Hub("memory://")
    await hub.connect()
    try:
        async with hub.listen(["a", "b"]) as subscriber:
            await hub.publish("b", "from b")
            await hub.publish("a", "from a")
            got = [(await asyncio.wait_for(subscriber.__anext__(), 1)).message for _ in range(2)]
        assert got == ["from b", "from a"]
    finally:
        await hub.disconnect()


async def test_an_interruption_ends_every_subscription_with_a_reason() -> None:
    hub = Hub("memory://")
    await hub.connect()
    try:
        async with hub.listen(["x"]) as first, hub.listen(["y"]) as second:
            await hub._backend.subscribe(INTERRUPTED)
            await hub.publish(INTERRUPTED, "")
            for subscriber in (first, second):
                with pytest.raises(SubscriptionEnded, match="interrupted"):
                    await asyncio.wait_for(subscriber.__anext__(), 1)
    finally:
        await hub.disconnect()


async def test_a_subscriber_counts_only_once_the_backend_has_subscribed_all_its_channels() -> None:
    hub = Hub("memory://")
    await hub.connect()
    subscribe_at_backend = hub._backend.subscribe
    asked: list[str] = []
    asked_for_b, let_b_through = asyncio.Event(), asyncio.Event()

    async def slow_on_b(channel: str) -> None:
        asked.append(channel)
        if channel == "b":
            asked_for_b.set()
            await let_b_through.wait()
        await subscribe_at_backend(channel)

    hub._backend.subscribe = slow_on_b  # type: ignore[method-assign]
    try:
        inside = asyncio.Event()

        async def listen() -> None:
            async with hub.listen(["a", "b"]):
                inside.set()
                await asyncio.Event().wait()

        listener = asyncio.create_task(listen())
        await asyncio.wait_for(asked_for_b.wait(), 1)
        assert (hub.subscriber_count(), hub.subscriptions_started) == (0, 0)

        let_b_through.set()
        await asyncio.wait_for(inside.wait(), 1)
        assert (hub.subscriber_count(), hub.subscriptions_started) == (1, 1)
        assert asked == ["a", "b"]

        listener.cancel()
        with pytest.raises(asyncio.CancelledError):
            await listener
        assert (hub.subscriber_count(), hub.subscriptions_started) == (0, 1)
    finally:
        await hub.disconnect()


@pytest.mark.parametrize("missed", [5, 6])
async def test_a_subscriber_away_for_more_than_a_resume_may_read_is_told_to_resync(
    missed: int,
) -> None:
    """A resubscribe costs a bounded read of the history: past `replay_read_limit`
    entries after its cursor, the subscriber re-reads instead."""
    hub = Hub("memory://", replay_read_limit=5)
    await hub.connect()
    try:
        async with hub.listen(["portal.slots.1"]) as first:
            await hub.publish_events([SlotChanged(1, START, START, SlotState.HELD)])
            seen = await asyncio.wait_for(first.__anext__(), 1)
        await hub.publish_events([SlotChanged(1, START, START, SlotState.FREE)] * missed)

        async with hub.listen(["portal.slots.1"], since=seen.position) as resumed:
            told = resumed.resync_required
            replayed = (
                []
                if told
                else [await asyncio.wait_for(resumed.__anext__(), 1) for _ in range(missed)]
            )
    finally:
        await hub.disconnect()

    assert told is (missed > 5)
    assert len(replayed) == (0 if told else missed)
