"""Waitlist operations: join, leave, take or let go an offer; staff's line."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import SIGNED_IN_PERSON, STAFF
from resolvers.waitlist import answer_offer, entries
from schema.core.access import requires
from schema.core.connections import After, Before, Connection, First, Last, pages, paging
from schema.core.context import Info
from schema.core.outcomes import runs
from schema.visits.types import Appointment, AppointmentResult
from schema.waitlist.types import JoinWaitlistInput, WaitlistEntry, WaitlistEntryResult

Entry = Annotated[strawberry.ID, strawberry.argument(description="The waitlist entry.")]
OfferId = Annotated[
    strawberry.ID,
    strawberry.argument(description="The offer: the held appointment's id (WaitlistEntry.offer)."),
]


@strawberry.type
class WaitlistQuery:
    @strawberry.field(description="The signed-in user's waitlist entries in line, in line order.")
    @requires(SIGNED_IN_PERSON)
    async def my_waitlist(self, info: Info) -> list[WaitlistEntry]:
        rows = await entries.my_waitlist(info.context.deps, info.context.actor)
        return [WaitlistEntry.from_row(r) for r in rows]

    @strawberry.field(description="Staff: everyone in line, first first, a page at a time.")
    @requires(STAFF)
    async def waitlist(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[WaitlistEntry]:
        return await pages(
            info,
            entries.waitlist_page,
            entries.count_waitlist,
            WaitlistEntry.from_row,
            paging(first, after, last, before),
        )


@strawberry.type
class WaitlistMutation:
    @strawberry.mutation(
        description="Client portal: wait for a time (of a practitioner, or any offering the service) for a patient the user manages; the first freed time that fits is offered, first come first served. At most 10 entries per user."
    )
    @runs(entries.join_waitlist, WaitlistEntry.from_row, input="data", requires=SIGNED_IN_PERSON)
    async def join_waitlist(
        self,
        info: Info,
        input: Annotated[JoinWaitlistInput, strawberry.argument(description="What to wait for.")],
    ) -> WaitlistEntryResult: ...

    @strawberry.mutation(
        description="Leave the waitlist (an open offer is released); staff may take anyone's entry out."
    )
    @runs(entries.leave_waitlist, WaitlistEntry.from_row, requires=SIGNED_IN_PERSON)
    async def leave_waitlist(self, info: Info, entry_id: Entry) -> WaitlistEntryResult: ...

    @strawberry.mutation(
        description="Take a waitlist offer: it becomes a request or a booking as `request` makes one, and the entry leaves the waitlist."
    )
    @runs(answer_offer.accept_offer, Appointment.from_row, requires=SIGNED_IN_PERSON)
    async def accept_offer(
        self,
        info: Info,
        offer_id: OfferId,
        note: Annotated[
            str | None, strawberry.argument(description="A note for the clinic.")
        ] = None,
    ) -> AppointmentResult: ...

    @strawberry.mutation(
        description="Let a waitlist offer go: the time goes to the next in line at once, and the entry waits on (never offered that time again)."
    )
    @runs(answer_offer.decline_offer, WaitlistEntry.from_row, requires=SIGNED_IN_PERSON)
    async def decline_offer(self, info: Info, offer_id: OfferId) -> WaitlistEntryResult: ...

    @strawberry.mutation(description="Staff: put an entry at another place in line (1 is first).")
    @runs(entries.move_in_line, WaitlistEntry.from_row, requires=STAFF)
    async def move_waitlist_entry(
        self,
        info: Info,
        entry_id: Entry,
        place: Annotated[int, strawberry.argument(description="Its new place, 1 for first.")],
    ) -> WaitlistEntryResult: ...
