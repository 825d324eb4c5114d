"""`Appointment/$find` (IHE ITI-115): times one could hold now, as `proposed`
Appointments, found in the free Slots of every schedule that matches."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.actors import Actor
from persistence.repositories.catalog import OnlineSchedule
from portal.fhir.answers import FhirProblem
from portal.fhir.search import DEFAULT_COUNT, MAX_COUNT
from portal.fhir.slots import SlotSearch, free_slots, instant
from resolvers.booking.available_slots import MAX_WINDOW_DAYS
from resolvers.booking.schedules import online_schedules
from resolvers.deps import Deps
from resolvers.setup.read_setup import clinic_for

MAX_PARAMETERS = 50
DATES = ("valueDate", "valueDateTime", "valueInstant", "valueString")
REFERENCES = ("valueReference", "valueString")
CODES = ("valueCoding", "valueCodeableConcept", "valueCode", "valueString", "valueToken")


def parameters(body: bytes) -> dict[str, list[dict[str, Any]]]:
    """The Parameters resource's entries by name."""
    try:
        given = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FhirProblem(
            400, "invalid", "The body must be a Parameters resource in JSON."
        ) from None
    if not isinstance(given, dict) or given.get("resourceType") != "Parameters":
        raise FhirProblem(400, "invalid", "The body must be a Parameters resource.")
    entries = given.get("parameter", [])
    if not isinstance(entries, list) or len(entries) > MAX_PARAMETERS:
        raise FhirProblem(400, "invalid", f"parameter must be a list of at most {MAX_PARAMETERS}.")
    named: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise FhirProblem(400, "invalid", "Each parameter needs a name.")
        named.setdefault(entry["name"][:60], []).append(entry)
    return named


def value_of(named: dict[str, list[dict[str, Any]]], name: str, kinds: tuple[str, ...]) -> Any:
    entries = named.get(name, [])
    if len(entries) > 1:
        raise FhirProblem(400, "invalid", f"{name} may be given once.")
    if not entries:
        return None
    for kind in kinds:
        if kind in entries[0]:
            return entries[0][kind]
    raise FhirProblem(400, "invalid", f"{name} must be one of {', '.join(kinds)}.")


def reference_id(value: Any, kind: str, name: str) -> int | None:
    """The id of a `<kind>/<id>` reference (or of the bare id); None when not given."""
    if value is None:
        return None
    text = value.get("reference") if isinstance(value, dict) else value
    if not isinstance(text, str):
        raise FhirProblem(400, "invalid", f"{name} must reference a {kind}.")
    code = text.removeprefix(f"{kind}/")
    if not code.isdigit() or len(code) > 18:
        raise FhirProblem(400, "invalid", f"{name} must reference a {kind}: {kind}/<id>.")
    return int(code)


def service_code(value: Any) -> int | None:
    """A service's code: as a Coding, a CodeableConcept's first coding, or the code."""
    if value is None:
        return None
    if isinstance(value, dict) and "coding" in value:
        codings = value["coding"]
        value = codings[0] if isinstance(codings, list) and codings else {}
    code = value.get("code") if isinstance(value, dict) else value
    if not isinstance(code, str) or not code.isdigit() or len(code) > 18:
        raise FhirProblem(400, "invalid", "visit-type must be a HealthcareService code.")
    return int(code)


def _count(value: Any) -> int:
    if value is None:
        return DEFAULT_COUNT
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise FhirProblem(400, "invalid", "_count must be a whole number from 1 to 100.")
    return min(value, MAX_COUNT)


@dataclass(frozen=True)
class FindRequest:
    start: datetime
    end: datetime
    practitioner_id: int | None
    location_id: int | None
    service_id: int | None
    count: int

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days + 1)


async def find_request(deps: Deps, actor: Actor | None, body: bytes) -> FindRequest:
    named = parameters(body)
    zone = ZoneInfo((await clinic_for(deps, actor)).time_zone)
    start, end = (_date(value_of(named, n, DATES), n, zone) for n in ("start", "end"))
    if not start < end <= start + timedelta(days=MAX_WINDOW_DAYS):
        raise FhirProblem(
            400, "invalid", f"end must follow start, at most {MAX_WINDOW_DAYS} days on."
        )
    return FindRequest(
        start,
        end,
        reference_id(value_of(named, "practitioner", REFERENCES), "Practitioner", "practitioner"),
        reference_id(
            value_of(named, "location-reference", REFERENCES), "Location", "location-reference"
        ),
        service_code(value_of(named, "visit-type", CODES) or value_of(named, "specialty", CODES)),
        _count(value_of(named, "_count", ("valueInteger", "valueString"))),
    )


async def matching_schedules(
    deps: Deps, actor: Actor | None, asked: FindRequest
) -> list[OnlineSchedule]:
    return [
        s
        for s in (await online_schedules(deps, actor)).found
        if asked.practitioner_id in (None, s.practitioner_id)
        and asked.location_id in (None, s.location_id)
    ]


async def find(
    deps: Deps, actor: Actor | None, asked: FindRequest, schedules: list[OnlineSchedule]
) -> list[dict[str, Any]]:
    """Proposed Appointments, earliest first, at most `_count`."""
    found: list[dict[str, Any]] = []
    for schedule in schedules:
        window = SlotSearch(
            schedule.practitioner_id,
            schedule.location_id,
            asked.start,
            asked.end,
            asked.service_id,
            True,
            False,
        )
        slots = await free_slots(deps, actor, window)
        found += [proposed(s, schedule.practitioner_id, schedule.location_id) for s in slots]
    return sorted(found, key=_earliest)[: asked.count]


def _earliest(proposal: dict[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(proposal["start"]), proposal["slot"][0]["reference"]


def proposed(slot: dict[str, Any], practitioner_id: int, location_id: int) -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "status": "proposed",
        "serviceType": slot["serviceType"],
        "start": slot["start"],
        "end": slot["end"],
        "slot": [{"reference": f"Slot/{slot['id']}"}],
        "participant": [
            {"actor": {"reference": f"Practitioner/{practitioner_id}"}, "status": "needs-action"},
            {"actor": {"reference": f"Location/{location_id}"}, "status": "needs-action"},
        ],
    }


def _date(value: Any, name: str, zone: ZoneInfo) -> datetime:
    if value is None:
        raise FhirProblem(400, "required", f"{name} is required.")
    if not isinstance(value, str):
        raise FhirProblem(400, "invalid", f"{name} must be a date or a time with its offset.")
    return instant(value, zone)
