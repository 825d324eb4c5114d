"""Types of partners' webhook endpoints and their delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from persistence.models import WebhookDeliveryRow, WebhookEndpointRow
from resolvers.webhooks.deliveries import DeliveryPage, cursor_of
from resolvers.webhooks.endpoints import EndpointWithSecret
from schema.core.connections import PageInfo
from schema.core.context import Info
from schema.core.problems import InvalidInput, NotAllowed, NotFound
from schema.core.throttling import TooManyAttempts


@strawberry.enum(description="Where a webhook delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = strawberry.enum_value(
        "PENDING", description="Not yet received; tried again when due."
    )
    DELIVERED = strawberry.enum_value(
        "DELIVERED", description="The endpoint answered with a 2xx status."
    )
    FAILED = strawberry.enum_value(
        "FAILED",
        description="Given up: refused with a 4xx other than 408 or 429, or still failing "
        "after three days.",
    )


@strawberry.type(
    description="Where a partner receives events, signed per Standard Webhooks. Its secret is shown only when created or rotated."
)
class WebhookEndpoint:
    id: strawberry.ID = strawberry.field(description="The endpoint's id.")
    url: str = strawberry.field(description="Where events are posted.")
    description: str | None = strawberry.field(description="What it is for, as its owner wrote.")
    events: list[str] = strawberry.field(description="The subscribed event types.")
    enabled: bool = strawberry.field(
        description="False once disabled by request, or after three days of failed deliveries."
    )
    disabled_reason: str | None = strawberry.field(
        description="Why it was disabled (by request, failures, or its API client revoked)."
    )
    row: strawberry.Private[WebhookEndpointRow]

    @classmethod
    def from_row(cls, row: WebhookEndpointRow) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(str(row.id)),
            url=row.url,
            description=row.description,
            events=row.event_types,
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            row=row,
        )

    @strawberry.field(description="When it was created, in the clinic's time zone.")
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.created_at)

    @strawberry.field(description="When it was disabled; null while enabled.")
    async def disabled_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.disabled_at)

    @strawberry.field(description="Since when every delivery has failed; null while they succeed.")
    async def failing_since(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.failing_since)

    @strawberry.field(
        description="Until when the secret before the last rotation also signs; null when none does."
    )
    async def previous_secret_expires_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.previous_secret_expires_at)


@strawberry.type(
    description="A new endpoint, or a new secret, with the secret (`whsec_…`): shown this once, keep it."
)
class WebhookEndpointSecret:
    endpoint: WebhookEndpoint = strawberry.field(description="The endpoint.")
    secret: str = strawberry.field(
        description="The signing secret (whsec_…) for a Standard Webhooks verifier; shown once."
    )

    @classmethod
    def from_view(cls, view: EndpointWithSecret) -> WebhookEndpointSecret:
        return cls(endpoint=WebhookEndpoint.from_row(view.endpoint), secret=view.secret)


@strawberry.type(description="An endpoint removed, with its delivery log.")
class WebhookEndpointDeleted:
    id: strawberry.ID = strawberry.field(description="The id it had.")

    @classmethod
    def from_row(cls, row: WebhookEndpointRow) -> WebhookEndpointDeleted:
        return cls(id=strawberry.ID(str(row.id)))


@strawberry.type(description="One event for one endpoint, and how sending it went.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="The delivery's id.")
    endpoint_id: strawberry.ID = strawberry.field(description="The endpoint it goes to.")
    message_id: str = strawberry.field(
        description="The `webhook-id` header: the same on every attempt and redelivery."
    )
    event_type: str = strawberry.field(description="The event's type, e.g. appointment.requested.")
    status: WebhookDeliveryStatus = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="Attempts made so far.")
    payload: str = strawberry.field(description="The JSON body sent.")
    last_response_code: int | None = strawberry.field(
        description="The HTTP status of the last attempt; null when none answered."
    )
    last_duration_ms: int | None = strawberry.field(
        description="How long the last attempt took, in milliseconds."
    )
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed (timeout, refused connection, status), if it did."
    )
    row: strawberry.Private[WebhookDeliveryRow]

    @classmethod
    def from_row(cls, row: WebhookDeliveryRow) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(str(row.id)),
            endpoint_id=strawberry.ID(str(row.endpoint_id)),
            message_id=row.message_id,
            event_type=row.event_type,
            status=WebhookDeliveryStatus(row.status),
            attempts=row.attempts,
            payload=row.payload,
            last_response_code=row.last_status_code,
            last_duration_ms=row.last_duration_ms,
            last_error=row.last_error,
            row=row,
        )

    @strawberry.field(description="When the event happened and the delivery was written.")
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.created_at)

    @strawberry.field(description="When the next attempt is due, while PENDING.")
    async def next_attempt_at(self, info: Info) -> datetime | None:
        if self.row.status != WebhookDeliveryStatus.PENDING.value:
            return None
        return await info.context.local(self.row.next_attempt_at)

    @strawberry.field(description="When it was last tried; null before the first attempt.")
    async def last_attempt_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.last_attempt_at)

    @strawberry.field(description="When the endpoint accepted it; null until then.")
    async def delivered_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.delivered_at)


@strawberry.type(description="A delivery and its place in the log.")
class WebhookDeliveryEdge:
    cursor: str = strawberry.field(description="Opaque; give it as `after` to read on from here.")
    node: WebhookDelivery = strawberry.field(description="The delivery.")


@strawberry.type(description="An endpoint's deliveries, newest first (Relay connection).")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge] = strawberry.field(description="This page's deliveries.")
    page_info: PageInfo = strawberry.field(
        description="Whether more pages follow, and the cursors to reach them."
    )

    @classmethod
    def from_page(cls, page: DeliveryPage) -> WebhookDeliveryConnection:
        edges = [
            WebhookDeliveryEdge(cursor=cursor_of(row.id), node=WebhookDelivery.from_row(row))
            for row in page.rows
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


CreateWebhookEndpointResult = Annotated[
    WebhookEndpointSecret | InvalidInput | NotAllowed,
    strawberry.union(
        "CreateWebhookEndpointResult", description="The endpoint with its secret, or why not."
    ),
]
UpdateWebhookEndpointResult = Annotated[
    WebhookEndpoint | InvalidInput | NotFound | NotAllowed,
    strawberry.union("UpdateWebhookEndpointResult", description="The endpoint, or why not."),
]
DeleteWebhookEndpointResult = Annotated[
    WebhookEndpointDeleted | InvalidInput | NotFound | NotAllowed,
    strawberry.union(
        "DeleteWebhookEndpointResult", description="The endpoint removed, or why not."
    ),
]
RotateWebhookSecretResult = Annotated[
    WebhookEndpointSecret | InvalidInput | NotFound | NotAllowed,
    strawberry.union(
        "RotateWebhookSecretResult", description="The endpoint with its new secret, or why not."
    ),
]
WebhookDeliveryResult = Annotated[
    WebhookDelivery | InvalidInput | NotFound | NotAllowed | TooManyAttempts,
    strawberry.union("WebhookDeliveryResult", description="The delivery queued, or why not."),
]
