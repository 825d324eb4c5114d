"""Webhook endpoints and their deliveries: written with the change they tell of,
claimed by one sender at a time, and the log of each delivery's attempts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.appointments import AppointmentStatus, PatientResponse
from domain.webhook_events import AppointmentState
from domain.webhooks import DeliveryStatus
from persistence.loaded_state import as_loaded
from persistence.models import AppointmentRow, WebhookDeliveryRow, WebhookEndpointRow

PENDING = DeliveryStatus.PENDING.value


@dataclass(frozen=True)
class Claimed:
    """A delivery claimed for sending, with what signing and sending it needs."""

    delivery_id: int
    endpoint_id: int
    message_id: str
    event_type: str
    payload: str
    url: str
    secrets: tuple[str, ...]
    attempts: int
    created_at: datetime


def _claimed(delivery_id: int, claim: datetime) -> list[ColumnElement[bool]]:
    """A sender's claim on a delivery: the id alone could name another attempt's claim."""
    return [WebhookDeliveryRow.id == delivery_id, WebhookDeliveryRow.claimed_until == claim]


class WebhookRepository:
    def __init__(self, session: AsyncSession, *, skip_locked: bool) -> None:
        self._session = session
        self._skip_locked = skip_locked

    # Endpoints

    async def add_endpoint(self, row: WebhookEndpointRow) -> WebhookEndpointRow:
        self._session.add(row)
        await self._session.flush()
        return row

    async def get_endpoint(self, endpoint_id: int) -> WebhookEndpointRow | None:
        return await self._session.get(WebhookEndpointRow, endpoint_id)

    async def endpoints(
        self, *, owner_client_id: int | None, every: bool
    ) -> Sequence[WebhookEndpointRow]:
        """Every endpoint (`every`), or those of one owner (None: the clinic's own)."""
        query = select(WebhookEndpointRow).order_by(WebhookEndpointRow.id)
        if not every:
            query = query.where(_owned_by(owner_client_id))
        return (await self._session.execute(query)).scalars().all()

    async def count_endpoints(self, owner_client_id: int | None) -> int:
        query = (
            select(func.count()).select_from(WebhookEndpointRow).where(_owned_by(owner_client_id))
        )
        return int((await self._session.execute(query)).scalar_one())

    async def delete_endpoint(self, row: WebhookEndpointRow) -> None:
        await self._session.delete(row)
        await self._session.flush()

    async def subscribed(self) -> Sequence[tuple[int, str]]:
        """Enabled endpoints with the event types they subscribe to."""
        query = (
            select(WebhookEndpointRow.id, WebhookEndpointRow.events)
            .where(WebhookEndpointRow.enabled.is_(True))
            .order_by(WebhookEndpointRow.id)
        )
        return [(row.id, row.events) for row in await self._session.execute(query)]

    async def disable_if_enabled(self, endpoint_id: int, now: datetime, reason: str) -> bool:
        """Disable an endpoint once: True only for the one caller that did it."""
        result = await self._session.execute(
            update(WebhookEndpointRow)
            .where(WebhookEndpointRow.id == endpoint_id, WebhookEndpointRow.enabled.is_(True))
            .values(enabled=False, disabled_at=now, disabled_reason=reason)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    async def disable_owned_by(self, client_id: int, now: datetime, reason: str) -> None:
        """Disable every enabled endpoint of one API client (revoked: it hears no more)."""
        await self._session.execute(
            update(WebhookEndpointRow)
            .where(
                WebhookEndpointRow.owner_client_id == client_id,
                WebhookEndpointRow.enabled.is_(True),
            )
            .values(enabled=False, disabled_at=now, disabled_reason=reason)
            .execution_options(synchronize_session=False)
        )

    async def note_failure(self, endpoint_id: int, now: datetime) -> datetime | None:
        """Start the endpoint's failing streak unless one runs; its start."""
        await self._session.execute(
            update(WebhookEndpointRow)
            .where(WebhookEndpointRow.id == endpoint_id, WebhookEndpointRow.failing_since.is_(None))
            .values(failing_since=now)
            .execution_options(synchronize_session=False)
        )
        query = select(WebhookEndpointRow.failing_since).where(WebhookEndpointRow.id == endpoint_id)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def note_success(self, endpoint_ids: Iterable[int]) -> None:
        ids = list(set(endpoint_ids))
        if ids:
            await self._session.execute(
                update(WebhookEndpointRow)
                .where(
                    WebhookEndpointRow.id.in_(ids), WebhookEndpointRow.failing_since.is_not(None)
                )
                .values(failing_since=None)
                .execution_options(synchronize_session=False)
            )

    # What partners are told of appointments

    def appointment_before(
        self, appointment_id: int
    ) -> tuple[AppointmentStatus, PatientResponse] | None:
        """The appointment as this transaction first read it; None when it made the row
        (or never read it)."""
        loaded = as_loaded(self._session.sync_session, appointment_id)
        if loaded is None:
            return None
        return AppointmentStatus(loaded[0]), PatientResponse(loaded[1])

    async def appointment_states(self, ids: Sequence[int]) -> list[AppointmentState]:
        """The appointments as they are now in this transaction (read from the database,
        so bulk updates count too), in the order given."""
        a = AppointmentRow
        query = select(
            a.id,
            a.status,
            a.patient_response,
            a.patient_id,
            a.practitioner_id,
            a.service_id,
            a.location_id,
            a.start_at,
            a.end_at,
            a.created_online,
        ).where(a.id.in_(list(ids)))
        found = {row.id: AppointmentState.of(row) for row in await self._session.execute(query)}
        return [found[i] for i in ids if i in found]

    # Deliveries

    def add_delivery(self, row: WebhookDeliveryRow) -> None:
        """Stage a delivery in the caller's transaction: it exists only if the change commits."""
        self._session.add(row)

    async def get_delivery(self, delivery_id: int) -> WebhookDeliveryRow | None:
        return await self._session.get(WebhookDeliveryRow, delivery_id)

    async def deliveries_page(
        self, endpoint_id: int, before_id: int | None, limit: int
    ) -> Sequence[WebhookDeliveryRow]:
        """Newest first, those older than `before_id`; `limit` rows at most."""
        query = select(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == endpoint_id)
        if before_id is not None:
            query = query.where(WebhookDeliveryRow.id < before_id)
        query = query.order_by(WebhookDeliveryRow.id.desc()).limit(limit)
        return (await self._session.execute(query)).scalars().all()

    async def anything_due(self, now: datetime) -> bool:
        """A cheap read first, so idle senders never take the write lock (SQLite has one)."""
        query = (
            select(WebhookDeliveryRow.id)
            .where(WebhookDeliveryRow.status == PENDING, WebhookDeliveryRow.next_attempt_at <= now)
            .limit(1)
        )
        return (await self._session.execute(query)).first() is not None

    async def claim_due(self, now: datetime, claim: datetime, batch: int) -> list[Claimed]:
        """Claim up to `batch` due deliveries of enabled endpoints until `claim`, with one
        UPDATE (rows locked by another sender are skipped on PostgreSQL)."""
        due = (
            select(WebhookDeliveryRow.id)
            .join(WebhookEndpointRow, WebhookEndpointRow.id == WebhookDeliveryRow.endpoint_id)
            .where(
                WebhookDeliveryRow.status == PENDING,
                WebhookDeliveryRow.next_attempt_at <= now,
                (WebhookDeliveryRow.claimed_until.is_(None))
                | (WebhookDeliveryRow.claimed_until < now),
                WebhookEndpointRow.enabled.is_(True),
            )
            .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
            .limit(batch)
        )
        if self._skip_locked:
            due = due.with_for_update(of=WebhookDeliveryRow, skip_locked=True)
        ids = list((await self._session.execute(due)).scalars())
        if not ids:
            return []
        await self._session.execute(
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.id.in_(ids))
            .values(claimed_until=claim, attempts=WebhookDeliveryRow.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        query = (
            select(WebhookDeliveryRow, WebhookEndpointRow)
            .join(WebhookEndpointRow, WebhookEndpointRow.id == WebhookDeliveryRow.endpoint_id)
            .where(WebhookDeliveryRow.id.in_(ids))
            .order_by(WebhookDeliveryRow.id)
        )
        return [_claimed_delivery(d, e, now) for d, e in await self._session.execute(query)]

    async def record_attempt(
        self,
        delivery_id: int,
        claim: datetime,
        *,
        status: DeliveryStatus,
        attempted_at: datetime,
        next_attempt_at: datetime | None,
        status_code: int | None,
        duration_ms: int,
        error: str | None,
    ) -> bool:
        """Write how an attempt went, under the sender's own claim; False when the claim
        was lost (it expired and another sender took the delivery)."""
        values: dict[str, object] = {
            "status": status.value,
            "claimed_until": None,
            "last_attempt_at": attempted_at,
            "last_status_code": status_code,
            "last_duration_ms": duration_ms,
            "last_error": error[:500] if error else None,
        }
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        if status is DeliveryStatus.DELIVERED:
            values["delivered_at"] = attempted_at
        result = await self._session.execute(
            update(WebhookDeliveryRow)
            .where(*_claimed(delivery_id, claim))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1


def _owned_by(owner_client_id: int | None) -> ColumnElement[bool]:
    if owner_client_id is None:
        return WebhookEndpointRow.owner_client_id.is_(None)
    return WebhookEndpointRow.owner_client_id == owner_client_id


def _claimed_delivery(
    delivery: WebhookDeliveryRow, endpoint: WebhookEndpointRow, now: datetime
) -> Claimed:
    """A claimed delivery with the secrets that sign it: the endpoint's, and its previous
    one while a rotation's grace lasts."""
    signing = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        signing.append(endpoint.previous_secret)
    return Claimed(
        delivery.id,
        endpoint.id,
        delivery.message_id,
        delivery.event_type,
        delivery.payload,
        endpoint.url,
        tuple(signing),
        delivery.attempts,
        delivery.created_at,
    )
