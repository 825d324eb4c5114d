"""The contract's appointment statuses are the domain's that are ever shown."""

from __future__ import annotations

from domain.appointments import AppointmentStatus, is_shown
from schema.core.enums import AppointmentStatus as Shown


def test_every_shown_domain_status_is_in_the_schema_and_no_other() -> None:
    assert {s.value for s in Shown} == {s.value for s in AppointmentStatus if is_shown(s)}
