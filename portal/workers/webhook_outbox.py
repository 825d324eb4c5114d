"""The webhook sender: delivers due webhooks, at once when this process committed some."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from portal.settings import Settings, settings_of
from portal.workers.webhook_sender import HttpSender
from portal.workers.worker import WorkerDeps
from resolvers.deps import Deps
from resolvers.webhooks import deliver as webhooks

log = logging.getLogger(__name__)


def webhook_sender_for(settings: Settings) -> HttpSender:
    return HttpSender(
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_loopback=settings.webhooks_reach_loopback,
        allow_http=settings.webhooks_over_http,
    )


async def send_webhooks_forever(deps: Deps, sender: HttpSender) -> None:
    """Deliver due webhooks; between rounds wait for the poll interval, or less when this
    process has just committed deliveries."""
    poll_seconds = settings_of(deps).webhook_poll_seconds
    try:
        while True:
            # Cleared before looking, so a commit made meanwhile still wakes the wait.
            deps.webhooks_written.clear()
            try:
                sent = await webhooks.deliver_due(deps, sender)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Webhook delivery failed; trying again")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(deps.webhooks_written.wait(), poll_seconds)
    finally:
        await sender.aclose()


async def send_webhooks(around: WorkerDeps) -> None:
    await send_webhooks_forever(around.deps, webhook_sender_for(around.settings))
