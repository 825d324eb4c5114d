"""Webhook mutations: endpoints, secrets, redeliveries and test events."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import WEBHOOK_MANAGER
from resolvers.webhooks import deliveries, endpoints
from schema.core.context import Info
from schema.core.outcomes import runs
from schema.webhooks.types import (
    CreateWebhookEndpointResult,
    DeleteWebhookEndpointResult,
    RotateWebhookSecretResult,
    UpdateWebhookEndpointResult,
    WebhookDelivery,
    WebhookDeliveryResult,
    WebhookEndpoint,
    WebhookEndpointDeleted,
    WebhookEndpointSecret,
)

ENDPOINT = Annotated[
    strawberry.ID,
    strawberry.argument(description="The endpoint, by its id; another owner's answers NotFound."),
]
URL = Annotated[
    str,
    strawberry.argument(
        description="Where to post events: https (http in development only), at most 2,000 "
        "characters, no user name or password; its host must resolve to public addresses only."
    ),
]
EVENTS = Annotated[
    list[str],
    strawberry.argument(
        description="Event types to receive, from the catalogue (e.g. appointment.requested)."
    ),
]
DESCRIPTION = Annotated[
    str | None,
    strawberry.argument(
        description="What the endpoint is for, for people; at most 500 characters."
    ),
]


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(
        description="Staff, or an API client with webhooks:manage: send these events (see the catalogue in docs/partners.md) to an https URL. The answer carries the signing secret, shown this once."
    )
    @runs(
        endpoints.create_webhook_endpoint, WebhookEndpointSecret.from_view, requires=WEBHOOK_MANAGER
    )
    async def create_webhook_endpoint(
        self,
        info: Info,
        url: URL,
        events: EVENTS,
        description: DESCRIPTION = None,
    ) -> CreateWebhookEndpointResult: ...

    @strawberry.mutation(
        description="Change what is given; enabled: true resumes a disabled endpoint."
    )
    @runs(endpoints.update_webhook_endpoint, WebhookEndpoint.from_row, requires=WEBHOOK_MANAGER)
    async def update_webhook_endpoint(
        self,
        info: Info,
        endpoint_id: ENDPOINT,
        url: Annotated[
            str | None, strawberry.argument(description="A new URL; null keeps it.")
        ] = None,
        events: Annotated[
            list[str] | None,
            strawberry.argument(description="The new set of event types; null keeps them."),
        ] = None,
        description: DESCRIPTION = None,
        enabled: Annotated[
            bool | None,
            strawberry.argument(
                description="false stops deliveries; true resumes them, pending ones too."
            ),
        ] = None,
    ) -> UpdateWebhookEndpointResult: ...

    @strawberry.mutation(description="Remove an endpoint and its delivery log.")
    @runs(
        endpoints.delete_webhook_endpoint, WebhookEndpointDeleted.from_row, requires=WEBHOOK_MANAGER
    )
    async def delete_webhook_endpoint(
        self, info: Info, endpoint_id: ENDPOINT
    ) -> DeleteWebhookEndpointResult: ...

    @strawberry.mutation(
        description="A new secret, shown once; the previous one also signs (a second signature) for the grace period, 24 hours by default."
    )
    @runs(
        endpoints.rotate_webhook_secret, WebhookEndpointSecret.from_view, requires=WEBHOOK_MANAGER
    )
    async def rotate_webhook_secret(
        self, info: Info, endpoint_id: ENDPOINT
    ) -> RotateWebhookSecretResult: ...

    @strawberry.mutation(
        description="Send a delivery's message again (same webhook-id and body), as a new delivery."
    )
    @runs(deliveries.redeliver_webhook, WebhookDelivery.from_row, requires=WEBHOOK_MANAGER)
    async def redeliver_webhook(
        self,
        info: Info,
        delivery_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The delivery; one of another owner's answers NotFound."
            ),
        ],
    ) -> WebhookDeliveryResult: ...

    @strawberry.mutation(description="Send a webhook.test event to this endpoint.")
    @runs(deliveries.send_test_webhook, WebhookDelivery.from_row, requires=WEBHOOK_MANAGER)
    async def send_test_webhook(
        self, info: Info, endpoint_id: ENDPOINT
    ) -> WebhookDeliveryResult: ...
