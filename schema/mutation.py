"""The Mutation type: each field converts arguments, runs one use case, maps its outcome."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime
from typing import Annotated

import strawberry

from resolvers import auth, clinic_setup, holds, patients
from schema import results as r
from schema.context import Info
from schema.inputs import ClinicSettingsInput, PatientInput, SessionSeriesInput
from schema.problems import outcome
from schema.types import (
    Appointment,
    ClinicSettings,
    Hold,
    Location,
    Patient,
    Practitioner,
    Service,
    SessionSeries,
    SignIn,
    User,
)

CLIENT_KEY = "A key the client makes per attempt: a retry with the same key returns the same hold instead of failing on it."


async def _signed_in(info: Info, attempt: Awaitable[auth.SignedIn]) -> auth.SignedIn:
    """Sign-in use case, then this request acts as the new user (so `user { patients }` works)."""
    signed = await attempt
    info.context.identity = await auth.identify(info.context.services, signed.token)
    info.context.token = signed.token
    return signed


def _sign_in(signed: auth.SignedIn) -> SignIn:
    return SignIn(token=signed.token, user=User.from_row(signed.user))


@strawberry.type
class Mutation:
    # ------------------------------------------------------------ sign-in

    @strawberry.mutation(
        description="Create an online user with a provisional patient profile; staff later confirm or merge it."
    )
    async def register(
        self,
        info: Info,
        email: str,
        password: str,
        name: str,
        birth_date: date | None = None,
        phone: str | None = None,
    ) -> r.SignInResult:
        attempt = auth.register(
            info.context.services,
            email=email,
            password=password,
            name=name,
            birth_date=birth_date,
            phone=phone,
        )
        return await outcome(_signed_in(info, attempt), _sign_in, *r.SIGN_IN)

    @strawberry.mutation
    async def login(self, info: Info, email: str, password: str) -> r.SignInResult:
        attempt = auth.login(info.context.services, email=email, password=password)
        return await outcome(_signed_in(info, attempt), _sign_in, *r.SIGN_IN)

    @strawberry.mutation
    async def logout(self, info: Info) -> bool:
        return await auth.logout(info.context.services, info.context.token)

    # ------------------------------------------------------------ holds and requests

    @strawberry.mutation(
        description="Place a temporary appointment on a slot so no other portal can take it; it lapses after holdMinutes."
    )
    async def hold(
        self,
        info: Info,
        practitioner_id: strawberry.ID,
        service_id: strawberry.ID,
        start: datetime,
        client_key: Annotated[str | None, strawberry.argument(description=CLIENT_KEY)] = None,
    ) -> r.HoldResult:
        attempt = holds.hold(
            info.context.services,
            info.context.actor,
            practitioner_id=practitioner_id,
            service_id=service_id,
            start=start,
            client_key=client_key,
        )
        return await outcome(
            attempt, lambda held: Hold(appointment=Appointment.from_row(held.appointment)), *r.HOLD
        )

    @strawberry.mutation
    async def release_hold(self, info: Info, appointment_id: strawberry.ID) -> r.ReleaseResult:
        attempt = holds.release_hold(
            info.context.services, info.context.actor, appointment_id=appointment_id
        )
        return await outcome(attempt, Appointment.from_row, *r.RELEASE)

    @strawberry.mutation(
        description="Turn a hold into a booking for one of the user's patients: BOOKED, REQUESTED (approval required) or PROVISIONAL (provisional patient)."
    )
    async def request(
        self,
        info: Info,
        appointment_id: strawberry.ID,
        patient_id: strawberry.ID,
        note: str | None = None,
    ) -> r.AppointmentResult:
        attempt = holds.request(
            info.context.services,
            info.context.actor,
            appointment_id=appointment_id,
            patient_id=patient_id,
            note=note,
        )
        return await outcome(attempt, Appointment.from_row, *r.APPOINTMENT)

    # ------------------------------------------------------------ staff set-up

    @strawberry.mutation(
        description="Staff: a new patient record; sendInvitation emails them an invitation to the portal (needs an email and consent)."
    )
    async def create_patient(
        self, info: Info, input: PatientInput, send_invitation: bool = False
    ) -> r.PatientResult:
        attempt = patients.create_patient(
            info.context.services, info.context.actor, input.to_data()
        )
        return await outcome(attempt, Patient.from_row, *r.PATIENT)

    @strawberry.mutation(
        description="Staff: change contact details or consent; an email change makes pending invitations to the old address stale."
    )
    async def update_patient(
        self, info: Info, patient_id: strawberry.ID, input: PatientInput
    ) -> r.PatientResult:
        attempt = patients.update_patient(
            info.context.services, info.context.actor, patient_id=patient_id, data=input.to_data()
        )
        return await outcome(attempt, Patient.from_row, *r.PATIENT)

    @strawberry.mutation
    async def create_practitioner(
        self,
        info: Info,
        name: str,
        online_access: bool = False,
        service_ids: list[strawberry.ID] | None = None,
    ) -> r.PractitionerResult:
        attempt = clinic_setup.create_practitioner(
            info.context.services,
            info.context.actor,
            name=name,
            online_access=online_access,
            service_ids=service_ids or [],
        )
        return await outcome(attempt, Practitioner.from_row, *r.SETUP)

    @strawberry.mutation
    async def set_online_access(
        self, info: Info, practitioner_id: strawberry.ID, enabled: bool
    ) -> r.PractitionerResult:
        attempt = clinic_setup.set_online_access(
            info.context.services,
            info.context.actor,
            practitioner_id=practitioner_id,
            enabled=enabled,
        )
        return await outcome(attempt, Practitioner.from_row, *r.SETUP)

    @strawberry.mutation
    async def create_location(self, info: Info, name: str) -> r.LocationResult:
        attempt = clinic_setup.create_location(info.context.services, info.context.actor, name=name)
        return await outcome(attempt, Location.from_row, *r.SETUP_NO_LOOKUP)

    @strawberry.mutation
    async def create_service(
        self, info: Info, name: str, duration_minutes: int, bookable_online: bool = True
    ) -> r.ServiceResult:
        attempt = clinic_setup.create_service(
            info.context.services,
            info.context.actor,
            name=name,
            duration_minutes=duration_minutes,
            bookable_online=bookable_online,
        )
        return await outcome(attempt, Service.from_row, *r.SETUP_NO_LOOKUP)

    @strawberry.mutation
    async def create_session_series(
        self, info: Info, input: SessionSeriesInput
    ) -> r.SessionSeriesResult:
        attempt = clinic_setup.create_session_series(
            info.context.services, info.context.actor, input.to_data()
        )
        return await outcome(attempt, SessionSeries.from_row, *r.SETUP)

    @strawberry.mutation(
        description="Staff: switch one session series in or out of online booking, or end it."
    )
    async def update_session_series(
        self,
        info: Info,
        session_series_id: strawberry.ID,
        available_online: bool | None = None,
        valid_until: date | None = None,
    ) -> r.SessionSeriesResult:
        attempt = clinic_setup.update_session_series(
            info.context.services,
            info.context.actor,
            session_series_id=session_series_id,
            available_online=available_online,
            valid_until=valid_until,
        )
        return await outcome(attempt, SessionSeries.from_row, *r.SETUP)

    @strawberry.mutation
    async def update_clinic_settings(
        self, info: Info, input: ClinicSettingsInput
    ) -> r.SettingsResult:
        attempt = clinic_setup.update_clinic_settings(
            info.context.services, info.context.actor, input.to_data()
        )
        return await outcome(attempt, ClinicSettings.from_row, *r.SETUP_NO_LOOKUP)
