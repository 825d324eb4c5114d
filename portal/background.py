"""Tasks every server process runs beside the API: the hold sweeper and the mail sender."""

from __future__ import annotations

import asyncio
import logging

from portal.mailer import FolderMailer, SmtpMailer
from resolvers.holds import sweep_lapsed_holds
from resolvers.outbox import Mailer, deliver_due
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


def mailer_for(services: Services) -> Mailer:
    settings = services.settings
    return (
        SmtpMailer(settings.smtp_url) if settings.smtp_url else FolderMailer(settings.mail_folder)
    )


async def send_mail_forever(services: Services, mailer: Mailer) -> None:
    """Deliver the outbox; sleep only when nothing was due."""
    while True:
        try:
            sent = await deliver_due(services, mailer)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Outbox delivery failed; trying again")
            sent = 0
        if not sent:
            await asyncio.sleep(services.settings.mail_poll_seconds)
