"""pendingRequests and patientMatches."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import STAFF, staff_or_client_with
from domain.scopes import APPOINTMENTS_READ
from resolvers.answers.patient_matches import patient_matches
from resolvers.answers.pending_requests import (
    count_pending_requests,
    pending_requests,
    pending_requests_page,
)
from schema.answers.types import PatientMatch
from schema.core.access import requires
from schema.core.connections import After, Before, Connection, First, Last, pages, paging
from schema.core.context import Info
from schema.visits.types import Appointment


@strawberry.type
class AnswersQuery:
    @strawberry.field(
        description="Staff: appointments waiting for accept or reject, oldest first.",
        deprecation_reason="Unbounded; use pendingRequestsConnection, which pages.",
    )
    @requires(STAFF)
    async def pending_requests(self, info: Info) -> list[Appointment]:
        rows = await pending_requests(info.context.deps, info.context.actor)
        return [Appointment.from_row(r) for r in rows]

    @strawberry.field(
        description="Staff: existing patient records that may be the same person as this provisional patient."
    )
    @requires(STAFF)
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
    @requires(staff_or_client_with(APPOINTMENTS_READ))
    async def pending_requests_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Appointment]:
        return await pages(
            info,
            pending_requests_page,
            count_pending_requests,
            Appointment.from_row,
            paging(first, after, last, before),
        )
