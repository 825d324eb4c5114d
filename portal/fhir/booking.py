"""`Appointment/$hold` (IHE ITI-116) and `Appointment/$book` (ITI-117): a proposed
Appointment from `$find` held for the caller, then booked for a patient (or cancelled),
through the same use cases as GraphQL's `hold`, `request`, `releaseHold` and
`cancelAppointment`, so the same policy, caps and lapse apply."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.actors import Actor
from domain.appointments import AppointmentStatus
from domain.errors import InvalidInput, NotFound
from persistence.models import AppointmentRow
from portal.fhir.answers import FhirProblem
from portal.fhir.appointments import appointment_resource
from portal.fhir.find import REFERENCES, parameters, reference_id, service_code, value_of
from resolvers.booking.hold_slot import hold
from resolvers.booking.release_hold import release_hold
from resolvers.booking.request_slot import request
from resolvers.deps import Deps
from resolvers.setup.read_setup import clinic, named
from resolvers.visits.staff_outcomes import cancel_appointment

#: Where a hold's expiry is told: no IG defines one (documented in docs/partners.md).
HELD_UNTIL = "/fhir/StructureDefinition/appointment-held-until"
_SLOT = re.compile(r"(?:Slot/)?(\d{1,18})-(\d{1,18})-(\d{1,18})-(\d{12})")
MAX_COMMENT = 2000


@dataclass(frozen=True)
class HoldRequest:
    practitioner_id: int
    service_id: int
    start: datetime


def hold_request(body: bytes) -> HoldRequest:
    """The time to hold, from the `appointment-resource` `$find` proposed: its Slot
    reference, or else its practitioner, service type and start."""
    proposal = _resource(parameters(body), "appointment-resource", required=True)
    assert proposal is not None
    slot = _slot_of(proposal)
    if slot is not None:
        return slot
    practitioner = _participant(proposal, "Practitioner")
    service = _first_service(proposal)
    start = proposal.get("start")
    if practitioner is None or service is None or not isinstance(start, str):
        raise FhirProblem(
            400,
            "required",
            "appointment-resource needs a slot reference, or a Practitioner participant, "
            "a serviceType and a start.",
        )
    return HoldRequest(practitioner, service, _instant(start))


@dataclass(frozen=True)
class BookRequest:
    appointment_id: str
    patient_id: str | None
    cancel: bool
    note: str | None


def book_request(body: bytes) -> BookRequest:
    """What to book: the held appointment (`appointment-reference`, or the id of an
    `appointment-resource`) for `patient-reference` (or the resource's Patient
    participant); a resource with `status=cancelled` cancels instead."""
    named_parameters = parameters(body)
    given = _resource(named_parameters, "appointment-resource", required=False)
    reference = value_of(named_parameters, "appointment-reference", REFERENCES)
    appointment_id = _numbered(reference, "Appointment", "appointment-reference")
    if appointment_id is None and given is not None:
        appointment_id = _numbered(given.get("id"), "Appointment", "appointment-resource.id")
    if appointment_id is None:
        raise FhirProblem(
            400, "required", "Name the held appointment: appointment-reference Appointment/<id>."
        )
    patient = value_of(named_parameters, "patient-reference", REFERENCES)
    patient_id = _numbered(patient, "Patient", "patient-reference")
    if patient_id is None and given is not None:
        found = _participant(given, "Patient")
        patient_id = None if found is None else str(found)
    cancel = given is not None and given.get("status") == "cancelled"
    if not cancel and patient_id is None:
        raise FhirProblem(400, "required", "patient-reference is required: Patient/<id>.")
    comment = given.get("comment") if given is not None else None
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
        raise FhirProblem(400, "invalid", f"comment must be text of at most {MAX_COMMENT}.")
    return BookRequest(appointment_id, patient_id, cancel, comment)


async def hold_for(
    deps: Deps, actor: Actor, asked: HoldRequest, client_address: str | None, public_url: str
) -> dict[str, Any]:
    row = await hold(
        deps,
        actor,
        practitioner_id=str(asked.practitioner_id),
        service_id=str(asked.service_id),
        start=asked.start,
        client_key=None,
        client_address=client_address,
    )
    return await answer(deps, actor, row, public_url)


async def book(deps: Deps, actor: Actor, asked: BookRequest, public_url: str) -> dict[str, Any]:
    if asked.cancel:
        row = await _cancelled(deps, actor, asked)
    else:
        assert asked.patient_id is not None
        row = await request(
            deps,
            actor,
            appointment_id=asked.appointment_id,
            patient_id=asked.patient_id,
            note=asked.note,
        )
    return await answer(deps, actor, row, public_url)


async def _cancelled(deps: Deps, actor: Actor, asked: BookRequest) -> AppointmentRow:
    """The caller's hold given back at once; else a request or booking cancelled as
    `cancelAppointment` would (for staff, or a client with `appointments:write`)."""
    try:
        return await release_hold(deps, actor, appointment_id=asked.appointment_id)
    except (NotFound, InvalidInput):
        return await cancel_appointment(
            deps, actor, appointment_id=asked.appointment_id, reason=asked.note
        )


async def answer(deps: Deps, actor: Actor, row: AppointmentRow, public_url: str) -> dict[str, Any]:
    """The Appointment as the caller may see it; a live hold with when it lapses."""
    zone = ZoneInfo((await clinic(deps)).time_zone)
    found = (await named(deps)).services.get(row.service_id)
    service = found.name if found is not None else ""
    resource = appointment_resource(row, actor, zone, public_url, service)
    if row.status == AppointmentStatus.TEMPORARY.value and row.hold_expires_at is not None:
        lapses = row.hold_expires_at.astimezone(zone).isoformat(timespec="seconds")
        resource["extension"] = [{"url": f"{public_url}{HELD_UNTIL}", "valueDateTime": lapses}]
    return resource


def _resource(
    named_parameters: dict[str, list[dict[str, Any]]], name: str, *, required: bool
) -> dict[str, Any] | None:
    entries = named_parameters.get(name, [])
    if len(entries) > 1:
        raise FhirProblem(400, "invalid", f"{name} may be given once.")
    if not entries:
        if required:
            raise FhirProblem(400, "required", f"{name} is required: an Appointment.")
        return None
    resource = entries[0].get("resource")
    if not isinstance(resource, dict) or resource.get("resourceType") != "Appointment":
        raise FhirProblem(400, "invalid", f"{name} must hold an Appointment resource.")
    return resource


def _slot_of(proposal: dict[str, Any]) -> HoldRequest | None:
    slots = proposal.get("slot")
    if slots is None:
        return None
    if not isinstance(slots, list) or len(slots) != 1 or not isinstance(slots[0], dict):
        raise FhirProblem(400, "invalid", "appointment-resource.slot must name one Slot.")
    matched = _SLOT.fullmatch(str(slots[0].get("reference", ""))[:100])
    if not matched:
        raise FhirProblem(404, "not-found", "No such Slot: name one a Slot search or $find gave.")
    try:
        start = datetime.strptime(matched[4], "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        raise FhirProblem(404, "not-found", "No such Slot.") from None
    return HoldRequest(int(matched[1]), int(matched[3]), start)


def _participant(resource: dict[str, Any], kind: str) -> int | None:
    participants = resource.get("participant")
    if not isinstance(participants, list):
        return None
    for participant in participants[:20]:
        actor = participant.get("actor") if isinstance(participant, dict) else None
        text = actor.get("reference") if isinstance(actor, dict) else None
        if isinstance(text, str) and text.startswith(f"{kind}/"):
            code = text.removeprefix(f"{kind}/")
            if not code.isdigit() or len(code) > 18:
                raise FhirProblem(404, "not-found", f"No such {kind}.")
            return int(code)
    return None


def _first_service(resource: dict[str, Any]) -> int | None:
    types = resource.get("serviceType")
    if not isinstance(types, list) or not types:
        return None
    return service_code(types[0])


def _numbered(value: Any, kind: str, name: str) -> str | None:
    found = reference_id(value, kind, name)
    return None if found is None else str(found)


def _instant(text: str) -> datetime:
    try:
        found = datetime.fromisoformat(text[:40])
    except ValueError:
        raise FhirProblem(400, "invalid", "start must be a time with its offset.") from None
    if found.tzinfo is None:
        raise FhirProblem(400, "invalid", "start must carry its offset.")
    return found
