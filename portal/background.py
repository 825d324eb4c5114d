"""Tasks every server process runs beside the API: the hold sweeper, the mail sender and
the webhook sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from portal.mailer import FolderMailer, SmtpMailer
from portal.webhook_sender import HttpSender
from resolvers.booking.sweep_holds import sweep_lapsed_holds
from resolvers.deps import Deps
from resolvers.mail.deliver import Mailer, deliver_due
from resolvers.webhooks import deliver as webhooks

log = logging.getLogger(__name__)


async def sweep_forever(deps: Deps) -> None:
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
        await asyncio.sleep(deps.settings.sweep_seconds)


def mailer_for(deps: Deps) -> Mailer:
    settings = deps.settings
    return (
        SmtpMailer(settings.smtp_url) if settings.smtp_url else FolderMailer(settings.mail_folder)
    )


async def send_mail_forever(deps: Deps, mailer: Mailer) -> None:
    """Deliver the outbox; sleep only when nothing was due."""
    while True:
        try:
            sent = await deliver_due(deps, mailer)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Outbox delivery failed; trying again")
            sent = 0
        if not sent:
            await asyncio.sleep(deps.settings.mail_poll_seconds)


def webhook_sender_for(deps: Deps) -> HttpSender:
    settings = deps.settings
    return HttpSender(
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_loopback=settings.webhooks_reach_loopback,
    )


async def send_webhooks_forever(deps: Deps, sender: HttpSender) -> None:
    """Deliver due webhooks; between rounds wait for the poll interval, or less when this
    process has just committed deliveries."""
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
                    await asyncio.wait_for(
                        deps.webhooks_written.wait(), deps.settings.webhook_poll_seconds
                    )
    finally:
        await sender.aclose()
