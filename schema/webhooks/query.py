"""Webhook queries: endpoints and their delivery log."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import WEBHOOK_MANAGER
from resolvers.webhooks import deliveries, endpoints
from schema.core.access import requires
from schema.core.context import Info
from schema.webhooks.types import WebhookDeliveryConnection, WebhookEndpoint


@strawberry.type
class WebhooksQuery:
    @strawberry.field(
        description="Staff: every webhook endpoint; an API client with webhooks:manage: its own."
    )
    @requires(WEBHOOK_MANAGER)
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        rows = await endpoints.webhook_endpoints(info.context.deps, info.context.actor)
        return [WebhookEndpoint.from_row(r) for r in rows]

    @strawberry.field(description="An endpoint's deliveries, newest first; `first` at most 100.")
    @requires(WEBHOOK_MANAGER)
    async def webhook_deliveries(
        self,
        info: Info,
        endpoint_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The endpoint, by its id; another owner's answers NotFound."
            ),
        ],
        first: Annotated[
            int | None,
            strawberry.argument(description="How many deliveries, 1 to 100 (default 20)."),
        ] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The endCursor of the page before; null for the newest."
            ),
        ] = None,
    ) -> WebhookDeliveryConnection:
        page = await deliveries.webhook_deliveries(
            info.context.deps, info.context.actor, endpoint_id=endpoint_id, first=first, after=after
        )
        return WebhookDeliveryConnection.from_page(page)
