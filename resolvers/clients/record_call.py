"""The record of a partner's call: who, which operation, when, how it went. No
variables and no answers, so the log holds no personal data."""

from __future__ import annotations

from domain.actors import Actor
from persistence.models import ApiClientCallRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork

MAX_NAME = 100


async def record_call(
    deps: Deps, actor: Actor, *, operation_type: str, operation_name: str | None, errors: int
) -> None:
    """One insert of its own, after the operation (so a call that failed is recorded too)."""
    if actor.client_id is None:
        return
    async with UnitOfWork(deps) as uow:
        uow.api_clients.add_call(
            ApiClientCallRow(
                client_id=actor.client_id,
                at=deps.now(),
                operation_type=operation_type,
                operation_name=operation_name[:MAX_NAME] if operation_name else None,
                error_count=errors,
            )
        )
        await uow.commit()
