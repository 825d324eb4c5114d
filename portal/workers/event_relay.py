"""The event relay: forgets the staged events this process relayed, and relays those a
dead process (or an absent feed) left behind."""

from __future__ import annotations

import asyncio
import logging

from portal.workers.worker import WorkerDeps
from resolvers.live.relay import forget_relayed, relay_left_behind

log = logging.getLogger(__name__)


async def relay_events(around: WorkerDeps) -> None:
    deps, every = around.deps, around.settings.event_relay_seconds
    while True:
        try:
            await forget_relayed(deps)
            if rescued := await relay_left_behind(deps):
                log.info("Relayed %d live events another process left behind", rescued)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Relaying staged live events failed; trying again")
        await asyncio.sleep(every)
