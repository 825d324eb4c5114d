"""Every FHIR resource a test receives is checked by two model libraries no one here
wrote: `fhirclient`'s models of FHIR 4.0.1 (R4 itself), strictly, and `fhir.resources`'
R4B models (close to R4 for these resources). Either refusing fails the test."""

from __future__ import annotations

from typing import Any

import httpx
from fhir.resources.R4B import get_fhir_model_class
from fhirclient.models.fhirelementfactory import FHIRElementFactory

FHIR_JSON = "application/fhir+json"


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    kind = resource["resourceType"]
    FHIRElementFactory.instantiate(kind, resource)  # strict: unknown or mistyped fields raise
    get_fhir_model_class(kind).model_validate(resource)
    return resource


def fhir_answer(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    """The answer's resource, after its status, media type and validity are checked."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(FHIR_JSON), response.headers
    return valid(response.json())


def issue_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The one issue of an OperationOutcome answered with `status`."""
    found = fhir_answer(response, status)
    assert found["resourceType"] == "OperationOutcome", found
    (issue,) = found["issue"]
    assert issue["diagnostics"], issue
    return dict(issue)
