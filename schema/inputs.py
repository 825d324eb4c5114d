"""Input types of the contract, turned into the use cases' plain dataclasses."""

from __future__ import annotations

from datetime import date

import strawberry

from resolvers.clinic_setup import ClinicSettingsInput as SettingsData
from resolvers.clinic_setup import SessionSeriesInput as SeriesData
from resolvers.patients import PatientInput as PatientData


@strawberry.input
class PatientInput:
    name: str | None = None
    birth_date: date | None = None
    email: str | None = None
    phone: str | None = None
    contact_consent: bool | None = None

    def to_data(self) -> PatientData:
        return PatientData(
            name=self.name,
            birth_date=self.birth_date,
            email=self.email,
            phone=self.phone,
            contact_consent=self.contact_consent,
        )


@strawberry.input
class SessionSeriesInput:
    practitioner_id: strawberry.ID
    location_id: strawberry.ID
    weekday: int
    start_time: str
    end_time: str
    valid_from: date
    valid_until: date | None = None
    available_online: bool = True

    def to_data(self) -> SeriesData:
        return SeriesData(
            practitioner_id=self.practitioner_id,
            location_id=self.location_id,
            weekday=self.weekday,
            start_time=self.start_time,
            end_time=self.end_time,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            available_online=self.available_online,
        )


@strawberry.input
class ClinicSettingsInput:
    hold_minutes: int | None = None
    approval_required: bool | None = None
    patient_cancel_enabled: bool | None = None
    booking_horizon_days: int | None = None
    minimum_notice_minutes: int | None = None
    rejection_email_includes_reason: bool | None = None
    notification_email: str | None = None
    time_zone: str | None = None

    def to_data(self) -> SettingsData:
        return SettingsData(
            hold_minutes=self.hold_minutes,
            approval_required=self.approval_required,
            patient_cancel_enabled=self.patient_cancel_enabled,
            booking_horizon_days=self.booking_horizon_days,
            minimum_notice_minutes=self.minimum_notice_minutes,
            rejection_email_includes_reason=self.rejection_email_includes_reason,
            notification_email=self.notification_email,
            time_zone=self.time_zone,
        )
