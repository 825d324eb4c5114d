"""createWebhookEndpoint, updateWebhookEndpoint, deleteWebhookEndpoint,
rotateWebhookSecret and webhookEndpoints: partners' endpoints, by staff or an API client
allowed to manage webhooks (its own endpoints only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from domain.actors import Actor
from domain.errors import NotAllowed, NotFound
from domain.phrases import Phrase
from domain.policy import (
    may_manage_webhook_endpoint,
    require_webhook_manager,
    visible_webhook_owner,
    webhook_owner,
)
from domain.validation import parse_id
from domain.webhooks import (
    MAX_ENDPOINTS,
    check_description,
    check_events,
    new_secret,
)
from persistence.models import WebhookEndpointRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork
from resolvers.webhooks.addresses import checked_url


@dataclass(frozen=True)
class EndpointWithSecret:
    """An endpoint and its new secret, shown this once."""

    endpoint: WebhookEndpointRow
    secret: str


async def own_endpoint(uow: UnitOfWork, actor: Actor, endpoint_id: int) -> WebhookEndpointRow:
    """The endpoint, if the actor may manage it; anyone else's answers as a missing one."""
    row = await uow.webhooks.get_endpoint(endpoint_id)
    if row is None or not may_manage_webhook_endpoint(actor, row.owner_client_id):
        raise NotFound("No such webhook endpoint.")
    return row


async def create_webhook_endpoint(
    deps: Deps,
    actor: Actor | None,
    *,
    url: str,
    events: Sequence[str],
    description: str | None = None,
) -> EndpointWithSecret:
    actor = require_webhook_manager(actor)
    types = check_events(events)
    text = check_description(description)
    checked = await checked_url(deps, url)
    now = deps.now()
    owner = webhook_owner(actor)
    async with UnitOfWork(deps) as uow:
        if await uow.webhooks.count_endpoints(owner) >= MAX_ENDPOINTS:
            raise NotAllowed(
                Phrase(
                    "At most {max_endpoints} webhook endpoints; delete one first.",
                    max_endpoints=MAX_ENDPOINTS,
                )
            )
        secret = new_secret()
        row = await uow.webhooks.add_endpoint(
            WebhookEndpointRow(
                url=checked.url,
                description=text,
                events=",".join(types),
                secret=secret,
                owner_client_id=owner,
                created_by_id=actor.user_id if actor.client_id is None else None,
                created_at=now,
                enabled=True,
            )
        )
        await uow.commit()
    return EndpointWithSecret(row, secret)


async def update_webhook_endpoint(
    deps: Deps,
    actor: Actor | None,
    *,
    endpoint_id: str,
    url: str | None = None,
    events: Sequence[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpointRow:
    """Change what is given; enabling a disabled endpoint resumes its pending deliveries."""
    actor = require_webhook_manager(actor)
    key = parse_id(endpoint_id, "endpointId")
    types = check_events(events) if events is not None else None
    text = check_description(description) if description is not None else None
    checked = await checked_url(deps, url) if url is not None else None
    async with UnitOfWork(deps) as uow:
        row = await own_endpoint(uow, actor, key)
        if checked is not None:
            row.url = checked.url
        if types is not None:
            row.events = ",".join(types)
        if description is not None:
            row.description = text
        if enabled is True and not row.enabled:
            row.enabled, row.disabled_at, row.disabled_reason = True, None, None
            row.failing_since = None
        elif enabled is False and row.enabled:
            row.enabled, row.disabled_at, row.disabled_reason = False, deps.now(), "By request."
        await uow.commit()
    if enabled:
        deps.webhooks_written.set()
    return row


async def delete_webhook_endpoint(
    deps: Deps, actor: Actor | None, *, endpoint_id: str
) -> WebhookEndpointRow:
    """Gone with its delivery log; nothing more is sent to it."""
    actor = require_webhook_manager(actor)
    key = parse_id(endpoint_id, "endpointId")
    async with UnitOfWork(deps) as uow:
        row = await own_endpoint(uow, actor, key)
        await uow.webhooks.delete_endpoint(row)
        await uow.commit()
    return row


async def rotate_webhook_secret(
    deps: Deps, actor: Actor | None, *, endpoint_id: str
) -> EndpointWithSecret:
    """A new secret, shown once; the current one keeps signing too for the grace period
    (`WEBHOOK_SECRET_GRACE_HOURS`), so the receiver can switch without losing a message."""
    actor = require_webhook_manager(actor)
    key = parse_id(endpoint_id, "endpointId")
    now = deps.now()
    grace = timedelta(hours=deps.settings.webhook_secret_grace_hours)
    async with UnitOfWork(deps) as uow:
        row = await own_endpoint(uow, actor, key)
        secret = new_secret()
        row.previous_secret, row.previous_secret_expires_at = row.secret, now + grace
        row.secret = secret
        await uow.commit()
    return EndpointWithSecret(row, secret)


async def webhook_endpoints(deps: Deps, actor: Actor | None) -> Sequence[WebhookEndpointRow]:
    """Staff see every endpoint; an API client its own."""
    actor = require_webhook_manager(actor)
    owner, every = visible_webhook_owner(actor)
    async with UnitOfWork(deps, write=False) as uow:
        return await uow.webhooks.endpoints(owner_client_id=owner, every=every)
