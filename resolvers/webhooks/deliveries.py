"""webhookDeliveries, redeliverWebhook and sendTestWebhook: an endpoint's delivery log,
one delivery sent again, and a test event on request."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.actors import Actor
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.policy import may_manage_webhook_endpoint, require_webhook_manager
from domain.throttling import Charge
from domain.validation import parse_id
from domain.webhook_events import webhook_test
from domain.webhooks import SENDS_PER_ENDPOINT, DeliveryStatus, endpoint_subject
from persistence.models import WebhookDeliveryRow
from resolvers.attempts import limit
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork
from resolvers.webhooks.endpoints import own_endpoint
from resolvers.webhooks.staging import delivery_row

DEFAULT_PAGE = 20
MAX_PAGE = 100
_CURSOR = "delivery:"


@dataclass(frozen=True)
class DeliveryPage:
    rows: Sequence[WebhookDeliveryRow]
    has_next: bool
    has_previous: bool


def cursor_of(delivery_id: int) -> str:
    """Opaque to clients: they pass it back as `after`, never build one."""
    return base64.urlsafe_b64encode(f"{_CURSOR}{delivery_id}".encode()).decode().rstrip("=")


def _after(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput("This is not a cursor from this list.", "after") from None
    if not text.startswith(_CURSOR):
        raise InvalidInput("This is not a cursor from this list.", "after")
    return parse_id(text.removeprefix(_CURSOR), "after")


async def webhook_deliveries(
    deps: Deps,
    actor: Actor | None,
    *,
    endpoint_id: str,
    first: int | None = DEFAULT_PAGE,
    after: str | None = None,
) -> DeliveryPage:
    """Newest first, `first` at a time (at most 100)."""
    actor = require_webhook_manager(actor)
    key = parse_id(endpoint_id, "endpointId")
    size = DEFAULT_PAGE if first is None else first
    if size < 0:
        raise InvalidInput("first cannot be negative.", "first")
    size = min(size, MAX_PAGE)
    before = _after(after) if after is not None else None
    async with UnitOfWork(deps, write=False) as uow:
        await own_endpoint(uow, actor, key)
        rows = await uow.webhooks.deliveries_page(key, before, size + 1)
    return DeliveryPage(rows[:size], len(rows) > size, before is not None)


async def redeliver_webhook(
    deps: Deps, actor: Actor | None, *, delivery_id: str
) -> WebhookDeliveryRow:
    """The same message (same `webhook-id`, same body) once more, as a new delivery."""
    actor = require_webhook_manager(actor)
    key = parse_id(delivery_id, "deliveryId")
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        original = await uow.webhooks.get_delivery(key)
        endpoint = await uow.webhooks.get_endpoint(original.endpoint_id) if original else None
        if (
            original is None
            or endpoint is None
            or not may_manage_webhook_endpoint(actor, endpoint.owner_client_id)
        ):
            raise NotFound("No such webhook delivery.")
        _require_enabled(endpoint.enabled)
        await limit(deps, Charge(SENDS_PER_ENDPOINT, endpoint_subject(endpoint.id)))
        row = WebhookDeliveryRow(
            endpoint_id=endpoint.id,
            message_id=original.message_id,
            event_type=original.event_type,
            payload=original.payload,
            created_at=now,
            status=DeliveryStatus.PENDING.value,
            next_attempt_at=now,
            attempts=0,
        )
        uow.webhooks.add_delivery(row)
        await uow.commit()
    deps.webhooks_written.set()
    return row


async def send_test_webhook(
    deps: Deps, actor: Actor | None, *, endpoint_id: str
) -> WebhookDeliveryRow:
    """A `webhook.test` event to this endpoint only, through the same sender and log."""
    actor = require_webhook_manager(actor)
    key = parse_id(endpoint_id, "endpointId")
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        endpoint = await own_endpoint(uow, actor, key)
        _require_enabled(endpoint.enabled)
        await limit(deps, Charge(SENDS_PER_ENDPOINT, endpoint_subject(endpoint.id)))
        zone = ZoneInfo((await uow.clinic.get()).time_zone)
        row = delivery_row(endpoint.id, webhook_test(endpoint.id, now), zone, now)
        uow.webhooks.add_delivery(row)
        await uow.commit()
    deps.webhooks_written.set()
    return row


def _require_enabled(enabled: bool) -> None:
    if not enabled:
        raise NotAllowed("This endpoint is disabled; enable it first.")
