"""The webhook sender every server process runs: claim due deliveries, send them, write
how each went; failures are tried again with growing waits, and an endpoint failing for
three days is disabled and the clinic told. Whatever goes wrong in one delivery's
attempt is that delivery's failure alone, never its batch's."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from domain import messages
from domain.webhooks import (
    DeliveryStatus,
    Outcome,
    gave_up,
    next_attempt,
    outcome_of,
    parse_retry_after,
    readable,
    should_disable,
)
from persistence.repositories.webhooks import Claimed
from resolvers.deps import Deps
from resolvers.mail.notices import clinic_recipient
from resolvers.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

BATCH = 50
#: Attempts of one batch in flight at once.
CONCURRENCY = 16
DISABLED_REASON = "Every delivery failed for three days."


@dataclass(frozen=True)
class Signed:
    """What the sender signs and posts."""

    url: str
    message_id: str
    payload: str
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class Attempt:
    """How one attempt went: the status code (None: no answer) and how long it took."""

    status_code: int | None
    retry_after: str | None
    error: str | None
    duration_ms: int


class Sender(Protocol):
    async def send(self, message: Signed) -> Attempt: ...


def claim_for(deps: Deps) -> timedelta:
    """Long enough for a whole batch; a sender that dies leaves it to expire."""
    waves = -(-BATCH // CONCURRENCY)
    return timedelta(seconds=deps.settings.webhook_timeout_seconds * (waves + 1) + 30)


async def deliver_due(deps: Deps, sender: Sender) -> int:
    """Send what is due now; how many deliveries were attempted.

    The claim is one UPDATE (rows another sender holds are skipped), so two processes
    never send the same delivery at once; results are written under the claim.
    """
    now = deps.now()
    async with UnitOfWork(deps, write=False) as uow:
        if not await uow.webhooks.anything_due(now):
            return 0
    claim = now + claim_for(deps)
    async with UnitOfWork(deps) as uow:
        claimed = await uow.webhooks.claim_due(now, claim, BATCH)
        await uow.commit()
    if not claimed:
        return 0
    gate = asyncio.Semaphore(CONCURRENCY)

    async def attempt(c: Claimed) -> Attempt:
        async with gate:
            return await _isolated(sender, c)

    attempts = await asyncio.gather(*(attempt(c) for c in claimed))
    await _record(deps, list(zip(claimed, attempts, strict=True)), claim)
    return len(claimed)


async def _isolated(sender: Sender, claimed: Claimed) -> Attempt:
    """One delivery's attempt, whatever happens in it: an unexpected fault is that
    delivery's failed attempt (tried again by the usual rules), never the batch's."""
    started = time.monotonic()
    try:
        return await sender.send(
            Signed(claimed.url, claimed.message_id, claimed.payload, claimed.secrets)
        )
    except asyncio.CancelledError:
        raise
    except Exception as error:
        # One line, with where it was raised but not what it said (it may carry the URL).
        kind = f"{type(error).__module__}.{type(error).__qualname__}".removeprefix("builtins.")
        where = traceback.extract_tb(error.__traceback__)[-1]
        log.error(
            "Webhook %s (delivery %s) to endpoint %s not sent: unexpected %s at %s:%s",
            claimed.message_id,
            claimed.delivery_id,
            claimed.endpoint_id,
            kind,
            Path(where.filename).name,
            where.lineno,
        )
        duration = int((time.monotonic() - started) * 1000)
        return Attempt(None, None, f"not sent: unexpected {kind}", duration)


async def _record(deps: Deps, results: list[tuple[Claimed, Attempt]], claim: datetime) -> None:
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        succeeded: list[int] = []
        failed: set[int] = set()
        for claimed, attempt in results:
            outcome = outcome_of(attempt.status_code)
            status, retry_at = DeliveryStatus.PENDING, None
            if outcome is Outcome.DELIVERED:
                status = DeliveryStatus.DELIVERED
                succeeded.append(claimed.endpoint_id)
            elif outcome is Outcome.GIVE_UP or gave_up(claimed.created_at, now):
                status = DeliveryStatus.FAILED
            else:
                wait = parse_retry_after(attempt.retry_after, now)
                retry_at = next_attempt(claimed.attempts, now, wait)
            if outcome is not Outcome.DELIVERED:
                failed.add(claimed.endpoint_id)
                log.info(
                    "Webhook %s to endpoint %s not delivered (attempt %d): %s",
                    claimed.message_id,
                    claimed.endpoint_id,
                    claimed.attempts,
                    readable(attempt.error) or attempt.status_code,
                )
            await uow.webhooks.record_attempt(
                claimed.delivery_id,
                claim,
                status=status,
                attempted_at=now,
                next_attempt_at=retry_at,
                status_code=attempt.status_code,
                duration_ms=attempt.duration_ms,
                error=readable(attempt.error),
            )
        await uow.webhooks.note_success(succeeded)
        for endpoint_id in failed - set(succeeded):
            await _note_failure(uow, endpoint_id, now)
        await uow.commit()


async def _note_failure(uow: UnitOfWork, endpoint_id: int, now: datetime) -> None:
    """Three days of nothing but failures disable the endpoint; the clinic is emailed
    once (only the sender that disabled it writes the email)."""
    since = await uow.webhooks.note_failure(endpoint_id, now)
    if since is None or not should_disable(since, now):
        return
    if not await uow.webhooks.disable_if_enabled(endpoint_id, now, DISABLED_REASON):
        return
    endpoint = await uow.webhooks.get_endpoint(endpoint_id)
    clinic = await uow.clinic.get()
    log.warning("Webhook endpoint %s disabled: failing since %s", endpoint_id, since)
    inbox = clinic_recipient(clinic)
    if endpoint is not None and inbox is not None:
        email = messages.webhook_endpoint_disabled(
            inbox, clinic.name, endpoint_id, endpoint.url, since, ZoneInfo(clinic.time_zone)
        )
        uow.mail(email, now)
