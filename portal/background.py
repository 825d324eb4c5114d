"""Tasks every server process runs beside the API: the hold sweeper."""

from __future__ import annotations

import asyncio
import logging

from resolvers.holds import sweep_lapsed_holds
from resolvers.services import Services

log = logging.getLogger(__name__)


async def sweep_forever(services: Services) -> None:
    """Lapse expired holds every few seconds. A failed sweep is logged and retried."""
    while True:
        try:
            freed = await sweep_lapsed_holds(services)
            if freed:
                log.info("Released %d lapsed holds", freed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Hold sweep failed; trying again")
        await asyncio.sleep(services.settings.sweep_seconds)
