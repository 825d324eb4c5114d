"""updateClinicSettings (staff): change only what is given, all checked first."""

from __future__ import annotations

from dataclasses import dataclass

from domain.actors import Actor
from domain.language import check_language
from domain.policy import require_staff
from domain.reminders import check_reminder_hours
from domain.validation import (
    normalize_email,
    optional_text,
    parse_time_zone,
    require_not_negative,
    require_positive,
)
from persistence.models import ClinicRow
from resolvers.deps import Deps
from resolvers.unit_of_work import UnitOfWork


@dataclass
class ClinicSettingsInput:
    """Fields left None are not changed. The schema's input type is this class."""

    hold_minutes: int | None = None
    approval_required: bool | None = None
    patient_cancel_enabled: bool | None = None
    booking_horizon_days: int | None = None
    minimum_notice_minutes: int | None = None
    rejection_email_includes_reason: bool | None = None
    notification_email: str | None = None
    time_zone: str | None = None
    phone: str | None = None
    cancel_notice_hours: int | None = None
    reschedule_notice_hours: int | None = None
    max_reschedules: int | None = None
    moved_visits_need_approval: bool | None = None
    offer_minutes: int | None = None
    reminder_hours: list[int] | None = None
    publish_availability: bool | None = None
    language: str | None = None


async def update_clinic_settings(
    deps: Deps, actor: Actor | None, data: ClinicSettingsInput
) -> ClinicRow:
    """Change only what is given; every value is checked before anything is written."""
    require_staff(actor)
    changes: dict[str, object] = {}
    if data.hold_minutes is not None:
        changes["hold_minutes"] = require_positive(data.hold_minutes, "holdMinutes", 60)
    if data.booking_horizon_days is not None:
        changes["booking_horizon_days"] = require_positive(
            data.booking_horizon_days, "bookingHorizonDays", 730
        )
    if data.minimum_notice_minutes is not None:
        changes["minimum_notice_minutes"] = require_not_negative(
            data.minimum_notice_minutes, "minimumNoticeMinutes", 60 * 24 * 60
        )
    if data.notification_email is not None:
        changes["notification_email"] = (
            normalize_email(data.notification_email, "notificationEmail")
            if data.notification_email.strip()
            else None
        )
    for name, field, most in (
        ("cancel_notice_hours", "cancelNoticeHours", 720),
        ("reschedule_notice_hours", "rescheduleNoticeHours", 720),
        ("max_reschedules", "maxReschedules", 20),
    ):
        if (value := getattr(data, name)) is not None:
            changes[name] = require_not_negative(value, field, most)
    if data.offer_minutes is not None:
        changes["offer_minutes"] = require_positive(data.offer_minutes, "offerMinutes", 1440)
    if data.reminder_hours is not None:
        changes["reminder_hours"] = check_reminder_hours(data.reminder_hours)
    if data.language is not None:
        changes["language"] = check_language(data.language)
    if data.phone is not None:
        changes["phone"] = optional_text(data.phone, "phone", 40)
    if data.time_zone is not None:
        changes["time_zone"] = parse_time_zone(data.time_zone).key
    for name in (
        "approval_required",
        "patient_cancel_enabled",
        "rejection_email_includes_reason",
        "moved_visits_need_approval",
        "publish_availability",
    ):
        value = getattr(data, name)
        if value is not None:
            changes[name] = value
    async with UnitOfWork(deps) as uow:
        row = await uow.clinic.get()
        for name, value in changes.items():
            setattr(row, name, value)
        await uow.commit()
    return row
