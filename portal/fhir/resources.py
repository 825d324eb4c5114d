"""Our rows as FHIR R4 resources (plain JSON objects): Practitioner, Location and
HealthcareService. Ids are ours; a service is also a code in the clinic's own system,
so that a Slot or Schedule can name it as `serviceType`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.availability import OpenSlot
from persistence.models import LocationRow, PractitionerRow, ServiceRow
from persistence.repositories.catalog import OnlineSchedule


def service_system(public_url: str) -> str:
    """The code system of the clinic's services: their ids, displayed by name."""
    return f"{public_url}/fhir/R4/CodeSystem/services"


def practitioner(row: PractitionerRow) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "id": str(row.id),
        "active": True,
        # One name as the clinic writes it; we keep no family/given split.
        "name": [{"text": row.name}],
    }


def location(row: LocationRow) -> dict[str, Any]:
    return {
        "resourceType": "Location",
        "id": str(row.id),
        "status": "active",
        "name": row.name,
        "mode": "instance",
    }


def healthcare_service(row: ServiceRow, public_url: str) -> dict[str, Any]:
    return {
        "resourceType": "HealthcareService",
        "id": str(row.id),
        "active": True,
        "name": row.name,
        "type": [service_type(public_url, row.id, row.name)],
        "appointmentRequired": True,
        "extension": [
            {
                "url": f"{public_url}/fhir/R4/StructureDefinition/duration-minutes",
                "valueInteger": row.duration_minutes,
            }
        ],
    }


def service_type(public_url: str, service_id: int, name: str) -> dict[str, Any]:
    return {
        "coding": [
            {"system": service_system(public_url), "code": str(service_id), "display": name}
        ],
        "text": name,
    }


def schedule_id(practitioner_id: int, location_id: int) -> str:
    return f"{practitioner_id}-{location_id}"


def schedule(
    found: OnlineSchedule,
    names: dict[str, dict[int, str]],
    horizon: tuple[datetime, datetime],
    public_url: str,
) -> dict[str, Any]:
    return {
        "resourceType": "Schedule",
        "id": schedule_id(found.practitioner_id, found.location_id),
        "active": True,
        "serviceType": [
            service_type(public_url, s, names["service"].get(s, "")) for s in found.service_ids
        ],
        "actor": [
            {
                "reference": f"Practitioner/{found.practitioner_id}",
                "display": names["practitioner"].get(found.practitioner_id, ""),
            },
            {
                "reference": f"Location/{found.location_id}",
                "display": names["location"].get(found.location_id, ""),
            },
        ],
        "planningHorizon": {
            "start": horizon[0].isoformat(timespec="seconds"),
            "end": horizon[1].isoformat(timespec="seconds"),
        },
    }


def slot(
    schedule_ref: str, service_id: int, service_name: str, opening: OpenSlot, public_url: str
) -> dict[str, Any]:
    """A free time; its id names the schedule, the service and the start (UTC)."""
    utc = opening.start.astimezone(UTC)
    return {
        "resourceType": "Slot",
        "id": f"{schedule_ref}-{service_id}-{utc:%Y%m%d%H%M}",
        "schedule": {"reference": f"Schedule/{schedule_ref}"},
        "serviceType": [service_type(public_url, service_id, service_name)],
        "status": "free",
        "start": opening.start.isoformat(timespec="seconds"),
        "end": opening.end.isoformat(timespec="seconds"),
    }
