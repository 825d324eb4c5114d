"""The Mutation type: each field converts arguments, runs one use case, maps its outcome."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime
from typing import Annotated

import strawberry

from resolvers import (
    auth,
    clinic_setup,
    holds,
    invitations,
    patients,
    registrations,
    requests,
    visits,
)
from schema import results as r
from schema.context import Info
from schema.inputs import ClinicSettingsInput, PatientInput, SessionSeriesInput
from schema.problems import outcome, to_problem
from schema.types import (
    Appointment,
    BulkInviteResult,
    BulkInviteSkip,
    CancelRequested,
    ClinicSettings,
    Hold,
    Invitation,
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

    # ------------------------------------------------------------ the clinic's answer

    @strawberry.mutation(
        description="Staff: confirm a requested or provisional appointment. For a provisional patient, name the existing patient to merge into, or createPatient to admit them as new; with neither, a single strong match is used and several give PatientChoiceRequired."
    )
    async def accept(
        self,
        info: Info,
        appointment_id: strawberry.ID,
        patient_id: strawberry.ID | None = None,
        create_patient: bool | None = None,
    ) -> r.AppointmentResult:
        attempt = requests.accept(
            info.context.services,
            info.context.actor,
            appointment_id=appointment_id,
            patient_id=patient_id,
            create_patient=create_patient,
        )
        return await outcome(attempt, Appointment.from_row, *r.APPOINTMENT)

    @strawberry.mutation(
        description="Staff: refuse a request; the slot is freed and the patient told, with the reason when notifyPatient is true."
    )
    async def reject(
        self,
        info: Info,
        appointment_id: strawberry.ID,
        reason: str | None = None,
        notify_patient: bool = True,
    ) -> r.AppointmentResult:
        attempt = requests.reject(
            info.context.services,
            info.context.actor,
            appointment_id=appointment_id,
            reason=reason,
            notify_patient=notify_patient,
        )
        return await outcome(attempt, Appointment.from_row, *r.APPOINTMENT)

    @strawberry.mutation(
        description="Staff: fold a provisional patient from an online registration into an existing patient; its users and appointments move over and no duplicate remains."
    )
    async def merge(
        self, info: Info, provisional_patient_id: strawberry.ID, into_patient_id: strawberry.ID
    ) -> r.PatientResult:
        attempt = registrations.merge(
            info.context.services,
            info.context.actor,
            provisional_patient_id=provisional_patient_id,
            into_patient_id=into_patient_id,
        )
        return await outcome(attempt, Patient.from_row, *r.PATIENT)

    @strawberry.mutation(description="Staff: admit a provisional patient as a new patient record.")
    async def confirm_registration(
        self, info: Info, provisional_patient_id: strawberry.ID
    ) -> r.PatientResult:
        attempt = registrations.confirm_registration(
            info.context.services, info.context.actor, provisional_patient_id=provisional_patient_id
        )
        return await outcome(attempt, Patient.from_row, *r.PATIENT)

    # ------------------------------------------------------------ accounts

    @strawberry.mutation(description="Staff: let an email address manage a patient's appointments.")
    async def invite(
        self,
        info: Info,
        patient_id: strawberry.ID,
        email: str,
        require_verification_code: bool = False,
    ) -> r.InvitationResult:
        attempt = invitations.invite(
            info.context.services,
            info.context.actor,
            patient_id=patient_id,
            email=email,
            requires_code=require_verification_code,
        )
        return await outcome(attempt, Invitation.from_view, *r.INVITATION)

    @strawberry.mutation
    async def resend_invitation(
        self, info: Info, invitation_id: strawberry.ID
    ) -> r.InvitationResult:
        attempt = invitations.resend_invitation(
            info.context.services, info.context.actor, invitation_id=invitation_id
        )
        return await outcome(attempt, Invitation.from_view, *r.INVITATION)

    @strawberry.mutation
    async def delete_invitation(
        self, info: Info, invitation_id: strawberry.ID
    ) -> r.InvitationResult:
        attempt = invitations.delete_invitation(
            info.context.services, info.context.actor, invitation_id=invitation_id
        )
        return await outcome(attempt, Invitation.from_view, *r.INVITATION)

    @strawberry.mutation
    async def bulk_invite(self, info: Info, patient_ids: list[strawberry.ID]) -> BulkInviteResult:
        done = await invitations.bulk_invite(
            info.context.services, info.context.actor, patient_ids=patient_ids
        )
        return BulkInviteResult(
            invited=[Invitation.from_view(v) for v in done.invited],
            skipped=[
                BulkInviteSkip(
                    patient=Patient.from_row(s.patient), problem=to_problem(s.problem, r.INVITATION)
                )
                for s in done.skipped
            ],
        )

    @strawberry.mutation(
        description="The signed-in user accepts an invitation and gains the patient."
    )
    async def accept_invitation(
        self, info: Info, token: str, verification_code: str | None = None
    ) -> r.AcceptInvitationResult:
        attempt = invitations.accept_invitation(
            info.context.services,
            info.context.actor,
            token=token,
            verification_code=verification_code,
        )
        return await outcome(attempt, Patient.from_row, *r.ACCEPT_INVITATION)

    @strawberry.mutation(
        description="Staff: give an online user access to a patient record (themselves or a family member)."
    )
    async def link(
        self, info: Info, user_id: strawberry.ID, patient_id: strawberry.ID
    ) -> r.PatientResult:
        attempt = registrations.link(
            info.context.services, info.context.actor, user_id=user_id, patient_id=patient_id
        )
        return await outcome(attempt, Patient.from_row, *r.PATIENT)

    # ------------------------------------------------------------ visits

    @strawberry.mutation(description="Client portal: the patient will attend.")
    async def confirm_visit(self, info: Info, appointment_id: strawberry.ID) -> r.AppointmentResult:
        attempt = visits.confirm_visit(
            info.context.services, info.context.actor, appointment_id=appointment_id
        )
        return await outcome(attempt, Appointment.from_row, *r.APPOINTMENT)

    @strawberry.mutation(
        description="Client portal: the patient will not attend; the clinic is told and the visit shows as pending cancel."
    )
    async def cancel_visit(self, info: Info, appointment_id: strawberry.ID) -> r.CancelResult:
        attempt = visits.cancel_visit(
            info.context.services, info.context.actor, appointment_id=appointment_id
        )
        return await outcome(
            attempt,
            lambda done: CancelRequested(
                appointment=Appointment.from_row(done.appointment), notice=done.notice
            ),
            *r.CANCEL,
        )

    @strawberry.mutation(
        description="Client portal: undo confirm or cancel (the clinic is told of an un-cancel)."
    )
    async def clear_visit_response(
        self, info: Info, appointment_id: strawberry.ID
    ) -> r.AppointmentResult:
        attempt = visits.clear_visit_response(
            info.context.services, info.context.actor, appointment_id=appointment_id
        )
        return await outcome(attempt, Appointment.from_row, *r.APPOINTMENT)

    @strawberry.mutation(
        description="Staff: book directly in the diary (a phone or front-desk booking, not created online); past times are allowed to record visits already held."
    )
    async def book_appointment(
        self,
        info: Info,
        patient_id: strawberry.ID,
        practitioner_id: strawberry.ID,
        service_id: strawberry.ID,
        start: datetime,
        location_id: strawberry.ID | None = None,
        note: str | None = None,
    ) -> r.AppointmentResult:
        attempt = visits.book_appointment(
            info.context.services,
            info.context.actor,
            patient_id=patient_id,
            practitioner_id=practitioner_id,
            service_id=service_id,
            start=start,
            location_id=location_id,
            note=note,
        )
        return await outcome(attempt, Appointment.from_row, *r.APPOINTMENT)

    @strawberry.mutation(description="Staff: the visit took place.")
    async def complete_appointment(
        self, info: Info, appointment_id: strawberry.ID
    ) -> r.AppointmentResult:
        attempt = visits.complete_appointment(
            info.context.services, info.context.actor, appointment_id=appointment_id
        )
        return await outcome(attempt, Appointment.from_row, *r.APPOINTMENT)

    @strawberry.mutation(description="Staff: officially cancel; the slot is freed.")
    async def cancel_appointment(
        self, info: Info, appointment_id: strawberry.ID, reason: str | None = None
    ) -> r.AppointmentResult:
        attempt = visits.cancel_appointment(
            info.context.services, info.context.actor, appointment_id=appointment_id, reason=reason
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
            info.context.services,
            info.context.actor,
            input.to_data(),
            send_invitation=send_invitation,
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
        service_ids: list[strawberry.ID] = [],  # noqa: B006 (a GraphQL default, never mutated)
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
