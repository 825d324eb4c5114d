"""Turning what a use case did into webhook deliveries, inside its own transaction.

The one place partners' events are made: from the events the use case staged for live
subscribers (an appointment changed, a registration arrived) and the facts only partners
hear of (`uow.tell_partners`: a merge, a link). Each subscribed endpoint gets one
delivery row, written before the commit, so a rolled-back change sends nothing and a
committed one is never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.webhook_events import PartnerEvent, appointment_events, registration_created
from domain.webhooks import DeliveryStatus, new_message_id
from persistence.models import WebhookDeliveryRow
from persistence.read_cache import WEBHOOK_ENDPOINTS, ReadCache
from persistence.unit_of_work import SqlUnitOfWork
from subscriptions.events import AppointmentChanged, Event, StaffNotificationKind, StaffNotified


def concerns_partners(events: Sequence[Event], facts: Sequence[PartnerEvent]) -> bool:
    """Whether anything staged could be a partner's event (else not even a read)."""
    return bool(facts) or any(
        isinstance(e, AppointmentChanged)
        or (isinstance(e, StaffNotified) and e.kind is StaffNotificationKind.NEW_REGISTRATION)
        for e in events
    )


async def stage_deliveries(
    uow: SqlUnitOfWork,
    events: Sequence[Event],
    facts: Sequence[PartnerEvent],
    now: datetime,
    reads: ReadCache | None = None,
) -> int:
    """Write a delivery for each subscribed endpoint of each partner event; how many.
    The enabled endpoints come from `reads` when this process keeps them."""
    if not concerns_partners(events, facts):
        return 0

    async def fill() -> Sequence[tuple[int, str]]:
        return await uow.webhooks.subscribed()

    endpoints = await (
        reads.read(("webhooks",), WEBHOOK_ENDPOINTS, fill) if reads is not None else fill()
    )
    subscribed = [(endpoint_id, set(types.split(","))) for endpoint_id, types in endpoints]
    if not subscribed:
        return 0
    found = [*await _appointment_events(uow, events, now), *facts]
    found += [
        registration_created(e.patient_id, e.at)
        for e in events
        if isinstance(e, StaffNotified)
        and e.kind is StaffNotificationKind.NEW_REGISTRATION
        and e.patient_id is not None
    ]
    if not found:
        return 0
    zone = ZoneInfo((await uow.clinic.get()).time_zone)
    written = 0
    for event in found:
        for endpoint_id, types in subscribed:
            if event.type.value in types:
                uow.webhooks.add_delivery(delivery_row(endpoint_id, event, zone, now))
                written += 1
    return written


def delivery_row(
    endpoint_id: int, event: PartnerEvent, zone: ZoneInfo, now: datetime
) -> WebhookDeliveryRow:
    return WebhookDeliveryRow(
        endpoint_id=endpoint_id,
        message_id=new_message_id(),
        event_type=event.type.value,
        payload=event.payload(zone),
        created_at=now,
        status=DeliveryStatus.PENDING.value,
        next_attempt_at=now,
        attempts=0,
    )


async def _appointment_events(
    uow: SqlUnitOfWork, events: Sequence[Event], now: datetime
) -> list[PartnerEvent]:
    ids = list(dict.fromkeys(e.appointment_id for e in events if isinstance(e, AppointmentChanged)))
    if not ids:
        return []
    before = {i: uow.webhooks.appointment_before(i) for i in ids}
    found = []
    for state in await uow.webhooks.appointment_states(ids):
        after = (state.status, state.response)
        for kind in appointment_events(before[state.appointment_id], after):
            found.append(PartnerEvent(kind, now, state.data()))
    return found
