"""Tasks every server process runs beside the API: the hold sweeper, the mail sender,
the webhook sender and the follower of other processes' changes (the read cache)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable

from portal.workers.mailer import FolderMailer, SmtpMailer
from portal.workers.webhook_sender import HttpSender
from resolvers.booking.sweep_holds import sweep_lapsed_holds
from resolvers.deps import Deps
from resolvers.mail.deliver import Mailer, deliver_due
from resolvers.read_cache import READS_CHANNEL
from resolvers.webhooks import deliver as webhooks
from subscriptions.hub import SubscriptionEnded

log = logging.getLogger(__name__)


async def follow_reads(deps: Deps) -> None:
    """Keep this process's read cache (`resolvers.read_cache`) only while it hears every
    process's changes: its own commits drop entries at once and are announced; other
    processes' announcements drop them here. Listening again after a lost broadcaster
    connection starts from an empty cache."""
    reads, hub = deps.reads, deps.hub
    reads.origin = secrets.token_hex(8)
    pending: set[asyncio.Task[None]] = set()

    def committed(tables: frozenset[str]) -> None:
        reads.changed(tables)
        if not reads.concerns(tables):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a connection returned outside the loop (shutdown)
            return
        task = loop.create_task(hub.publish(READS_CHANNEL, reads.announcement(tables)))
        pending.add(task)
        task.add_done_callback(_announced(pending))

    deps.database.on_commit(committed)
    while True:
        try:
            async with hub.listen([READS_CHANNEL]) as heard:
                reads.listen()
                async for event in heard:
                    reads.heard(event.message)
        except asyncio.CancelledError:
            reads.deaf()
            raise
        except SubscriptionEnded as ended:
            log.warning("Read cache off until the broadcaster is heard again (%s)", ended)
        except Exception:
            log.exception("Following other processes' changes failed; listening again")
        reads.deaf()
        await asyncio.sleep(1.0)


def _announced(pending: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
    def done(task: asyncio.Task[None]) -> None:
        pending.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            # Others may keep what changed until their entries' age limit (30 s).
            log.warning("Could not announce a change to other processes: %s", error)

    return done


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
        allow_http=settings.webhooks_over_http,
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
