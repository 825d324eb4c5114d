"""The read-cache follower: keeps this process's read cache while it hears every
process's changes."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable

from persistence.read_cache import READS_CHANNEL
from portal.workers.worker import WorkerDeps
from resolvers.deps import Deps
from subscriptions.hub import SubscriptionEnded

log = logging.getLogger(__name__)


async def follow_reads(deps: Deps) -> None:
    """Keep this process's read cache (`persistence.read_cache`) only while it hears every
    process's changes: its own commits drop entries at once and are announced; other
    processes' announcements drop them here. Listening again after a lost broadcaster
    connection starts from an empty cache."""
    reads, hub = deps.reads, deps.hub
    reads.origin = secrets.token_hex(8)
    pending: set[asyncio.Task[None]] = set()

    def committed(tables: frozenset[str]) -> None:
        reads.changed(tables)
        if not reads.concerns(tables):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a connection returned outside the loop (shutdown)
            return
        task = loop.create_task(hub.publish(READS_CHANNEL, reads.announcement(tables)))
        pending.add(task)
        task.add_done_callback(_announced(pending))

    deps.database.on_commit(committed)
    while True:
        try:
            async with hub.listen([READS_CHANNEL]) as heard:
                reads.listen()
                async for event in heard:
                    reads.heard(event.message)
        except asyncio.CancelledError:
            reads.deaf()
            raise
        except SubscriptionEnded as ended:
            log.warning("Read cache off until the broadcaster is heard again (%s)", ended)
        except Exception:
            log.exception("Following other processes' changes failed; listening again")
        reads.deaf()
        await asyncio.sleep(1.0)


def _announced(pending: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
    def done(task: asyncio.Task[None]) -> None:
        pending.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            # Others may keep what changed until their entries' age limit (30 s).
            log.warning("Could not announce a change to other processes: %s", error)

    return done


async def follow_changes(around: WorkerDeps) -> None:
    await follow_reads(around.deps)
