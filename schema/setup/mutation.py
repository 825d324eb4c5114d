"""Set-up mutations (staff): patients, practitioners, locations, services, sessions and
the clinic's settings."""

from __future__ import annotations

from datetime import date

import strawberry

from resolvers.setup import catalog, clinic_settings, patients, session_series
from schema.accounts.types import Patient, PatientInput, PatientResult
from schema.core.context import Info
from schema.core.inputs import as_data
from schema.core.outcomes import answer
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
    async def create_patient(
        self, info: Info, input: PatientInput, send_invitation: bool = False
    ) -> PatientResult:
        data = as_data(input, patients.PatientInput)
        return await answer(
            info,
            patients.create_patient,
            Patient.from_row,
            PatientResult,
            data=data,
            send_invitation=send_invitation,
        )

    @strawberry.mutation(
        description="Staff: change contact details or consent; an email change makes pending invitations to the old address stale."
    )
    async def update_patient(
        self, info: Info, patient_id: strawberry.ID, input: PatientInput
    ) -> PatientResult:
        data = as_data(input, patients.PatientInput)
        return await answer(
            info,
            patients.update_patient,
            Patient.from_row,
            PatientResult,
            patient_id=patient_id,
            data=data,
        )

    @strawberry.mutation
    async def create_practitioner(
        self,
        info: Info,
        name: str,
        online_access: bool = False,
        service_ids: list[strawberry.ID] = [],  # noqa: B006 (a GraphQL default, never mutated)
    ) -> PractitionerResult:
        return await answer(
            info,
            catalog.create_practitioner,
            Practitioner.from_row,
            PractitionerResult,
            name=name,
            online_access=online_access,
            service_ids=service_ids or [],
        )

    @strawberry.mutation
    async def set_online_access(
        self, info: Info, practitioner_id: strawberry.ID, enabled: bool
    ) -> PractitionerResult:
        return await answer(
            info,
            catalog.set_online_access,
            Practitioner.from_row,
            PractitionerResult,
            practitioner_id=practitioner_id,
            enabled=enabled,
        )

    @strawberry.mutation
    async def create_location(self, info: Info, name: str) -> LocationResult:
        return await answer(
            info, catalog.create_location, Location.from_row, LocationResult, name=name
        )

    @strawberry.mutation
    async def create_service(
        self, info: Info, name: str, duration_minutes: int, bookable_online: bool = True
    ) -> ServiceResult:
        return await answer(
            info,
            catalog.create_service,
            Service.from_row,
            ServiceResult,
            name=name,
            duration_minutes=duration_minutes,
            bookable_online=bookable_online,
        )

    @strawberry.mutation
    async def create_session_series(
        self, info: Info, input: SessionSeriesInput
    ) -> SessionSeriesResult:
        data = as_data(input, session_series.SessionSeriesInput)
        return await answer(
            info,
            session_series.create_session_series,
            SessionSeries.from_row,
            SessionSeriesResult,
            data=data,
        )

    @strawberry.mutation(
        description="Staff: switch one session series in or out of online booking, or end it."
    )
    async def update_session_series(
        self,
        info: Info,
        session_series_id: strawberry.ID,
        available_online: bool | None = None,
        valid_until: date | None = None,
    ) -> SessionSeriesResult:
        return await answer(
            info,
            session_series.update_session_series,
            SessionSeries.from_row,
            SessionSeriesResult,
            session_series_id=session_series_id,
            available_online=available_online,
            valid_until=valid_until,
        )

    @strawberry.mutation
    async def update_clinic_settings(
        self, info: Info, input: ClinicSettingsInput
    ) -> SettingsResult:
        data = as_data(input, clinic_settings.ClinicSettingsInput)
        return await answer(
            info,
            clinic_settings.update_clinic_settings,
            ClinicSettings.from_row,
            SettingsResult,
            data=data,
        )
