"""Patient matches, and the problem that asks staff to choose among them."""

from __future__ import annotations

import strawberry

from domain import errors
from resolvers.answers.patient_matches import FoundMatch
from schema.accounts.types import Patient
from schema.core.enums import MatchGrade
from schema.core.problems import CUSTOM, Problem


@strawberry.type(
    description="An existing patient record that may be the same person as an online registrant, as staff see it when accepting or merging."
)
class PatientMatch:
    patient: Patient = strawberry.field(description="The existing patient record.")
    score: float = strawberry.field(
        description="0..1, how closely name, birth date, email and phone agree."
    )
    grade: MatchGrade = strawberry.field(
        description="How sure the match is; only CERTAIN is ever taken without staff choosing."
    )
    matched_on: list[str] = strawberry.field(
        description="What agrees, of 'name', 'birthDate', 'email' and 'phone'."
    )
    verified_on: list[str] = strawberry.field(
        description="Of matchedOn, the facts the registrant proved rather than typed: 'email' when their verified email is the record's. Only such a match is CERTAIN."
    )

    @classmethod
    def from_found(cls, found: FoundMatch) -> PatientMatch:
        return cls(
            patient=Patient.from_row(found.patient),
            score=round(found.match.score, 3),
            grade=MatchGrade(found.match.grade.value),
            matched_on=list(found.match.matched_on),
            verified_on=list(found.match.verified_on),
        )


@strawberry.type(
    description="Several patient records match the requester: accept again naming one of them."
)
class PatientChoiceRequired(Problem):
    candidates: list[PatientMatch] = strawberry.field(
        description="The records to choose from, best first: accept again with one's patient id, or with createPatient."
    )


def _patient_choice(error: errors.PatientChoiceRequired) -> Problem:
    return PatientChoiceRequired(
        code=error.code,
        message=error.message,
        candidates=[PatientMatch.from_found(c) for c in error.candidates],
    )


CUSTOM[errors.PatientChoiceRequired] = _patient_choice
