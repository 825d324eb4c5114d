"""pendingRequests and patientMatches."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.answers.patient_matches import patient_matches
from resolvers.answers.pending_requests import (
    count_pending_requests,
    pending_requests,
    pending_requests_page,
)
from schema.answers.types import PatientMatch
from schema.core.connections import After, Before, Connection, First, Last, paging
from schema.core.context import Info
from schema.visits.types import Appointment


@strawberry.type
class AnswersQuery:
    @strawberry.field(
        description="Staff: appointments waiting for accept or reject, oldest first.",
        deprecation_reason="Unbounded; use pendingRequestsConnection, which pages.",
    )
    async def pending_requests(self, info: Info) -> list[Appointment]:
        rows = await pending_requests(info.context.deps, info.context.actor)
        return [Appointment.from_row(r) for r in rows]

    @strawberry.field(
        description="Staff: existing patient records that may be the same person as this provisional patient."
    )
    async def patient_matches(
        self,
        info: Info,
        patient_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The provisional patient (an online registration)."),
        ],
    ) -> list[PatientMatch]:
        found = await patient_matches(info.context.deps, info.context.actor, patient_id=patient_id)
        return [PatientMatch.from_found(f) for f in found]

    @strawberry.field(
        description="Staff: appointments waiting for accept or reject, oldest request first, a page at a time."
    )
    async def pending_requests_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Appointment]:
        deps, actor = info.context.deps, info.context.actor
        page = await pending_requests_page(deps, actor, page=paging(first, after, last, before))
        return Connection.of(
            page.converted(Appointment.from_row), lambda: count_pending_requests(deps, actor)
        )
