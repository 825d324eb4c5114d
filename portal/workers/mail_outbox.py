"""The mail sender: delivers the outbox by SMTP, or into a folder in development."""

from __future__ import annotations

import asyncio
import logging

from portal.settings import Settings
from portal.workers.mailer import FolderMailer, SmtpMailer
from portal.workers.worker import WorkerDeps
from resolvers.deps import Deps
from resolvers.mail.deliver import Mailer, deliver_due

log = logging.getLogger(__name__)


def mailer_for(settings: Settings) -> Mailer:
    return (
        SmtpMailer(settings.smtp_url) if settings.smtp_url else FolderMailer(settings.mail_folder)
    )


async def send_mail_forever(deps: Deps, mailer: Mailer, poll_seconds: float) -> None:
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
            await asyncio.sleep(poll_seconds)


async def send_mail(around: WorkerDeps) -> None:
    settings = around.settings
    await send_mail_forever(around.deps, mailer_for(settings), settings.mail_poll_seconds)
