"""The clinic's rules for patients changing visits online, read from its settings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.rescheduling import ChangeRules
from persistence.models import ClinicRow


def change_rules(clinic: ClinicRow) -> ChangeRules:
    return ChangeRules.of(
        cancel_notice_hours=clinic.cancel_notice_hours,
        reschedule_notice_hours=clinic.reschedule_notice_hours,
        max_reschedules=clinic.max_reschedules,
        cancel_online=clinic.patient_cancel_enabled,
        moved_visits_need_approval=clinic.moved_visits_need_approval,
        phone=clinic.phone,
        zone=ZoneInfo(clinic.time_zone),
    )
