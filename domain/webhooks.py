"""Webhook endpoints' rules: events, descriptions, secrets, and when to try a delivery
again (URLs and addresses: `domain/webhook_urls.py`)."""

from __future__ import annotations

import base64
import random
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

from domain.errors import InvalidInput
from domain.phrases import Phrase
from domain.throttling import Budget
from domain.validation import optional_text
from domain.webhook_events import SUBSCRIBABLE

MAX_DESCRIPTION_LENGTH = 500
MAX_ENDPOINTS = 50
SECRET_PREFIX = "whsec_"

#: A delivery is tried again for this long after it was first due; an endpoint whose
#: every attempt has failed for this long is disabled.
RETRY_WINDOW = timedelta(days=3)
FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(hours=1)
#: A receiver's Retry-After is honoured up to this.
LONGEST_RETRY_AFTER = timedelta(hours=6)


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


def check_events(events: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(e.strip() for e in events))
    if not chosen:
        raise InvalidInput("Choose at least one event.", "events")
    unknown = [e for e in chosen if e not in SUBSCRIBABLE]
    if unknown:
        shown = ", ".join(e[:60] for e in unknown[:3])
        raise InvalidInput(
            Phrase("Unknown event type: {shown}. See the webhook catalogue.", shown=shown), "events"
        )
    return sorted(chosen)


def check_description(description: str | None) -> str | None:
    return optional_text(description, "description", MAX_DESCRIPTION_LENGTH)


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


class Outcome(StrEnum):
    DELIVERED = "DELIVERED"
    RETRY = "RETRY"
    GIVE_UP = "GIVE_UP"


def outcome_of(status_code: int | None) -> Outcome:
    """2xx is delivered; no answer (timeout, refused connection), 408, 429 and 5xx are
    tried again; any other answer (4xx, a redirect, which is not followed) is final."""
    if status_code is None:
        return Outcome.RETRY
    if 200 <= status_code < 300:
        return Outcome.DELIVERED
    if status_code in (408, 429) or status_code >= 500:
        return Outcome.RETRY
    return Outcome.GIVE_UP


def next_attempt(
    attempts: int,
    now: datetime,
    retry_after: timedelta | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """After `attempts` failed attempts: 5 s doubling up to an hour, with ±20 % jitter so
    that a receiver coming back is not hit by every delivery at once; a receiver's
    Retry-After (up to six hours) when it is longer."""
    base = min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_WAIT)
    jitter = (rng or random).uniform(0.8, 1.2)
    wait = base * jitter
    if retry_after is not None:
        wait = max(wait, min(retry_after, LONGEST_RETRY_AFTER))
    return now + wait


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=min(int(value), 10**7))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


MAX_REASON_LENGTH = 500


def readable(reason: str | None) -> str | None:
    """A failed attempt's reason as kept and shown: printable (no NUL, which PostgreSQL
    refuses, nor other control characters), at most 500 characters."""
    if not reason:
        return reason
    text = "".join(c if c.isprintable() else "?" for c in reason)
    return text[:MAX_REASON_LENGTH]


def gave_up(first_due: datetime, now: datetime) -> bool:
    return now - first_due >= RETRY_WINDOW


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    return failing_since is not None and now - failing_since >= RETRY_WINDOW


#: Test webhooks and redeliveries, per endpoint: each makes this server send a request.
SENDS_PER_ENDPOINT = Budget(
    "webhook-sends", "test webhooks and redeliveries", 20, 10.0, 600.0, forget_after=3600.0
)


def endpoint_subject(endpoint_id: int) -> str:
    return f"webhook-endpoint:{endpoint_id}"
