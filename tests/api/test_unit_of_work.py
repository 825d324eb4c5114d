"""One transaction per use case: nothing of a failed one is kept, sent or announced."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from domain.messages import Email
from persistence.models import OutboxRow, PatientRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork
from subscriptions.events import STAFF_CHANNEL, StaffNotificationKind, StaffNotified


async def rows(deps: Deps, model: type[Any]) -> int:
    """How many rows a table holds, read through a fresh session."""
    async with deps.database.reader() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


EMAIL = Email("registration", "someone@example.com", "Welcome", "Hello", "<p>Hello</p>")


async def test_a_use_case_failing_after_staging_leaves_no_row_no_email_and_no_event(
    deps: Deps,
) -> None:
    now = deps.now()
    async with deps.hub.listen([STAFF_CHANNEL]) as staff_panel:
        with pytest.raises(RuntimeError, match="halfway"):
            async with UnitOfWork(deps) as uow:
                patient = await uow.patients.add(
                    PatientRow(name="Never Kept", provisional=True, created_at=now)
                )
                uow.mail(EMAIL, now)
                uow.emit(
                    StaffNotified(StaffNotificationKind.NEW_REGISTRATION, now, None, patient.id)
                )
                raise RuntimeError("the process failed halfway")

        # A change that does commit is the first the panel hears: the failed one never was.
        async with UnitOfWork(deps) as uow:
            uow.emit(StaffNotified(StaffNotificationKind.CANCEL_REQUESTED, now))
            await uow.commit()
        first = StaffNotified.from_json(
            (await asyncio.wait_for(staff_panel.__anext__(), 5)).message
        )
        assert first.kind is StaffNotificationKind.CANCEL_REQUESTED

    assert await rows(deps, PatientRow) == 0
    assert await rows(deps, OutboxRow) == 0


async def test_a_committed_use_case_keeps_its_row_and_its_email(deps: Deps) -> None:
    """The same steps with a commit: so the test above can fail."""
    now = deps.now()
    async with UnitOfWork(deps) as uow:
        await uow.patients.add(PatientRow(name="Kept", provisional=True, created_at=now))
        uow.mail(EMAIL, now)
        await uow.commit()
    assert await rows(deps, PatientRow) == 1
    assert await rows(deps, OutboxRow) == 1
