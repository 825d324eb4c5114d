"""The waitlist worker: offers freed times to those in line, every second and at once
when this process commits a freed time."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from portal.workers.worker import WorkerDeps
from resolvers.waitlist.offers import make_offers

log = logging.getLogger(__name__)


async def offer_freed_times(around: WorkerDeps) -> None:
    deps, every = around.deps, around.settings.waitlist_seconds
    while True:
        deps.waitlist_wake.clear()
        try:
            if placed := await make_offers(deps):
                log.info("Placed %d waitlist offers", placed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Making waitlist offers failed; trying again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(deps.waitlist_wake.wait(), every)
