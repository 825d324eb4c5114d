"""The hold sweeper: lapses expired holds every few seconds."""

from __future__ import annotations

import asyncio
import logging

from portal.workers.worker import WorkerDeps
from resolvers.booking.sweep_holds import sweep_lapsed_holds
from resolvers.deps import Deps

log = logging.getLogger(__name__)


async def sweep_forever(deps: Deps, every_seconds: float) -> None:
    """Lapse expired holds every few seconds. A failed sweep is logged and retried."""
    while True:
        try:
            freed = await sweep_lapsed_holds(deps)
            if freed:
                log.info("Released %d lapsed holds", freed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Hold sweep failed; trying again")
        await asyncio.sleep(every_seconds)


async def sweep_holds(around: WorkerDeps) -> None:
    await sweep_forever(around.deps, around.settings.sweep_seconds)
