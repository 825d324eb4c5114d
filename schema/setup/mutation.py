"""Set-up mutations (staff): patients, practitioners, locations, services, sessions and
the clinic's settings."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.requirements import STAFF
from resolvers.setup import catalog, clinic_settings, patients, session_series
from schema.accounts.types import Patient, PatientInput, PatientResult
from schema.core.context import Info
from schema.core.outcomes import runs
from schema.setup.types import (
    ClinicSettings,
    ClinicSettingsInput,
    Location,
    LocationResult,
    Practitioner,
    PractitionerResult,
    Service,
    ServiceResult,
    SessionSeries,
    SessionSeriesInput,
    SessionSeriesResult,
    SettingsResult,
)

ANYONE_ELSE_REFUSED = " Anyone else gets NotAllowed."


@strawberry.type
class SetupMutation:
    @strawberry.mutation(
        description="Staff: a new patient record; sendInvitation emails them an invitation to the portal (needs an email and consent)."
    )
    @runs(patients.create_patient, Patient.from_row, input="data", requires=STAFF)
    async def create_patient(
        self,
        info: Info,
        input: Annotated[
            PatientInput,
            strawberry.argument(description="The patient's details; name is required."),
        ],
        send_invitation: Annotated[
            bool,
            strawberry.argument(
                description="True to email the patient an invitation to the portal at once."
            ),
        ] = False,
    ) -> PatientResult: ...

    @strawberry.mutation(
        description="Staff: change contact details or consent; an email change makes pending invitations to the old address stale."
    )
    @runs(patients.update_patient, Patient.from_row, input="data", requires=STAFF)
    async def update_patient(
        self,
        info: Info,
        patient_id: Annotated[
            strawberry.ID, strawberry.argument(description="The patient record to change.")
        ],
        input: Annotated[
            PatientInput,
            strawberry.argument(
                description="The details to change; fields left out are kept, an empty email or phone removes it."
            ),
        ],
    ) -> PatientResult: ...

    @strawberry.mutation(description="Staff: a new practitioner profile." + ANYONE_ELSE_REFUSED)
    @runs(catalog.create_practitioner, Practitioner.from_row, requires=STAFF)
    async def create_practitioner(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The practitioner's name.")],
        online_access: Annotated[
            bool, strawberry.argument(description="True to open the profile to online booking.")
        ] = False,
        service_ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="The services they offer.")
        ] = [],  # noqa: B006 (a GraphQL default, never mutated)
    ) -> PractitionerResult: ...

    @strawberry.mutation(
        description="Staff: open a practitioner's profile to online booking, or close it."
        + ANYONE_ELSE_REFUSED
    )
    @runs(catalog.set_online_access, Practitioner.from_row, requires=STAFF)
    async def set_online_access(
        self,
        info: Info,
        practitioner_id: Annotated[
            strawberry.ID, strawberry.argument(description="The practitioner to change.")
        ],
        enabled: Annotated[
            bool, strawberry.argument(description="True to open, false to close online booking.")
        ],
    ) -> PractitionerResult: ...

    @strawberry.mutation(description="Staff: a new location of the clinic." + ANYONE_ELSE_REFUSED)
    @runs(catalog.create_location, Location.from_row, requires=STAFF)
    async def create_location(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The location's name.")],
    ) -> LocationResult: ...

    @strawberry.mutation(
        description="Staff: a new service the clinic offers." + ANYONE_ELSE_REFUSED
    )
    @runs(catalog.create_service, Service.from_row, requires=STAFF)
    async def create_service(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The service's name.")],
        duration_minutes: Annotated[
            int, strawberry.argument(description="How long it lasts, in minutes (1 to 480).")
        ],
        bookable_online: Annotated[
            bool, strawberry.argument(description="False to offer it through staff only.")
        ] = True,
    ) -> ServiceResult: ...

    @strawberry.mutation(
        description="Staff: a new availability session series of a practitioner."
        + ANYONE_ELSE_REFUSED
    )
    @runs(
        session_series.create_session_series, SessionSeries.from_row, input="data", requires=STAFF
    )
    async def create_session_series(
        self,
        info: Info,
        input: Annotated[SessionSeriesInput, strawberry.argument(description="The series.")],
    ) -> SessionSeriesResult: ...

    @strawberry.mutation(
        description="Staff: switch one session series in or out of online booking, or end it."
    )
    @runs(session_series.update_session_series, SessionSeries.from_row, requires=STAFF)
    async def update_session_series(
        self,
        info: Info,
        session_series_id: Annotated[
            strawberry.ID, strawberry.argument(description="The session series to change.")
        ],
        available_online: Annotated[
            bool | None,
            strawberry.argument(description="True or false to switch it in or out; omit to keep."),
        ] = None,
        valid_until: Annotated[
            date | None,
            strawberry.argument(
                description="The last day it runs, to end it; omit to keep (an end date cannot be removed)."
            ),
        ] = None,
    ) -> SessionSeriesResult: ...

    @strawberry.mutation(description="Staff: change the clinic's settings." + ANYONE_ELSE_REFUSED)
    @runs(
        clinic_settings.update_clinic_settings,
        ClinicSettings.from_row,
        input="data",
        requires=STAFF,
    )
    async def update_clinic_settings(
        self,
        info: Info,
        input: Annotated[
            ClinicSettingsInput, strawberry.argument(description="The settings to change.")
        ],
    ) -> SettingsResult: ...
