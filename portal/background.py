"""Tasks every server process runs beside the API: the hold sweeper and the mail sender."""

from __future__ import annotations

import asyncio
import logging

from portal.mailer import FolderMailer, SmtpMailer
from resolvers.booking.sweep_holds import sweep_lapsed_holds
from resolvers.deps import Deps
from resolvers.mail.deliver import Mailer, deliver_due

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
