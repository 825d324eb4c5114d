"""Types of partners' webhook endpoints and their delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.relay import PageInfo

from persistence.models import WebhookDeliveryRow, WebhookEndpointRow
from resolvers.webhooks.deliveries import DeliveryPage, cursor_of
from resolvers.webhooks.endpoints import EndpointWithSecret
from schema.core.context import Info
from schema.core.problems import InvalidInput, NotAllowed, NotFound
from schema.core.throttling import TooManyAttempts


@strawberry.enum(description="Where a webhook delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


@strawberry.type(
    description="Where a partner receives events, signed per Standard Webhooks. Its secret is shown only when created or rotated."
)
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    description: str | None
    events: list[str] = strawberry.field(description="The subscribed event types.")
    enabled: bool = strawberry.field(
        description="False once disabled by request, or after three days of failed deliveries."
    )
    disabled_reason: str | None
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

    @strawberry.field
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.created_at)

    @strawberry.field
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
    endpoint: WebhookEndpoint
    secret: str

    @classmethod
    def from_view(cls, view: EndpointWithSecret) -> WebhookEndpointSecret:
        return cls(endpoint=WebhookEndpoint.from_row(view.endpoint), secret=view.secret)


@strawberry.type
class WebhookEndpointDeleted:
    id: strawberry.ID

    @classmethod
    def from_row(cls, row: WebhookEndpointRow) -> WebhookEndpointDeleted:
        return cls(id=strawberry.ID(str(row.id)))


@strawberry.type(description="One event for one endpoint, and how sending it went.")
class WebhookDelivery:
    id: strawberry.ID
    endpoint_id: strawberry.ID
    message_id: str = strawberry.field(
        description="The `webhook-id` header: the same on every attempt and redelivery."
    )
    event_type: str
    status: WebhookDeliveryStatus
    attempts: int
    payload: str = strawberry.field(description="The JSON body sent.")
    last_response_code: int | None = strawberry.field(
        description="The HTTP status of the last attempt; null when none answered."
    )
    last_duration_ms: int | None
    last_error: str | None
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

    @strawberry.field
    async def created_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.created_at)

    @strawberry.field(description="When the next attempt is due, while PENDING.")
    async def next_attempt_at(self, info: Info) -> datetime | None:
        if self.row.status != WebhookDeliveryStatus.PENDING.value:
            return None
        return await info.context.local(self.row.next_attempt_at)

    @strawberry.field
    async def last_attempt_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.last_attempt_at)

    @strawberry.field
    async def delivered_at(self, info: Info) -> datetime | None:
        return await info.context.local_or_none(self.row.delivered_at)


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type(description="An endpoint's deliveries, newest first (Relay connection).")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo

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
    strawberry.union("CreateWebhookEndpointResult"),
]
UpdateWebhookEndpointResult = Annotated[
    WebhookEndpoint | InvalidInput | NotFound | NotAllowed,
    strawberry.union("UpdateWebhookEndpointResult"),
]
DeleteWebhookEndpointResult = Annotated[
    WebhookEndpointDeleted | InvalidInput | NotFound | NotAllowed,
    strawberry.union("DeleteWebhookEndpointResult"),
]
RotateWebhookSecretResult = Annotated[
    WebhookEndpointSecret | InvalidInput | NotFound | NotAllowed,
    strawberry.union("RotateWebhookSecretResult"),
]
WebhookDeliveryResult = Annotated[
    WebhookDelivery | InvalidInput | NotFound | NotAllowed | TooManyAttempts,
    strawberry.union("WebhookDeliveryResult"),
]
