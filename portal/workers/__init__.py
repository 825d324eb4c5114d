"""Background workers: tasks every server process runs beside the API, each in a module
of its own, all started and cancelled by the app's lifespan from `WORKERS`.

A new worker goes here: a module with an `async def ...(around: WorkerDeps)`, and one line
in `WORKERS` below.
"""

from __future__ import annotations

from portal.workers import (
    event_relay,
    hold_sweeper,
    last_used,
    mail_outbox,
    read_cache,
    reminders,
    socket_sessions,
    waitlist_offers,
    webhook_outbox,
)
from portal.workers.worker import Worker

WORKERS: tuple[Worker, ...] = (
    Worker("mailer", mail_outbox.send_mail),
    Worker("sessions", socket_sessions.follow_ends),
    Worker("expiry", socket_sessions.close_expired),
    Worker("hold-sweeper", hold_sweeper.sweep_holds, lambda s: s.sweep_seconds > 0),
    Worker("read-cache", read_cache.follow_changes, lambda s: s.read_cache),
    Worker("webhooks", webhook_outbox.send_webhooks, lambda s: s.webhook_poll_seconds > 0),
    Worker(last_used.LAST_USED_TASK, last_used.write_last_used),
    Worker("event-relay", event_relay.relay_events, lambda s: s.event_relay_seconds > 0),
    Worker("waitlist", waitlist_offers.offer_freed_times, lambda s: s.waitlist_seconds > 0),
    Worker("reminders", reminders.send_reminders, lambda s: s.reminder_seconds > 0),
)
