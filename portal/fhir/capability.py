"""The CapabilityStatement: exactly what this endpoint serves, and where to get a token."""

from __future__ import annotations

from datetime import date
from typing import Any

#: Resource types served, each readable and searchable by the common parameters.
SERVED = ("Practitioner", "Location", "HealthcareService", "Schedule")
SOFTWARE = "Clinic portal booking API"


SLOT = {
    "type": "Slot",
    "documentation": (
        "Free times for anyone (status=free, the default); taken ones (busy, and "
        "busy-tentative while a hold takes them) for those who may read the diary "
        "(an API client: appointments:read). In the clinic's zone with its offset."
    ),
    "interaction": [{"code": "read"}, {"code": "search-type"}],
    "searchParam": [
        {"name": "schedule", "type": "reference", "documentation": "Required: Schedule/<id>."},
        {
            "name": "start",
            "type": "date",
            "documentation": "Required, twice: ge or gt, and lt or le; at most 62 days apart.",
        },
        {
            "name": "status",
            "type": "token",
            "documentation": "free (default), busy, busy-tentative; comma-separated.",
        },
        {"name": "service-type", "type": "token", "documentation": "A HealthcareService code."},
    ],
}


APPOINTMENT = {
    "type": "Appointment",
    "documentation": (
        "The visits the caller may see (an API client: appointments:read; the patient's "
        "reference also needs patients:read)."
    ),
    "interaction": [{"code": "read"}, {"code": "search-type"}],
    "searchInclude": ["Appointment:practitioner", "Appointment:location"],
    "operation": [
        {
            "name": "find",
            "definition": "https://profiles.ihe.net/ITI/SCHED/OperationDefinition/appointment-find",
            "documentation": (
                "POST Parameters: start and end (required, at most 62 days apart), "
                "practitioner, location-reference, visit-type or specialty (a "
                "HealthcareService code), _count. Answers proposed Appointments."
            ),
        },
        {
            "name": "hold",
            "definition": "https://profiles.ihe.net/ITI/SCHED/OperationDefinition/appointment-hold",
            "documentation": (
                "POST Parameters: appointment-resource (a proposed Appointment from $find). "
                "Needs appointments:write. Answers the pending Appointment (201) with "
                "its lapse in the extension appointment-held-until; a time just taken "
                "answers 409 conflict."
            ),
        },
        {
            "name": "book",
            "definition": "https://profiles.ihe.net/ITI/SCHED/OperationDefinition/appointment-book",
            "documentation": (
                "POST Parameters: appointment-reference (the hold) and patient-reference "
                "(needs appointments:write and patients:read). Answers booked, or pending "
                "where the clinic approves requests. An appointment-resource with "
                "status=cancelled gives the hold back or cancels the booking."
            ),
        },
    ],
    "searchParam": [
        {"name": "patient", "type": "reference"},
        {"name": "practitioner", "type": "reference"},
        {"name": "date", "type": "date", "documentation": "Twice: ge or gt, and lt or le."},
        {
            "name": "status",
            "type": "token",
            "documentation": "pending, booked, fulfilled, cancelled.",
        },
    ],
}


def capability_statement(base: str, token_url: str, today: date) -> dict[str, Any]:
    search_params = [
        {"name": "_id", "type": "token", "documentation": "Up to 100 ids, comma-separated."},
    ]
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": today.isoformat(),
        "kind": "instance",
        "software": {"name": SOFTWARE},
        "implementation": {"description": "The clinic's booking API over FHIR R4", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Anyone may read the clinic's directory; an API client needs the "
                    "availability:read scope. Pages hold at most 100 entries (_count); "
                    "the next page is the Bundle's next link."
                ),
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "OAuth",
                                }
                            ]
                        }
                    ],
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [{"url": "token", "valueUri": token_url}],
                        }
                    ],
                },
                "operation": [
                    {
                        "name": "bulk-publish",
                        "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/bulk-publish",
                        "documentation": (
                            "GET, no credentials: SMART Scheduling Links. The manifest names "
                            "NDJSON files of Location, Practitioner, Schedule and Slot (free "
                            "times, each with a booking-deep-link); a snapshot a minute; "
                            "_since honoured at the snapshot's grain."
                        ),
                    }
                ],
                "resource": [
                    {
                        "type": kind,
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": search_params,
                    }
                    for kind in SERVED
                ]
                + [SLOT, APPOINTMENT],
            }
        ],
    }
