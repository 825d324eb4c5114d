"""Set-up mutations (staff): patients, practitioners, locations, services, sessions and
the clinic's settings."""

from __future__ import annotations

from datetime import date

import strawberry

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


@strawberry.type
class SetupMutation:
    @strawberry.mutation(
        description="Staff: a new patient record; sendInvitation emails them an invitation to the portal (needs an email and consent)."
    )
    @runs(patients.create_patient, Patient.from_row, input="data")
    async def create_patient(
        self, info: Info, input: PatientInput, send_invitation: bool = False
    ) -> PatientResult: ...

    @strawberry.mutation(
        description="Staff: change contact details or consent; an email change makes pending invitations to the old address stale."
    )
    @runs(patients.update_patient, Patient.from_row, input="data")
    async def update_patient(
        self, info: Info, patient_id: strawberry.ID, input: PatientInput
    ) -> PatientResult: ...

    @strawberry.mutation
    @runs(catalog.create_practitioner, Practitioner.from_row)
    async def create_practitioner(
        self,
        info: Info,
        name: str,
        online_access: bool = False,
        service_ids: list[strawberry.ID] = [],  # noqa: B006 (a GraphQL default, never mutated)
    ) -> PractitionerResult: ...

    @strawberry.mutation
    @runs(catalog.set_online_access, Practitioner.from_row)
    async def set_online_access(
        self, info: Info, practitioner_id: strawberry.ID, enabled: bool
    ) -> PractitionerResult: ...

    @strawberry.mutation
    @runs(catalog.create_location, Location.from_row)
    async def create_location(self, info: Info, name: str) -> LocationResult: ...

    @strawberry.mutation
    @runs(catalog.create_service, Service.from_row)
    async def create_service(
        self, info: Info, name: str, duration_minutes: int, bookable_online: bool = True
    ) -> ServiceResult: ...

    @strawberry.mutation
    @runs(session_series.create_session_series, SessionSeries.from_row, input="data")
    async def create_session_series(
        self, info: Info, input: SessionSeriesInput
    ) -> SessionSeriesResult: ...

    @strawberry.mutation(
        description="Staff: switch one session series in or out of online booking, or end it."
    )
    @runs(session_series.update_session_series, SessionSeries.from_row)
    async def update_session_series(
        self,
        info: Info,
        session_series_id: strawberry.ID,
        available_online: bool | None = None,
        valid_until: date | None = None,
    ) -> SessionSeriesResult: ...

    @strawberry.mutation
    @runs(clinic_settings.update_clinic_settings, ClinicSettings.from_row, input="data")
    async def update_clinic_settings(
        self, info: Info, input: ClinicSettingsInput
    ) -> SettingsResult: ...
