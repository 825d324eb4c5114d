"""Changing a visit: its moves, until when a patient may change it online, and the
problem a notice window answers with."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain import policy, rescheduling
from domain.actors import Actor
from persistence import batches
from persistence.models import AppointmentMoveRow
from schema.accounts.types import User, load_user
from schema.core.context import Info
from schema.core.loaders import LoaderKey
from schema.core.permissions import guarded
from schema.core.problems import CUSTOM, Problem

MOVES = LoaderKey("appointment_moves", batches.moves_of_appointments)


@strawberry.type(
    description="Inside the clinic's notice window a patient may no longer change this visit online: nothing was changed. Staff are never bound by it."
)
class TooLateToChange(Problem):
    deadline: datetime = strawberry.field(
        description="The last moment the change was accepted online."
    )
    phone: str | None = strawberry.field(
        description="The clinic's phone number, to change it by phone; null when the clinic has none set."
    )


def _too_late(error: rescheduling.TooLateToChange) -> Problem:
    return TooLateToChange(
        code=error.code, message=error.message, deadline=error.deadline, phone=error.phone
    )


CUSTOM[rescheduling.TooLateToChange] = _too_late


@strawberry.type(
    description="Until when the patient may still cancel, and move, this visit online; each null when that is not (or no longer) possible online. Staff may change it at any time."
)
class ChangeDeadlines:
    cancel: datetime | None = strawberry.field(
        description="The last moment cancelVisit is accepted; null for a visit that is not booked, already pending cancel, or when the clinic takes cancellations by phone only."
    )
    reschedule: datetime | None = strawberry.field(
        description="The last moment rescheduleAppointment is accepted from the patient; null once the visit has been moved as often as the clinic allows."
    )


def _sees_mover(actor: Actor | None, move: AppointmentMove) -> bool:
    return policy.may_see_user(actor, move.row.moved_by_user_id)


@strawberry.type(description="One move of an appointment: from where to where, by whom, when.")
class AppointmentMove:
    row: strawberry.Private[AppointmentMoveRow]

    @strawberry.field(description="Where it started before the move.")
    async def from_start(self, info: Info) -> datetime:
        return await info.context.local(self.row.from_start)

    @strawberry.field(description="Where it started after the move.")
    async def to_start(self, info: Info) -> datetime:
        return await info.context.local(self.row.to_start)

    @strawberry.field(description="When it was moved.")
    async def moved_at(self, info: Info) -> datetime:
        return await info.context.local(self.row.moved_at)

    @strawberry.field(
        description="The practitioner's id before the move (differs from the appointment's only when staff moved it to another practitioner)."
    )
    def from_practitioner_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.from_practitioner_id))

    @strawberry.field(
        description="True when an API client moved it (movedBy is then null).",
    )
    def moved_by_client(self) -> bool:
        return self.row.moved_by_client_id is not None

    @strawberry.field(
        description="Staff see who moved it; other users only when it was themselves.",
        extensions=guarded(_sees_mover),
    )
    async def moved_by(self, info: Info) -> User | None:
        if self.row.moved_by_user_id is None:
            return None
        return await load_user(info, self.row.moved_by_user_id)


async def moves_of(info: Info, appointment_id: int) -> list[AppointmentMove]:
    return [AppointmentMove(row=r) for r in await info.context.loaders[MOVES].load(appointment_id)]
