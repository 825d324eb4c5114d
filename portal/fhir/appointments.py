"""Appointment read and search: the visits the caller may see, as `appointment(id)` and
the `appointments` connection show them (same use cases, same policy), with the
patient's reference only for those who may see whose visit it is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams

from domain.actors import Actor
from domain.appointments import AppointmentStatus
from domain.paging import PageArguments
from domain.policy import NO_APPOINTMENTS, appointments_visible_to, may_see_patient_reference
from persistence.models import AppointmentRow
from portal.fhir import resources
from portal.fhir.answers import FhirProblem
from portal.fhir.search import bundle, parse_search
from portal.fhir.slots import window
from resolvers.deps import Deps
from resolvers.setup.read_setup import clinic, named
from resolvers.visits.list_appointments import (
    AppointmentFilterInput,
    appointments,
    count_appointments,
)
from resolvers.visits.read_visits import appointment

#: Appointment's own search parameters (beside `_count` and `_cursor`).
APPOINTMENT_PARAMETERS = frozenset({"patient", "practitioner", "date", "status", "_include"})
#: Ours, as FHIR's Appointment.status says them.
TO_FHIR = {
    AppointmentStatus.TEMPORARY: "pending",
    AppointmentStatus.REQUESTED: "pending",
    AppointmentStatus.PROVISIONAL: "pending",
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.COMPLETED: "fulfilled",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.REJECTED: "cancelled",
    AppointmentStatus.LAPSED: "cancelled",
}
FROM_FHIR: dict[str, list[AppointmentStatus]] = {}
for ours, theirs in TO_FHIR.items():
    if ours is not AppointmentStatus.LAPSED:
        FROM_FHIR.setdefault(theirs, []).append(ours)
INCLUDES = {"Appointment:practitioner": "Practitioner", "Appointment:location": "Location"}
_REFERENCE = re.compile(r"(?:(Patient|Practitioner)/)?(\d{1,18})")


def appointment_resource(
    row: AppointmentRow, actor: Actor | None, zone: ZoneInfo, public_url: str, service: str
) -> dict[str, Any]:
    participants: list[dict[str, Any]] = [
        {"actor": {"reference": f"Practitioner/{row.practitioner_id}"}, "status": "accepted"},
        {"actor": {"reference": f"Location/{row.location_id}"}, "status": "accepted"},
    ]
    if row.patient_id is not None and may_see_patient_reference(actor):
        participants.append(
            {"actor": {"reference": f"Patient/{row.patient_id}"}, "status": "accepted"}
        )
    found: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": str(row.id),
        "status": TO_FHIR[AppointmentStatus(row.status)],
        "serviceType": [resources.service_type(public_url, row.service_id, service)],
        "start": row.start_at.astimezone(zone).isoformat(timespec="seconds"),
        "end": row.end_at.astimezone(zone).isoformat(timespec="seconds"),
        "minutesDuration": int((row.end_at - row.start_at).total_seconds() // 60),
        "created": row.created_at.astimezone(zone).isoformat(timespec="seconds"),
        "participant": participants,
    }
    if row.status == AppointmentStatus.REJECTED.value:
        found["cancelationReason"] = {"text": "Not accepted by the clinic"}
    return found


async def read_appointment(
    deps: Deps, actor: Actor | None, wanted: str, public_url: str
) -> dict[str, Any]:
    row = await appointment(deps, actor, id=wanted)
    if row is None:  # missing, or someone else's: the same answer
        raise FhirProblem(404, "not-found", f"No Appointment {wanted[:40]!r}.")
    zone, names = await _zone_and_services(deps)
    return appointment_resource(row, actor, zone, public_url, names.get(row.service_id, ""))


async def search_appointments(
    deps: Deps,
    actor: Actor | None,
    params: QueryParams,
    base: str,
    public_url: str,
    *,
    strict: bool,
) -> dict[str, Any]:
    if actor is not None and actor.is_client and appointments_visible_to(actor) == NO_APPOINTMENTS:
        raise FhirProblem(
            403, "forbidden", "This API client's scopes do not grant appointments:read."
        )
    asked = parse_search(params, strict=strict, own=APPOINTMENT_PARAMETERS, ids=False)
    zone, names = await _zone_and_services(deps)
    chosen = _filter(params, zone)
    page = await appointments(
        deps, actor, filter=chosen, page=PageArguments(first=max(1, asked.count), after=asked.after)
    )
    total = await count_appointments(deps, actor, filter=chosen)
    found = [
        appointment_resource(row, actor, zone, public_url, names.get(row.service_id, ""))
        for row in page.items
    ]
    included = await _included(deps, params.getlist("_include"), page.items, base)
    more = page.cursors[-1] if page.has_next and page.cursors else None
    return bundle(base, "Appointment", found, total, asked, more, included)


async def _zone_and_services(deps: Deps) -> tuple[ZoneInfo, dict[int, str]]:
    zone = ZoneInfo((await clinic(deps)).time_zone)
    return zone, {key: row.name for key, row in (await named(deps)).services.items()}


def _filter(params: QueryParams, zone: ZoneInfo) -> AppointmentFilterInput:
    statuses: list[AppointmentStatus] = []
    for value in params.getlist("status"):
        for status in value.split(","):
            if status not in FROM_FHIR:
                raise FhirProblem(
                    400, "invalid", f"status must be one of {', '.join(sorted(FROM_FHIR))}."
                )
            statuses += FROM_FHIR[status]
    dates = params.getlist("date")
    start = end = None
    if dates:
        lower, upper = window(dates, zone, "date")
        start, end = lower[0], upper[0]
    return AppointmentFilterInput(
        practitioner_id=_reference(params, "practitioner", "Practitioner"),
        patient_id=_reference(params, "patient", "Patient"),
        status=statuses or None,
        from_=start,
        to=end,
    )


def _reference(params: QueryParams, name: str, kind: str) -> str | None:
    values = params.getlist(name)
    if not values:
        return None
    matched = _REFERENCE.fullmatch(values[0]) if len(values) == 1 else None
    if matched is None or matched[1] not in (None, kind):
        raise FhirProblem(400, "invalid", f"{name} must be {kind}/<id>, once.")
    return matched[2]


async def _included(
    deps: Deps, includes: list[str], rows: Sequence[AppointmentRow], base: str
) -> list[dict[str, Any]]:
    """The practitioners and places of this page's visits, once each."""
    wanted = {INCLUDES.get(name) for name in includes}
    if None in wanted:
        raise FhirProblem(400, "not-supported", f"_include may be {' or '.join(sorted(INCLUDES))}.")
    if not wanted:
        return []
    names = await named(deps)
    included: list[dict[str, Any]] = []
    if "Practitioner" in wanted:
        for key in sorted({row.practitioner_id for row in rows}):
            included.append(_include(base, resources.practitioner(names.practitioners[key])))
    if "Location" in wanted:
        for key in sorted({row.location_id for row in rows}):
            included.append(_include(base, resources.location(names.locations[key])))
    return included


def _include(base: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
        "search": {"mode": "include"},
    }
