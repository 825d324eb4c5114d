"""Set-up queries: the clinic, its locations, services, practitioners and patients."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import AVAILABILITY, staff_or_client_with
from domain.scopes import PATIENTS_READ
from resolvers.setup import read_setup
from schema.accounts.types import Patient
from schema.core.access import requires
from schema.core.connections import After, Before, Connection, First, Last, pages, paging
from schema.core.context import Info
from schema.setup.types import Clinic, Location, Practitioner, Service


@strawberry.type
class SetupQuery:
    @strawberry.field(description="The clinic, its time zone and its booking settings. Public.")
    @requires(AVAILABILITY)
    async def clinic(self, info: Info) -> Clinic:
        return Clinic.from_row(await read_setup.clinic_for(info.context.deps, info.context.actor))

    @strawberry.field(description="The clinic's locations. Public.")
    @requires(AVAILABILITY)
    async def locations(self, info: Info) -> list[Location]:
        rows = await read_setup.locations(info.context.deps, info.context.actor)
        return [Location.from_row(r) for r in rows]

    @strawberry.field(description="The services the clinic offers. Public.")
    @requires(AVAILABILITY)
    async def services(self, info: Info) -> list[Service]:
        rows = await read_setup.services_offered(info.context.deps, info.context.actor)
        return [Service.from_row(r) for r in rows]

    @strawberry.field(
        description="Practitioners with online access and at least one session available online (all, for staff, when onlineOnly is false)."
    )
    @requires(AVAILABILITY)
    async def practitioners(
        self,
        info: Info,
        online_only: Annotated[
            bool,
            strawberry.argument(
                description="False lists every practitioner: staff only; anyone else gets an error coded NOT_ALLOWED."
            ),
        ] = True,
    ) -> list[Practitioner]:
        rows = await read_setup.practitioners(
            info.context.deps, info.context.actor, online_only=online_only
        )
        return [Practitioner.from_row(r) for r in rows]

    @strawberry.field(
        description="Staff: existing (not provisional) patient records in name order, at most 200. Anyone else gets an error coded NOT_ALLOWED.",
        deprecation_reason="Stops at the first 200 patients by name without saying so; use patientsConnection, which pages through them all.",
    )
    @requires(staff_or_client_with(PATIENTS_READ))
    async def patients(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Text the name or email contains, any case (at most 100 characters); omit for all."
            ),
        ] = None,
    ) -> list[Patient]:
        rows = await read_setup.patients(info.context.deps, info.context.actor, search=search)
        return [Patient.from_row(r) for r in rows]

    @strawberry.field(
        description="Staff: existing patients whose name or email contains search, by name, a page at a time."
    )
    @requires(staff_or_client_with(PATIENTS_READ))
    async def patients_connection(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Text the name or email contains, any case (at most 100 characters); omit for all."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Patient]:
        return await pages(
            info,
            read_setup.patients_page,
            read_setup.count_patients,
            Patient.from_row,
            paging(first, after, last, before),
            search=search,
        )
