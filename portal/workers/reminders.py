"""The reminder worker: emails the visit reminders due, every so often."""

from __future__ import annotations

import asyncio
import logging

from portal.workers.worker import WorkerDeps
from resolvers.visits.reminders import send_due_reminders

log = logging.getLogger(__name__)


async def send_reminders(around: WorkerDeps) -> None:
    deps, every = around.deps, around.settings.reminder_seconds
    while True:
        try:
            if sent := await send_due_reminders(deps):
                log.info("Sent %d visit reminders", sent)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Sending visit reminders failed; trying again")
        await asyncio.sleep(every)
