"""Relaying staged live events: forgetting what this process relayed, and relaying what
another process left behind."""

from __future__ import annotations

from datetime import timedelta

from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork, relayable

#: A staged event not relayed after this long is relayed by whichever process finds it:
#: its own process died or the feed was away (the fast path takes milliseconds).
LEFT_BEHIND_AFTER = timedelta(seconds=2)
BATCH = 500


async def forget_relayed(deps: Deps) -> int:
    """Delete the staged rows of events this process has relayed (one statement)."""
    event_ids, deps.relayed_events = sorted(deps.relayed_events), set()
    if event_ids:
        async with UnitOfWork(deps) as uow:
            await uow.events.forget(event_ids)
            await uow.commit()
    return len(event_ids)


async def hand_over(deps: Deps) -> None:
    """At shutdown: relay whatever is still staged, this process's or not (an event
    relayed twice is skipped), and forget what this process relayed."""
    await relay_left_behind(deps, after=timedelta(0))
    await forget_relayed(deps)


async def relay_left_behind(deps: Deps, after: timedelta = LEFT_BEHIND_AFTER) -> int:
    """Relay, in commit order, the events committed `after` ago or earlier and still
    staged; each is relayed once across processes (the history skips one relayed before,
    and on PostgreSQL two processes never claim the same rows)."""
    before = deps.now() - after
    async with UnitOfWork(deps, write=False) as peek:
        if not await peek.events.any_before(before):
            return 0
    async with UnitOfWork(deps) as uow:
        rows = await uow.events.left_behind(before, BATCH)
        if not rows or not await deps.hub.relay([relayable(row) for row in rows]):
            return 0
        await uow.events.forget([row.event_id for row in rows])
        await uow.commit()
    return len(rows)
