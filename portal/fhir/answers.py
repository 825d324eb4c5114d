"""What the FHIR endpoint answers: resources as `application/fhir+json`, and every
refusal or fault as an OperationOutcome with FHIR's HTTP status, never HTML or a bare
500."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

FHIR_JSON = "application/fhir+json"


class FhirProblem(Exception):
    """An expected refusal: answered as an OperationOutcome with this status."""

    def __init__(self, status: int, code: str, diagnostics: str) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics


class Unauthenticated(FhirProblem):
    """401, with the bearer challenge (RFC 6750): `error="invalid_token"` for a token
    that signs nobody in, none when no token was sent."""

    def __init__(self, diagnostics: str, *, invalid_token: bool) -> None:
        super().__init__(401, "login", diagnostics)
        self.challenge = 'Bearer error="invalid_token"' if invalid_token else "Bearer"


def fhir_json(resource: dict[str, Any], status: int = 200, **headers: str) -> Response:
    return Response(
        json.dumps(resource, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        media_type=FHIR_JSON,
        headers={"cache-control": "no-store", **headers},
    )


def outcome(code: str, diagnostics: str, severity: str = "error") -> dict[str, Any]:
    """An OperationOutcome with one issue; `code` from FHIR's IssueType (not-found,
    invalid, security, forbidden, not-supported, exception, transient …)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def refused(problem: FhirProblem, **headers: str) -> Response:
    return fhir_json(outcome(problem.code, problem.diagnostics), problem.status, **headers)
